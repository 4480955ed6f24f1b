// What each layer of a spec does to the shape of its input, and what it costs: the check that a
// spec fits an input length, run before anything is built (its messages name the layer), and the
// shapes the LibTorch builder (spec_model.cpp) sizes its modules by.
#include <fmt/format.h>

#include <initializer_list>

#include "dnacnn/core/error.hpp"
#include "dnacnn/models/model_spec.hpp"

namespace dnacnn {
namespace {

// Larger than any model we would train; keeps the sums below far from int64 overflow.
constexpr std::int64_t kShapeLimit = 1'000'000'000'000;

std::string describe(const TensorShape& s) {
  return s.flat ? fmt::format("{} features", s.channels) : fmt::format("{} channels x {} positions", s.channels, s.length);
}

class ShapeChecker {
 public:
  ShapeChecker(std::string source, std::int64_t targets) : source_(std::move(source)), targets_(targets) {}

  TensorShape block(const std::vector<LayerSpec>& layers, TensorShape in, const std::string& prefix, bool top) {
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const LayerSpec& l = layers[i];
      where_ = fmt::format("{}{} ({})", prefix, i, layer_kind_name(l.kind));
      const bool last = top && i + 1 == layers.size();
      const bool ends = l.kind == LayerKind::output || l.kind == LayerKind::profile_head;
      if (ends && !last) fail(std::string("the ") + (l.kind == LayerKind::output ? "output layer" : "profile head") +
                              " must be the spec's last layer");
      if (last && !ends)
        fail("the last layer must be {\"type\": \"output\"} (one value per target) or a profile_head");
      in = layer(l, in, prefix + std::to_string(i) + ".");
      if (in.channels > kShapeLimit || in.channels * std::max<std::int64_t>(in.length, 1) > kShapeLimit)
        fail("its output (" + describe(in) + ") is too large");
    }
    return in;
  }
  std::int64_t parameters() const { return parameters_; }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(fmt::format("{}: {}", where_, what), {source_}, kExitUsageError);
  }
  void needs_sequence(const TensorShape& in) const {
    if (in.flat)
      fail(fmt::format("needs a sequence (channels x positions), but its input is flat ({})", describe(in)));
  }
  void needs_flat(const TensorShape& in) const {
    if (!in.flat)
      fail(fmt::format("needs flat input, but gets {}: add flatten or a global pooling layer before it", describe(in)));
  }

  TensorShape layer(const LayerSpec& l, const TensorShape& in, const std::string& inner) {
    switch (l.kind) {
      case LayerKind::conv1d: {
        needs_sequence(in);
        const std::int64_t span = l.dilation * (l.kernel - 1) + 1;
        if (l.padding == ConvPadding::valid && span > in.length)
          fail(fmt::format("kernel {}{} spans {} bases, more than the {} positions it gets (padding \"same\" keeps the length)",
                           l.kernel, l.dilation > 1 ? fmt::format(" with dilation {}", l.dilation) : "", span, in.length));
        break;
      }
      case LayerKind::dense:
      case LayerKind::output: needs_flat(in); break;
      case LayerKind::maxpool:
      case LayerKind::avgpool:
      case LayerKind::bilstm:
      case LayerKind::globalmaxpool:
      case LayerKind::globalavgpool:
        needs_sequence(in);
        if ((l.kind == LayerKind::maxpool || l.kind == LayerKind::avgpool) && l.size > in.length)
          fail(fmt::format("size {} is more than the {} positions it gets", l.size, in.length));
        if (l.bins > in.length) fail(fmt::format("bins {} is more than the {} positions it gets", l.bins, in.length));
        break;
      case LayerKind::residual: residual(l, in, inner); break;
      case LayerKind::concat: concat(l, in, inner); break;
      case LayerKind::profile_head:
        needs_sequence(in);
        if (profile_head_input(l) > in.length)
          fail(fmt::format("length {} with kernel {} needs {} positions of the trunk, and it gives {}", l.length,
                           l.kernel, profile_head_input(l), in.length));
        break;
      default: break;
    }
    parameters_ += layer_parameter_count(l, in, targets_);
    if (parameters_ > kShapeLimit) fail("the model would have more than 10^12 parameters");
    return layer_output_shape(l, in, targets_);
  }

  void residual(const LayerSpec& l, const TensorShape& in, const std::string& inner) {
    const std::string here = where_;
    const TensorShape out = block(l.layers, in, inner, false);
    where_ = here;
    if (out.flat != in.flat || out.channels != in.channels || out.length > in.length)
      fail(fmt::format("its block turns {} into {}: a skip connection needs the same channels and no more positions "
                       "(fewer are fine: the input is centre-cropped)", describe(in), describe(out)));
  }

  void concat(const LayerSpec& l, const TensorShape& in, const std::string& inner) {
    const std::string here = where_;
    std::vector<TensorShape> outs;
    for (std::size_t b = 0; b < l.branches.size(); ++b)
      outs.push_back(block(l.branches[b], in, fmt::format("{}{}.", inner, b), false));
    where_ = here;
    for (std::size_t b = 1; b < outs.size(); ++b)
      if (outs[b].flat != outs[0].flat || (!outs[0].flat && outs[b].length != outs[0].length))
        fail(fmt::format("branch 0 gives {} but branch {} gives {}: joined branches need the same positions (or all flat)",
                         describe(outs[0]), b, describe(outs[b])));
  }

  std::string source_;
  std::int64_t targets_;
  std::string where_;
  std::int64_t parameters_ = 0;
};

}  // namespace

TensorShape layer_output_shape(const LayerSpec& l, const TensorShape& in, std::int64_t targets) {
  switch (l.kind) {
    case LayerKind::conv1d: {
      const std::int64_t span = l.dilation * (l.kernel - 1) + 1;
      return {l.filters, l.padding == ConvPadding::same ? in.length : in.length - span + 1, false};
    }
    case LayerKind::dense: return {l.units, 0, true};
    case LayerKind::output:
    case LayerKind::profile_head: return {targets, 0, true};  // the counts; profiles come beside them
    case LayerKind::maxpool:
    case LayerKind::avgpool: return {in.channels, (in.length - l.size) / l.pool_stride() + 1, false};
    case LayerKind::globalmaxpool:
    case LayerKind::globalavgpool: return {in.channels * l.bins, 0, true};
    case LayerKind::flatten: return in.flat ? in : TensorShape{in.channels * in.length, 0, true};
    case LayerKind::bilstm: return {2 * l.units, in.length, false};
    case LayerKind::residual: return in.flat ? in : TensorShape{in.channels, [&] {
      TensorShape s = in;
      for (const auto& inner : l.layers) s = layer_output_shape(inner, s, targets);
      return s.length;
    }(), false};
    case LayerKind::concat: {
      TensorShape joined{0, 0, false};
      for (const auto& branch : l.branches) {
        TensorShape s = in;
        for (const auto& inner : branch) s = layer_output_shape(inner, s, targets);
        joined = {joined.channels + s.channels, s.length, s.flat};
      }
      return joined;
    }
    default: return in;  // activations, normalisation, dropout
  }
}

namespace {

// Products of sizes a hostile spec can make as large as it likes: saturated instead of overflowing
// (the checker refuses anything near the limit anyway).
std::int64_t product(std::initializer_list<std::int64_t> factors) {
  constexpr std::int64_t kMax = std::int64_t{1} << 62;
  std::int64_t p = 1;
  for (const std::int64_t f : factors) p = f != 0 && p > kMax / f ? kMax : p * f;
  return p;
}

}  // namespace

std::int64_t layer_parameter_count(const LayerSpec& l, const TensorShape& in, std::int64_t targets) {
  switch (l.kind) {
    case LayerKind::conv1d: return product({l.filters, in.channels, l.kernel}) + (l.bias ? l.filters : 0);
    case LayerKind::dense: return product({in.channels + (l.bias ? 1 : 0), l.units});
    case LayerKind::output: return product({in.channels + (l.bias ? 1 : 0), targets});
    case LayerKind::profile_head:  // profile conv and count dense
      return product({targets, in.channels, l.kernel}) + product({in.channels + (l.bias ? 2 : 0), targets});
    case LayerKind::batchnorm:
    case LayerKind::layernorm: return 2 * in.channels;
    case LayerKind::bilstm: return product({8, l.units, in.channels + l.units + 2});  // 2 directions x 4 gates, two biases
    default: return 0;  // residual and concat: their layers are counted as the checker walks them
  }
}

namespace {

std::string layer_text(const LayerSpec& l) {
  switch (l.kind) {
    case LayerKind::conv1d:
      return fmt::format("conv1d {} x {}{}{}", l.filters, l.kernel, l.padding == ConvPadding::same ? " same" : "",
                         l.dilation > 1 ? fmt::format(" dilation {}", l.dilation) : "");
    case LayerKind::dense:
    case LayerKind::bilstm: return fmt::format("{} {}", layer_kind_name(l.kind), l.units);
    case LayerKind::maxpool:
    case LayerKind::avgpool:
      return fmt::format("{} {}{}", layer_kind_name(l.kind), l.size,
                         l.pool_stride() != l.size ? fmt::format(" stride {}", l.pool_stride()) : "");
    case LayerKind::globalmaxpool:
    case LayerKind::globalavgpool:
      return fmt::format("{}{}", layer_kind_name(l.kind), l.bins > 1 ? fmt::format(" bins {}", l.bins) : "");
    case LayerKind::dropout: return fmt::format("dropout {:g}", l.p);
    case LayerKind::profile_head: return fmt::format("profile_head {} (kernel {}) + counts", l.length, l.kernel);
    default: return std::string(layer_kind_name(l.kind));
  }
}

std::string shape_text(const TensorShape& s) {
  return s.flat ? fmt::format("{}", s.channels) : fmt::format("{} x {}", s.channels, s.length);
}

void summarise(const std::vector<LayerSpec>& layers, TensorShape in, std::int64_t targets, const std::string& indent,
               std::string& out) {
  for (const LayerSpec& l : layers) {
    const TensorShape shape = layer_output_shape(l, in, targets);
    const std::int64_t params = layer_parameter_count(l, in, targets);
    out += fmt::format("{:<40} {:>16} {:>12}\n", indent + layer_text(l), shape_text(shape), params ? std::to_string(params) : "");
    if (l.kind == LayerKind::residual) summarise(l.layers, in, targets, indent + "  | ", out);
    for (std::size_t b = 0; b < l.branches.size(); ++b) summarise(l.branches[b], in, targets, indent + fmt::format("  {}: ", b), out);
    in = shape;
  }
}

}  // namespace

std::string spec_summary(const ModelSpec& spec, std::int64_t length, std::int64_t targets) {
  const std::int64_t total = check_spec_shapes(spec, length, targets, spec.name);
  std::string out = fmt::format("{:<40} {:>16} {:>12}\n", "layer", "output", "parameters");
  out += fmt::format("{:<40} {:>16} {:>12}\n", "input (one-hot)", shape_text(spec_input_shape(length)), "");
  summarise(spec.layers, spec_input_shape(length), targets, "", out);
  return out + fmt::format("{:<40} {:>16} {:>12}\n", "total", "", total);
}

std::int64_t check_spec_shapes(const ModelSpec& spec, std::int64_t length, std::int64_t targets,
                               const std::string& source) {
  ShapeChecker checker(source, targets);
  checker.block(spec.layers, spec_input_shape(length), "layer ", true);
  return checker.parameters();
}

}  // namespace dnacnn

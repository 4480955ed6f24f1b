#include "interpret/layer_program.hpp"

#include <map>

#include "dnacnn/core/error.hpp"
#include "interpret/deeplift_rules.hpp"

namespace dnacnn {
namespace {

using Weights = std::map<std::string, torch::Tensor>;

struct Builder {
  const Weights& weights;
  const std::map<std::string, std::string>& renames;
  std::int64_t targets;

  torch::Tensor get(const std::string& prefix, const std::string& name, bool required = true) const {
    const auto renamed = renames.find(prefix);
    const std::string full = (renamed == renames.end() ? prefix : renamed->second) + "." + name;
    const auto it = weights.find(full);
    if (it == weights.end()) {
      if (required) throw Error("internal error: the network has no weight '" + full + "'");
      return {};
    }
    return it->second.detach();
  }

  std::vector<ProgramLayer> build(const std::vector<LayerSpec>& specs, TensorShape in, const std::string& prefix) const {
    std::vector<ProgramLayer> out;
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const std::string p = prefix + "." + std::to_string(i);
      ProgramLayer l;
      l.spec = specs[i];
      l.spec.layers.clear();
      l.spec.branches.clear();
      l.in = in;
      switch (specs[i].kind) {
        case LayerKind::conv1d:
        case LayerKind::dense:
        case LayerKind::output:
          l.weight = get(p, "weight");
          l.bias = get(p, "bias", specs[i].bias);
          break;
        case LayerKind::batchnorm:
          l.running_mean = get(p, "running_mean");
          l.running_var = get(p, "running_var");
          [[fallthrough]];
        case LayerKind::layernorm:
          l.weight = get(p, "weight");
          l.bias = get(p, "bias");
          break;
        case LayerKind::bilstm:
          for (const std::string suffix : {"", "_reverse"})
            for (const char* w : {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"})
              l.lstm.push_back(get(p, w + suffix));
          break;
        case LayerKind::residual: l.blocks.push_back(build(specs[i].layers, in, p)); break;
        case LayerKind::profile_head:  // the count head: what attribution and ISM explain
          l.weight = get(p + ".count", "weight");
          l.bias = get(p + ".count", "bias", specs[i].bias);
          break;
        case LayerKind::concat:
          for (std::size_t b = 0; b < specs[i].branches.size(); ++b)
            l.blocks.push_back(build(specs[i].branches[b], in, p + "." + std::to_string(b)));
          break;
        default: break;
      }
      out.push_back(std::move(l));
      in = layer_output_shape(specs[i], in, targets);
    }
    return out;
  }
};

torch::Tensor elementwise(const torch::Tensor& h, Elementwise f, LayerMode mode) {
  if (mode == LayerMode::deeplift) return rescale(h, f);
  switch (f) {
    case Elementwise::relu: return torch::relu(h);
    case Elementwise::gelu: return torch::gelu(h);
    case Elementwise::softplus: return torch::softplus(h);
    case Elementwise::exp: return torch::exp(h);
    case Elementwise::sigmoid: return torch::sigmoid(h);
    case Elementwise::tanh: return torch::tanh(h);
    case Elementwise::square: return h * h;
    case Elementwise::rsqrt: return torch::rsqrt(h);
  }
  return h;
}

torch::Tensor product(const torch::Tensor& a, const torch::Tensor& b, LayerMode mode) {
  return mode == LayerMode::deeplift ? paired_product(a, b) : a * b;
}

// Max over the last dimension.
torch::Tensor window_max(const torch::Tensor& h, LayerMode mode) {
  return mode == LayerMode::deeplift ? paired_max(h) : std::get<0>(h.max(-1));
}

// Global pooling over `bins` equal stretches, filter-major, as spec_model.cpp computes it.
torch::Tensor global_pool(const torch::Tensor& h, std::int64_t bins, bool max, LayerMode mode) {
  const std::int64_t length = h.size(2);
  std::vector<torch::Tensor> parts;
  for (std::int64_t b = 0; b < bins; ++b) {
    const std::int64_t start = b * length / bins, end = ((b + 1) * length + bins - 1) / bins;
    const torch::Tensor part = h.narrow(2, start, end - start);
    parts.push_back(max ? window_max(part, mode) : part.mean(2));
  }
  return bins == 1 ? parts[0] : torch::stack(parts, 2).flatten(1);
}

// Layer norm over the channels, written as the operations DeepLIFT has rules for: centring
// (linear), squares and 1/sqrt (rescale), the product of the centred values and 1/sqrt (product rule).
torch::Tensor layer_norm(const ProgramLayer& l, const torch::Tensor& h, LayerMode mode) {
  const torch::Tensor z = h - h.mean(1, true);
  const torch::Tensor t = elementwise(elementwise(z, Elementwise::square, mode).mean(1, true) + 1e-5, Elementwise::rsqrt, mode);
  const torch::Tensor shape_w = h.dim() == 2 ? l.weight : l.weight.view({1, -1, 1});
  const torch::Tensor shape_b = h.dim() == 2 ? l.bias : l.bias.view({1, -1, 1});
  return product(z, t, mode) * shape_w + shape_b;
}

// One direction of an LSTM over x (N, L, C): (N, L, H). Gates in PyTorch's order i, f, g, o.
torch::Tensor lstm_direction(const torch::Tensor& x, const std::vector<torch::Tensor>& w, std::size_t first, bool reverse,
                             LayerMode mode) {
  const std::int64_t n = x.size(0), length = x.size(1), units = w[first + 1].size(1);
  const torch::Tensor projected = torch::matmul(x, w[first].t()) + w[first + 2] + w[first + 3];
  torch::Tensor h = torch::zeros({n, units}, x.options()), c = torch::zeros({n, units}, x.options());
  std::vector<torch::Tensor> out(static_cast<std::size_t>(length));
  for (std::int64_t s = 0; s < length; ++s) {
    const std::int64_t t = reverse ? length - 1 - s : s;
    const auto gates = (projected.select(1, t) + torch::matmul(h, w[first + 1].t())).chunk(4, 1);
    const torch::Tensor i = elementwise(gates[0], Elementwise::sigmoid, mode);
    const torch::Tensor f = elementwise(gates[1], Elementwise::sigmoid, mode);
    const torch::Tensor g = elementwise(gates[2], Elementwise::tanh, mode);
    const torch::Tensor o = elementwise(gates[3], Elementwise::sigmoid, mode);
    c = product(f, c, mode) + product(i, g, mode);
    h = product(o, elementwise(c, Elementwise::tanh, mode), mode);
    out[static_cast<std::size_t>(t)] = h;
  }
  return torch::stack(out, 1);
}

torch::Tensor conv(const ProgramLayer& l, const torch::Tensor& h) {
  torch::Tensor in = h;
  if (l.spec.padding == ConvPadding::same) {
    const std::int64_t total = l.spec.dilation * (l.spec.kernel - 1), left = same_left_padding(l.spec);
    in = torch::constant_pad_nd(h, {left, total - left});
  }
  return torch::conv1d(in, l.weight, l.bias, torch::IntArrayRef{1}, torch::IntArrayRef{0}, torch::IntArrayRef{l.spec.dilation});
}

}  // namespace

std::int64_t same_left_padding(const LayerSpec& conv) { return conv.dilation * (conv.kernel - 1) / 2; }

LayerProgram layer_program(const LoadedModel& model) {
  const ModelConfig& c = model.config;
  Weights weights;
  for (const auto& item : model.network->named_parameters(true)) weights[item.key()] = item.value();
  for (const auto& item : model.network->named_buffers(true)) weights[item.key()] = item.value();
  const auto targets = static_cast<std::int64_t>(c.targets.size());
  LayerProgram program;
  program.length = c.length;
  program.device = model.device;
  if (!c.spec && c.arch == "linear") {
    // One weight per (position, base), position-major: as a dense layer on the channels-first
    // input flattened channel-major, its columns reordered.
    ProgramLayer flatten, output;
    flatten.spec.kind = LayerKind::flatten;
    flatten.in = spec_input_shape(c.length);
    output.spec.kind = LayerKind::output;
    output.in = {4 * c.length, 0, true};
    const torch::Tensor w = weights.at("lin.weight").detach();
    output.weight = w.view({targets, c.length, 4}).permute({0, 2, 1}).reshape({targets, 4 * c.length}).contiguous();
    output.bias = weights.at("lin.bias").detach();
    program.layers = {flatten, output};
    return program;
  }
  const ModelSpec spec = c.spec ? *c.spec : built_in_as_spec(c);
  const auto renames = c.spec ? std::map<std::string, std::string>{} : built_in_weight_names(c, spec);
  program.layers = Builder{weights, renames, targets}.build(spec.layers, spec_input_shape(c.length), "layers");
  return program;
}

torch::Tensor run_layer(const ProgramLayer& l, const torch::Tensor& h, LayerMode mode) {
  switch (l.spec.kind) {
    case LayerKind::conv1d: return conv(l, h);
    case LayerKind::dense:
    case LayerKind::output: return torch::linear(h, l.weight, l.bias);
    case LayerKind::relu: return elementwise(h, Elementwise::relu, mode);
    case LayerKind::gelu: return elementwise(h, Elementwise::gelu, mode);
    case LayerKind::softplus: return elementwise(h, Elementwise::softplus, mode);
    case LayerKind::exp: return elementwise(h, Elementwise::exp, mode);
    case LayerKind::sigmoid: return elementwise(h, Elementwise::sigmoid, mode);
    case LayerKind::tanh: return elementwise(h, Elementwise::tanh, mode);
    case LayerKind::maxpool:
      if (mode == LayerMode::plain) return torch::max_pool1d(h, l.spec.size, l.spec.pool_stride());
      return paired_max(h.unfold(2, l.spec.size, l.spec.pool_stride()));
    case LayerKind::avgpool: return torch::avg_pool1d(h, l.spec.size, l.spec.pool_stride());
    case LayerKind::batchnorm:
      return torch::batch_norm(h, l.weight, l.bias, l.running_mean, l.running_var, false, 0.0, 1e-5, false);
    case LayerKind::layernorm: return layer_norm(l, h, mode);
    case LayerKind::dropout: return h;  // evaluation mode
    case LayerKind::globalmaxpool: return global_pool(h, l.spec.bins, true, mode);
    case LayerKind::globalavgpool: return global_pool(h, l.spec.bins, false, mode);
    case LayerKind::flatten: return h.flatten(1);
    case LayerKind::profile_head:  // log(1 + count): the trunk's mean over the central profile, then linear
      return torch::linear(h.narrow(2, (h.size(2) - l.spec.length) / 2, l.spec.length).mean(2), l.weight, l.bias);
    case LayerKind::bilstm: {
      const torch::Tensor x = h.transpose(1, 2);
      return torch::cat({lstm_direction(x, l.lstm, 0, false, mode), lstm_direction(x, l.lstm, 4, true, mode)}, 2)
          .transpose(1, 2);
    }
    case LayerKind::residual: {
      const torch::Tensor out = run_layers(l.blocks[0], h, mode);
      if (h.dim() == 2 || out.size(2) == h.size(2)) return h + out;
      return h.narrow(2, (h.size(2) - out.size(2)) / 2, out.size(2)) + out;
    }
    case LayerKind::concat: {
      std::vector<torch::Tensor> outs;
      for (const auto& branch : l.blocks) outs.push_back(run_layers(branch, h, mode));
      return torch::cat(outs, 1);
    }
  }
  return h;
}

torch::Tensor run_layers(const std::vector<ProgramLayer>& layers, torch::Tensor h, LayerMode mode) {
  for (const ProgramLayer& l : layers) h = run_layer(l, h, mode);
  return h;
}

bool is_local(const ProgramLayer& l) {
  switch (l.spec.kind) {
    case LayerKind::conv1d:
    case LayerKind::relu:
    case LayerKind::gelu:
    case LayerKind::softplus:
    case LayerKind::exp:
    case LayerKind::sigmoid:
    case LayerKind::tanh:
    case LayerKind::maxpool:
    case LayerKind::avgpool:
    case LayerKind::batchnorm:
    case LayerKind::dropout: return !l.in.flat;
    case LayerKind::layernorm: return !l.in.flat;  // per position, over the channels
    case LayerKind::residual:
    case LayerKind::concat:
      if (l.in.flat) return false;
      for (const auto& block : l.blocks)
        for (const auto& inner : block)
          if (!is_local(inner)) return false;
      return true;
    default: return false;
  }
}

}  // namespace dnacnn

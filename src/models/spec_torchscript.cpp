// TorchScript source of a spec model's `logits(self, x)` for `dnacnn export` (see ArchitectureEntry::
// torchscript): one statement per layer on x (batch, length, 4); parameters and buffers are the
// module's attributes named like the weights with '.' as '_'. Shapes are static (the config's
// length), so crops and bins are written as numbers. Dropout is the identity at prediction time.
#include <fmt/format.h>

#include "dnacnn/models/model_spec.hpp"
#include "models/models.hpp"

namespace dnacnn {
namespace {

std::string attribute(const std::string& prefix, const char* name) {
  std::string a = prefix + "_" + name;
  for (char& c : a)
    if (c == '.') c = '_';
  return "self." + a;
}

class ScriptWriter {
 public:
  explicit ScriptWriter(std::int64_t targets) : targets_(targets) {}

  // Emits the block's layers on variable `h` of shape `in`; returns the variable holding the result.
  std::string block(const std::vector<LayerSpec>& layers, std::string h, TensorShape in, const std::string& prefix) {
    for (std::size_t i = 0; i < layers.size(); ++i) {
      h = layer(layers[i], h, in, prefix + "." + std::to_string(i));
      in = layer_output_shape(layers[i], in, targets_);
    }
    return h;
  }
  std::string source() const { return src_; }

 private:
  std::string let(const std::string& expr) {
    const std::string v = fmt::format("h{}", next_++);
    src_ += fmt::format("    {} = {}\n", v, expr);
    return v;
  }

  std::string linear(const std::string& h, const std::string& p, bool bias) {
    return let(fmt::format("torch.linear({}, {}, {})", h, attribute(p, "weight"), bias ? attribute(p, "bias") : "None"));
  }

  std::string global_pool(const std::string& h, const TensorShape& in, std::int64_t bins, const char* op) {
    if (bins == 1) return let(fmt::format("torch.{}({}, [2])", op, h));
    std::string parts;
    for (std::int64_t b = 0; b < bins; ++b) {
      const std::int64_t start = b * in.length / bins, end = ((b + 1) * in.length + bins - 1) / bins;
      parts += fmt::format("{}torch.{}({}[:, :, {}:{}], [2])", b ? ", " : "", op, h, start, end);
    }
    return let(fmt::format("torch.stack([{}], 2).flatten(1)", parts));
  }

  std::string lstm(const std::string& h, const LayerSpec& l, const std::string& p) {
    std::string weights;
    for (const char* suffix : {"", "_reverse"})
      for (const char* w : {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"})
        weights += fmt::format("{}{}", weights.empty() ? "" : ", ", attribute(p, (std::string(w) + suffix).c_str()));
    const std::string zeros = let(fmt::format("torch.zeros([2, {}.size(0), {}])", h, l.units));
    const std::string out = let(fmt::format("torch.lstm({}.transpose(1, 2), [{}, {}], [{}], True, 1, 0.0, False, True, True)",
                                            h, zeros, zeros, weights));
    return let(fmt::format("{}[0].transpose(1, 2)", out));
  }

  std::string layer(const LayerSpec& l, const std::string& h, const TensorShape& in, const std::string& p) {
    switch (l.kind) {
      case LayerKind::conv1d:
        return let(fmt::format("torch.conv1d({}, {}, {}, [1], \"{}\", [{}])", h, attribute(p, "weight"),
                               l.bias ? attribute(p, "bias") : "None", l.padding == ConvPadding::same ? "same" : "valid",
                               l.dilation));
      case LayerKind::dense:
      case LayerKind::output: return linear(h, p, l.bias);
      case LayerKind::relu: return let(fmt::format("torch.relu({})", h));
      case LayerKind::gelu: return let(fmt::format("torch.gelu({})", h));
      case LayerKind::softplus: return let(fmt::format("torch.softplus({}, 1, 20)", h));
      case LayerKind::exp: return let(fmt::format("torch.exp({})", h));
      case LayerKind::sigmoid: return let(fmt::format("torch.sigmoid({})", h));
      case LayerKind::tanh: return let(fmt::format("torch.tanh({})", h));
      case LayerKind::maxpool: return let(fmt::format("torch.max_pool1d({}, [{}], [{}])", h, l.size, l.pool_stride()));
      case LayerKind::avgpool: return let(fmt::format("torch.avg_pool1d({}, [{}], [{}])", h, l.size, l.pool_stride()));
      case LayerKind::batchnorm:
        return let(fmt::format("torch.batch_norm({}, {}, {}, {}, {}, False, 0.1, 1e-05, False)", h, attribute(p, "weight"),
                               attribute(p, "bias"), attribute(p, "running_mean"), attribute(p, "running_var")));
      case LayerKind::layernorm: {
        const std::string args = fmt::format("[{}], {}, {}, 1e-05, False", in.channels, attribute(p, "weight"), attribute(p, "bias"));
        if (in.flat) return let(fmt::format("torch.layer_norm({}, {})", h, args));
        return let(fmt::format("torch.layer_norm({}.transpose(1, 2), {}).transpose(1, 2)", h, args));
      }
      case LayerKind::dropout: return h;
      case LayerKind::globalmaxpool: return global_pool(h, in, l.bins, "amax");
      case LayerKind::globalavgpool: return global_pool(h, in, l.bins, "mean");
      case LayerKind::flatten: return let(fmt::format("{}.flatten(1)", h));
      case LayerKind::bilstm: return lstm(h, l, p);
      case LayerKind::profile_head: {  // the count head, log(1 + count): what `dnacnn predict` writes
        const std::int64_t start = (in.length - l.length) / 2;
        return linear(let(fmt::format("{}[:, :, {}:{}].mean(2)", h, start, start + l.length)), p + ".count", l.bias);
      }
      case LayerKind::residual: {
        const std::string out = block(l.layers, h, in, p);
        const TensorShape o = layer_output_shape(l, in, targets_);
        if (in.flat || o.length == in.length) return let(fmt::format("{} + {}", h, out));
        const std::int64_t start = (in.length - o.length) / 2;
        return let(fmt::format("{}[:, :, {}:{}] + {}", h, start, start + o.length, out));
      }
      case LayerKind::concat: {
        std::string outs;
        for (std::size_t b = 0; b < l.branches.size(); ++b)
          outs += (b ? ", " : "") + block(l.branches[b], h, in, p + "." + std::to_string(b));
        return let(fmt::format("torch.cat([{}], 1)", outs));
      }
    }
    return h;
  }

  std::int64_t targets_;
  std::string src_;
  int next_ = 0;
};

}  // namespace

std::string spec_torchscript(const ModelConfig& config) {
  ScriptWriter writer(static_cast<std::int64_t>(config.targets.size()));
  const std::string out = writer.block(config.spec->layers, "x.permute([0, 2, 1])", spec_input_shape(config.length), "layers");
  return "def logits(self, x):\n" + writer.source() + "    return " + out + "\n";
}

}  // namespace dnacnn

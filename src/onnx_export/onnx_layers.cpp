// One emitter per layer kind; each mirrors the TorchScript writer (src/models/spec_torchscript.cpp)
// and the LibTorch module (src/models/spec_model.cpp) it must agree with to 1e-4.
#include "onnx_export/onnx_layers.hpp"

#include <fmt/format.h>

#include <cmath>

#include "dnacnn/core/error.hpp"

namespace dnacnn::onnx_export {

WeightStore::WeightStore(const std::vector<io::NamedTensor>& tensors, std::string file,
                         std::map<std::string, std::string> renames)
    : file_(std::move(file)), renames_(std::move(renames)) {
  for (const io::NamedTensor& t : tensors) by_name_[t.name] = &t;
}

std::string WeightStore::stored_name(const std::string& prefix, const std::string& name) const {
  const auto renamed = renames_.find(prefix);
  return (renamed == renames_.end() ? prefix : renamed->second) + "." + name;
}

const io::NamedTensor& WeightStore::get(const std::string& prefix, const std::string& name, const Ints& shape) const {
  const std::string stored = stored_name(prefix, name);
  const auto found = by_name_.find(stored);
  if (found == by_name_.end()) throw Error(fmt::format("no tensor '{}', which the model's config needs", stored), {file_});
  if (found->second->shape != shape)
    throw Error(fmt::format("tensor '{}' has shape [{}], the model's config needs [{}]", stored,
                            fmt::join(found->second->shape, ", "), fmt::join(shape, ", ")),
                {file_});
  return *found->second;
}

namespace {

// LibTorch stacks an LSTM's gates as i, f, g, o; ONNX as i, o, f, c (c = LibTorch's g).
std::vector<float> onnx_gate_order(const std::vector<float>& torch_gates, std::int64_t hidden, std::int64_t row) {
  const std::size_t block = static_cast<std::size_t>(hidden * row);
  std::vector<float> out;
  for (int gate : {0, 3, 1, 2})
    out.insert(out.end(), torch_gates.begin() + gate * block, torch_gates.begin() + (gate + 1) * block);
  return out;
}

class LayerEmitter {
 public:
  LayerEmitter(OnnxGraph& graph, const WeightStore& weights, std::int64_t targets)
      : g_(graph), w_(weights), targets_(targets) {}

  std::string block(const std::vector<LayerSpec>& layers, std::string h, TensorShape in, const std::string& prefix) {
    for (std::size_t i = 0; i < layers.size(); ++i) {
      h = layer(layers[i], h, in, prefix + "." + std::to_string(i));
      in = layer_output_shape(layers[i], in, targets_);
    }
    return h;
  }

 private:
  std::string param(const std::string& p, const std::string& name, const Ints& shape) {
    const io::NamedTensor& t = w_.get(p, name, shape);
    return g_.weight(t.name, t.shape, t.values);
  }

  std::string conv(const LayerSpec& l, const std::string& h, const TensorShape& in, const std::string& p) {
    // PyTorch's 'same' pads total = dilation (kernel - 1), the odd one on the right.
    const std::int64_t total = l.padding == ConvPadding::same ? l.dilation * (l.kernel - 1) : 0;
    std::vector<std::string> inputs{h, param(p, "weight", {l.filters, in.channels, l.kernel})};
    if (l.bias) inputs.push_back(param(p, "bias", {l.filters}));
    return g_.node("Conv", inputs,
                   {{"kernel_shape", Ints{l.kernel}}, {"dilations", Ints{l.dilation}}, {"strides", Ints{1}},
                    {"pads", Ints{total / 2, total - total / 2}}});
  }

  std::string linear(const std::string& h, const TensorShape& in, std::int64_t units, bool bias, const std::string& p) {
    std::vector<std::string> inputs{h, param(p, "weight", {units, in.channels})};
    if (bias) inputs.push_back(param(p, "bias", {units}));
    return g_.node("Gemm", inputs, {{"transB", std::int64_t{1}}});
  }

  // gelu(x) = x/2 (1 + erf(x / sqrt 2)), PyTorch's exact form (ONNX's Gelu operator is opset 20).
  std::string gelu(const std::string& h) {
    const std::string scaled = g_.node("Mul", {h, g_.scalar(static_cast<float>(M_SQRT1_2))});
    const std::string one_plus = g_.node("Add", {g_.node("Erf", {scaled}), g_.scalar(1.0f)});
    return g_.node("Mul", {g_.node("Mul", {h, one_plus}), g_.scalar(0.5f)});
  }

  // PyTorch's softplus is x itself above 20 (log(1 + e^x) there overflows in float32 to inf).
  std::string softplus(const std::string& h) {
    return g_.node("Where", {g_.node("Greater", {h, g_.scalar(20.0f)}), h, g_.node("Softplus", {h})});
  }

  std::string norm(const LayerSpec& l, const std::string& h, const TensorShape& in, const std::string& p) {
    const std::string scale = param(p, "weight", {in.channels}), shift = param(p, "bias", {in.channels});
    const Attribute eps{"epsilon", 1e-5f};
    if (l.kind == LayerKind::batchnorm)
      return g_.node("BatchNormalization", {h, scale, shift, param(p, "running_mean", {in.channels}),
                                            param(p, "running_var", {in.channels})}, {eps});
    if (in.flat) return g_.node("LayerNormalization", {h, scale, shift}, {{"axis", std::int64_t{-1}}, eps});
    // Over the channels at each position: channels last, normalise, back.
    const std::string last = g_.node("Transpose", {h}, {{"perm", Ints{0, 2, 1}}});
    const std::string normed = g_.node("LayerNormalization", {last, scale, shift}, {{"axis", std::int64_t{-1}}, eps});
    return g_.node("Transpose", {normed}, {{"perm", Ints{0, 2, 1}}});
  }

  std::string slice(const std::string& h, std::int64_t start, std::int64_t end) {
    return g_.node("Slice", {h, g_.ints({start}), g_.ints({end}), g_.ints({2})});
  }

  // Filter-major (batch, channels x bins) like the TorchScript writer's stack(..., 2).flatten(1).
  std::string global_pool(const std::string& h, const TensorShape& in, std::int64_t bins, const char* op) {
    if (bins == 1) return g_.node(op, {h}, {{"axes", Ints{2}}, {"keepdims", std::int64_t{0}}});
    std::vector<std::string> parts;
    for (std::int64_t b = 0; b < bins; ++b) {
      const std::int64_t start = b * in.length / bins, end = ((b + 1) * in.length + bins - 1) / bins;
      parts.push_back(g_.node(op, {slice(h, start, end)}, {{"axes", Ints{2}}, {"keepdims", std::int64_t{1}}}));
    }
    return g_.node("Flatten", {g_.node("Concat", parts, {{"axis", std::int64_t{2}}})}, {{"axis", std::int64_t{1}}});
  }

  std::string bilstm(const LayerSpec& l, const std::string& h, const TensorShape& in, const std::string& p) {
    const std::int64_t H = l.units;
    std::vector<float> W, R, B;
    for (const char* dir : {"", "_reverse"}) {
      const auto append = [&](std::vector<float>& to, const char* name, const Ints& shape) {
        const std::vector<float> reordered = onnx_gate_order(w_.get(p, name + std::string(dir), shape).values, H,
                                                             shape.size() > 1 ? shape[1] : 1);
        to.insert(to.end(), reordered.begin(), reordered.end());
      };
      append(W, "weight_ih_l0", {4 * H, in.channels});
      append(R, "weight_hh_l0", {4 * H, H});
      append(B, "bias_ih_l0", {4 * H});  // ONNX's B is the input biases, then the recurrent ones
      append(B, "bias_hh_l0", {4 * H});
    }
    const std::string seq = g_.node("Transpose", {h}, {{"perm", Ints{2, 0, 1}}});  // (length, batch, channels)
    const std::string y = g_.node("LSTM",
                                  {seq, g_.weight(p + ".onnx_W", {2, 4 * H, in.channels}, W),
                                   g_.weight(p + ".onnx_R", {2, 4 * H, H}, R), g_.weight(p + ".onnx_B", {2, 8 * H}, B)},
                                  {{"hidden_size", H}, {"direction", std::string("bidirectional")}});
    // Y (length, 2, batch, H) -> (batch, 2, H, length) -> (batch, 2H, length): forward units first.
    const std::string batch_first = g_.node("Transpose", {y}, {{"perm", Ints{2, 1, 3, 0}}});
    return g_.node("Reshape", {batch_first, g_.ints({0, 2 * H, in.length})});
  }

  std::string residual(const LayerSpec& l, const std::string& h, const TensorShape& in, const std::string& p) {
    const std::string out = block(l.layers, h, in, p);
    const TensorShape o = layer_output_shape(l, in, targets_);
    if (in.flat || o.length == in.length) return g_.node("Add", {h, out});
    const std::int64_t start = (in.length - o.length) / 2;  // 'valid' layers shortened it: centre-crop the skip
    return g_.node("Add", {slice(h, start, start + o.length), out});
  }

  std::string concat(const LayerSpec& l, const std::string& h, const TensorShape& in, const std::string& p) {
    std::vector<std::string> outs;
    for (std::size_t b = 0; b < l.branches.size(); ++b) outs.push_back(block(l.branches[b], h, in, p + "." + std::to_string(b)));
    return g_.node("Concat", outs, {{"axis", std::int64_t{1}}});
  }

  std::string pool(const LayerSpec& l, const std::string& h, const char* op) {
    return g_.node(op, {h}, {{"kernel_shape", Ints{l.size}}, {"strides", Ints{l.pool_stride()}}});
  }

  std::string layer(const LayerSpec& l, const std::string& h, const TensorShape& in, const std::string& p) {
    switch (l.kind) {
      case LayerKind::conv1d: return conv(l, h, in, p);
      case LayerKind::dense: return linear(h, in, l.units, l.bias, p);
      case LayerKind::output: return linear(h, in, targets_, l.bias, p);
      case LayerKind::relu: return g_.node("Relu", {h});
      case LayerKind::gelu: return gelu(h);
      case LayerKind::softplus: return softplus(h);
      case LayerKind::exp: return g_.node("Exp", {h});
      case LayerKind::sigmoid: return g_.node("Sigmoid", {h});
      case LayerKind::tanh: return g_.node("Tanh", {h});
      case LayerKind::maxpool: return pool(l, h, "MaxPool");
      case LayerKind::avgpool: return pool(l, h, "AveragePool");
      case LayerKind::batchnorm:
      case LayerKind::layernorm: return norm(l, h, in, p);
      case LayerKind::dropout: return h;  // the identity at prediction time
      case LayerKind::globalmaxpool: return global_pool(h, in, l.bins, "ReduceMax");
      case LayerKind::globalavgpool: return global_pool(h, in, l.bins, "ReduceMean");
      case LayerKind::flatten: return g_.node("Flatten", {h}, {{"axis", std::int64_t{1}}});
      case LayerKind::bilstm: return bilstm(l, h, in, p);
      case LayerKind::profile_head: {  // the count head, log(1 + count): what `dnacnn predict` writes
        const std::int64_t start = (in.length - l.length) / 2;
        const std::string mean = g_.node("ReduceMean", {slice(h, start, start + l.length)},
                                         {{"axes", Ints{2}}, {"keepdims", std::int64_t{0}}});
        return linear(mean, in, targets_, l.bias, p + ".count");
      }
      case LayerKind::residual: return residual(l, h, in, p);
      case LayerKind::concat: return concat(l, h, in, p);
    }
    return h;
  }

  OnnxGraph& g_;
  const WeightStore& w_;
  std::int64_t targets_;
};

}  // namespace

std::string emit_layers(OnnxGraph& graph, const WeightStore& weights, const std::vector<LayerSpec>& layers,
                        std::string h, TensorShape in, const std::string& prefix, std::int64_t targets) {
  return LayerEmitter(graph, weights, targets).block(layers, std::move(h), in, prefix);
}

}  // namespace dnacnn::onnx_export

// A LibTorch module built from a model spec (dnacnn/models/model_spec.hpp). Parameters are named
// as PyTorch's nn.Sequential names them: "layers.<index>.<weight>", nested blocks adding their own
// index ("layers.4.0.weight": the first layer of the residual block at layer 4), so a PyTorch user
// who rebuilds the spec as nn.Sequential can load dnacnn's weights by name.
#include "models/spec_model.hpp"

#include "dnacnn/core/error.hpp"

#include "models/input_layer.hpp"

namespace dnacnn {
namespace {

// Global max or mean pooling of (N, C, L) over `bins` equal stretches, filter-major (N, C x bins):
// bin b covers [floor(b L / bins), ceil((b + 1) L / bins)), as adaptive pooling does.
torch::Tensor global_pool(const torch::Tensor& h, std::int64_t bins, bool max) {
  if (bins == 1) return max ? h.amax(2) : h.mean(2);
  const std::int64_t length = h.size(2);
  std::vector<torch::Tensor> parts;
  for (std::int64_t b = 0; b < bins; ++b) {
    const std::int64_t start = b * length / bins, end = ((b + 1) * length + bins - 1) / bins;
    const torch::Tensor part = h.narrow(2, start, end - start);
    parts.push_back(max ? part.amax(2) : part.mean(2));
  }
  return torch::stack(parts, 2).flatten(1);
}

}  // namespace

SpecBlockImpl::SpecBlockImpl(const std::vector<LayerSpec>& layers, TensorShape in, std::int64_t targets,
                             const SequenceModelImpl* model)
    : layers_(layers), model_(model) {
  for (std::size_t i = 0; i < layers.size(); ++i) {
    modules_.push_back(make_layer(layers[i], in, targets));
    if (modules_.back()) register_module(std::to_string(i), modules_.back());
    in = layer_output_shape(layers[i], in, targets);
  }
}

std::shared_ptr<torch::nn::Module> SpecBlockImpl::make_layer(const LayerSpec& l, const TensorShape& in,
                                                             std::int64_t targets) {
  using namespace torch::nn;
  switch (l.kind) {
    case LayerKind::conv1d: {
      Conv1dOptions o(in.channels, l.filters, l.kernel);
      o.dilation(l.dilation).bias(l.bias);
      if (l.padding == ConvPadding::same) o.padding(torch::kSame);
      return Conv1d(o).ptr();
    }
    case LayerKind::dense: return Linear(LinearOptions(in.channels, l.units).bias(l.bias)).ptr();
    case LayerKind::output: return Linear(LinearOptions(in.channels, targets).bias(l.bias)).ptr();
    case LayerKind::batchnorm: return BatchNorm1d(in.channels).ptr();
    case LayerKind::layernorm: return LayerNorm(LayerNormOptions({in.channels})).ptr();
    case LayerKind::bilstm:
      return LSTM(LSTMOptions(in.channels, l.units).bidirectional(true).batch_first(true)).ptr();
    case LayerKind::residual: return std::make_shared<SpecBlockImpl>(l.layers, in, targets, model_);
    case LayerKind::profile_head: {  // "layers.N.profile.weight", "layers.N.count.weight"
      auto head = std::make_shared<torch::nn::Module>();
      head->register_module("profile", Conv1d(Conv1dOptions(in.channels, targets, l.kernel).bias(l.bias)).ptr());
      head->register_module("count", Linear(LinearOptions(in.channels, targets).bias(l.bias)).ptr());
      return head;
    }
    case LayerKind::concat: {
      auto branches = std::make_shared<torch::nn::Module>();
      for (std::size_t b = 0; b < l.branches.size(); ++b)
        branches->register_module(std::to_string(b), std::make_shared<SpecBlockImpl>(l.branches[b], in, targets, model_));
      return branches;
    }
    default: return nullptr;  // no parameters
  }
}

torch::Tensor SpecBlockImpl::forward_from(torch::Tensor h, std::size_t first) {
  for (std::size_t i = first; i < layers_.size(); ++i) h = layer_forward(i, h);
  return h;
}

torch::Tensor SpecBlockImpl::layer_forward(std::size_t i, const torch::Tensor& h) {
  const LayerSpec& l = layers_[i];
  torch::nn::Module* m = modules_[i].get();  // null for layers without parameters
  switch (l.kind) {
    case LayerKind::conv1d: return m->as<torch::nn::Conv1d>()->forward(h);
    case LayerKind::dense:
    case LayerKind::output: return m->as<torch::nn::Linear>()->forward(h);
    case LayerKind::relu: return torch::relu(h);
    case LayerKind::gelu: return torch::gelu(h);
    case LayerKind::softplus: return torch::softplus(h);
    case LayerKind::exp: return torch::exp(h);
    case LayerKind::sigmoid: return torch::sigmoid(h);
    case LayerKind::tanh: return torch::tanh(h);
    case LayerKind::maxpool: return torch::max_pool1d(h, l.size, l.pool_stride());
    case LayerKind::avgpool: return torch::avg_pool1d(h, l.size, l.pool_stride());
    case LayerKind::batchnorm: return m->as<torch::nn::BatchNorm1d>()->forward(h);
    case LayerKind::layernorm: {
      auto& norm = *m->as<torch::nn::LayerNorm>();
      return h.dim() == 2 ? norm.forward(h) : norm.forward(h.transpose(1, 2)).transpose(1, 2);
    }
    case LayerKind::dropout: return row_keyed_dropout(h, l.p, is_training(), model_->batch_rows);
    case LayerKind::profile_head: return profile_head(l, *m, h);
    case LayerKind::globalmaxpool: return global_pool(h, l.bins, true);
    case LayerKind::globalavgpool: return global_pool(h, l.bins, false);
    case LayerKind::flatten: return h.flatten(1);
    case LayerKind::bilstm:
      return std::get<0>(m->as<torch::nn::LSTM>()->forward(h.transpose(1, 2))).transpose(1, 2);
    case LayerKind::residual: {
      const torch::Tensor out = static_cast<SpecBlockImpl&>(*m).forward_from(h, 0);
      if (h.dim() == 2 || out.size(2) == h.size(2)) return h + out;
      return h.narrow(2, (h.size(2) - out.size(2)) / 2, out.size(2)) + out;  // 'valid' layers: centre-crop the skip
    }
    case LayerKind::concat: {
      std::vector<torch::Tensor> outs;
      for (const auto& child : m->children()) outs.push_back(static_cast<SpecBlockImpl&>(*child).forward_from(h, 0));
      return torch::cat(outs, 1);
    }
  }
  return h;
}

// Counts from the trunk's mean over the central `length` positions; profiles from a valid conv over
// the central length + kernel - 1, so profile position i is centred on trunk position start + i.
torch::Tensor SpecBlockImpl::profile_head(const LayerSpec& l, torch::nn::Module& head, const torch::Tensor& h) const {
  if (model_->emit_profiles && model_->profile_tiles > 0) return tiled_profile_head(l, head, h, model_->profile_tiles);
  const std::int64_t positions = h.size(2), need = profile_head_input(l);
  const torch::Tensor centre = h.narrow(2, (positions - l.length) / 2, l.length);
  const torch::Tensor counts = head.named_children()["count"]->as<torch::nn::Linear>()->forward(centre.mean(2));
  if (!model_->emit_profiles) return counts;
  const torch::Tensor profiles =
      head.named_children()["profile"]->as<torch::nn::Conv1d>()->forward(h.narrow(2, (positions - need) / 2, need));
  return torch::cat({counts, profiles.flatten(1)}, 1);
}

// The head over `tiles` profiles side by side in the centre of a long trunk output: counts from
// each tile's mean (a stride-`length` average pool), profiles from one valid conv over them all.
torch::Tensor SpecBlockImpl::tiled_profile_head(const LayerSpec& l, torch::nn::Module& head, const torch::Tensor& h,
                                                std::int64_t tiles) const {
  const std::int64_t span = tiles * l.length, reach = (l.kernel - 1) / 2;
  const std::int64_t start = (h.size(2) - span) / 2;
  if (start < reach || h.size(0) != 1) throw Error("internal error: tiled profile head on a stretch too short or batched");
  const torch::Tensor means = torch::avg_pool1d(h.narrow(2, start, span), l.length);  // (1, C, tiles)
  const torch::Tensor counts =
      head.named_children()["count"]->as<torch::nn::Linear>()->forward(means[0].transpose(0, 1));  // (tiles, T)
  const torch::Tensor logits = head.named_children()["profile"]->as<torch::nn::Conv1d>()->forward(
      h.narrow(2, start - reach, span + l.kernel - 1));  // (1, T, span)
  const std::int64_t targets = logits.size(1);
  const torch::Tensor profiles = logits[0].view({targets, tiles, l.length}).permute({1, 0, 2}).reshape({tiles, -1});
  return torch::cat({counts, profiles}, 1);
}

SpecModelImpl::SpecModelImpl(const ModelConfig& config)
    : block_(register_module("layers", std::make_shared<SpecBlockImpl>(config.spec->layers, spec_input_shape(config.length),
                                                                       static_cast<std::int64_t>(config.targets.size()),
                                                                       this))) {
  // The first convolution with its ReLU (and a max-pool right after) read the codes through the
  // gather kernel (models/input_layer.hpp): deepcnn as a spec trains as fast as deepcnn.
  const auto& layers = config.spec->layers;
  if (layers.size() > 1 && layers[0].kind == LayerKind::conv1d && layers[1].kind == LayerKind::relu) {
    fused_input_layers_ = 2;
    if (layers.size() > 2 && layers[2].kind == LayerKind::maxpool && layers[2].pool_stride() == layers[2].size &&
        layers[2].size <= 255) {
      input_pool_ = layers[2].size;
      fused_input_layers_ = 3;
    }
  }
}

torch::Tensor SpecModelImpl::forward(const torch::Tensor& input) {
  if (fused_input_layers_ > 0) {
    auto& conv = *block_->child(0).as<torch::nn::Conv1d>();
    return block_->forward_from(input_conv_relu_pool(input, conv, input_pool_), fused_input_layers_);
  }
  const torch::Tensor onehot = is_codes(input) ? onehot_of_codes(input) : input;
  return block_->forward_from(onehot.transpose(1, 2), 0);
}

}  // namespace dnacnn

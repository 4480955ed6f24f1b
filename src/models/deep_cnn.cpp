// A deeper CNN that sees motifs anywhere and counts composition: a first convolution, more
// max-pool + convolution blocks, then max- and average-pooling (presence and amount of each
// feature) into a small dense head. With bins = 1 the pooling is global: position-independent, so
// it fits any input length. bins > 1 pools each of that many equal stretches of the sequence
// separately, so the head can tell where a motif sits (position-dependent effects, Q1).
#include <fmt/format.h>

#include "dnacnn/core/error.hpp"
#include "models/models.hpp"
#include "models/input_layer.hpp"
#include "models/shapes.hpp"

namespace dnacnn {
namespace {

// The stretches adaptive pooling uses: bin b covers [floor(b*L/bins), ceil((b+1)*L/bins)). Plain
// slices are several times faster than LibTorch's adaptive pooling kernels on short sequences.
std::vector<std::pair<std::int64_t, std::int64_t>> bin_bounds(std::int64_t length, std::int64_t bins) {
  std::vector<std::pair<std::int64_t, std::int64_t>> bounds;
  for (std::int64_t b = 0; b < bins; ++b) bounds.emplace_back(b * length / bins, ((b + 1) * length + bins - 1) / bins);
  return bounds;
}

struct DeepCnnImpl : SequenceModelImpl {
  DeepShape shape;
  torch::nn::ModuleList convs;
  torch::nn::Linear hidden{nullptr}, out{nullptr};

  explicit DeepCnnImpl(const ModelConfig& c) : shape(deep_shape(c)) {
    using torch::nn::Conv1dOptions;
    convs = register_module("convs", torch::nn::ModuleList());
    convs->push_back(torch::nn::Conv1d(Conv1dOptions(4, shape.filters, shape.kernel).padding(torch::kSame)));
    for (std::int64_t b = 1; b < shape.blocks; ++b)
      convs->push_back(
          torch::nn::Conv1d(Conv1dOptions(shape.filters, shape.filters, shape.block_kernel).padding(torch::kSame)));
    hidden = register_module("hidden", torch::nn::Linear(2 * shape.filters * shape.bins, shape.hidden));
    out = register_module("out", torch::nn::Linear(shape.hidden, shape.targets));
  }

  torch::Tensor forward(const torch::Tensor& input) override {
    // The first convolution with its ReLU and, when more blocks follow, the max-pool before the
    // next one (one gather kernel on codes, src/models/input_layer.hpp).
    const std::int64_t first_pool = convs->size() > 1 ? shape.pool : 1;
    torch::Tensor h = input_conv_relu_pool(input, *convs[0]->as<torch::nn::Conv1d>(), first_pool);
    for (std::size_t b = 1; b < convs->size(); ++b) {
      if (b > 1) h = torch::max_pool1d(h, shape.pool);
      h = torch::relu(convs[b]->as<torch::nn::Conv1d>()->forward(h));
    }
    std::vector<torch::Tensor> maxes, means;
    for (const auto& [start, end] : bin_bounds(h.size(2), shape.bins)) {
      const torch::Tensor part = h.narrow(2, start, end - start);
      maxes.push_back(part.amax(2));
      means.push_back(part.mean(2));
    }
    // filter-major: all bins of filter 0, then of filter 1, ... (as adaptive pooling + flatten)
    const torch::Tensor pooled = torch::cat({torch::stack(maxes, 2).flatten(1), torch::stack(means, 2).flatten(1)}, 1);
    return out->forward(torch::relu(hidden->forward(row_keyed_dropout(pooled, shape.dropout, is_training(), batch_rows))));
  }
};

}  // namespace

ArchitectureEntry deep_cnn_architecture() {
  return {deep_cnn_info(), [](const ModelConfig& c) -> SequenceModel { return std::make_shared<DeepCnnImpl>(c); },
          [](const ModelConfig& c) {
            const DeepShape s = deep_shape(c);
            std::string src = "def logits(self, x):\n    h = x.permute([0, 2, 1])\n";
            for (std::int64_t b = 0; b < s.blocks; ++b) {
              if (b > 0) src += fmt::format("    h = torch.max_pool1d(h, [{}])\n", s.pool);
              src += fmt::format("    h = torch.relu(torch.conv1d(h, self.convs_{0}_weight, self.convs_{0}_bias, [1], \"same\"))\n", b);
            }
            std::string maxes, means;
            for (const auto& [start, end] : bin_bounds(pooled_length(c, s), s.bins)) {
              maxes += fmt::format("{}torch.amax(h[:, :, {}:{}], [2])", maxes.empty() ? "" : ", ", start, end);
              means += fmt::format("{}torch.mean(h[:, :, {}:{}], [2])", means.empty() ? "" : ", ", start, end);
            }
            src += fmt::format("    pooled = torch.cat([torch.stack([{}], 2).flatten(1), torch.stack([{}], 2).flatten(1)], 1)\n",
                               maxes, means);
            return src +  // dropout is the identity at prediction time
                   ""
                   "    z = torch.relu(torch.addmm(self.hidden_bias, pooled, self.hidden_weight.t()))\n"
                   "    return torch.addmm(self.out_bias, z, self.out_weight.t())\n";
          }};
}

}  // namespace dnacnn

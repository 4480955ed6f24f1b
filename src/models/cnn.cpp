// The notebook's DNA_CNN: Conv1d(4 -> filters, kernel_size) + ReLU, flattened into a linear layer.
// The convolution finds motifs (TAT, GCG); the linear layer weighs where they occur.
#include <fmt/format.h>

#include "dnacnn/core/error.hpp"
#include "models/input_layer.hpp"
#include "models/models.hpp"
#include "models/shapes.hpp"

namespace dnacnn {
namespace {

struct CnnModelImpl : SequenceModelImpl {
  torch::nn::Conv1d conv{nullptr};
  torch::nn::Linear linear{nullptr};

  explicit CnnModelImpl(const ModelConfig& c) {
    const CnnShape s = cnn_shape(c);
    conv = register_module("conv", torch::nn::Conv1d(torch::nn::Conv1dOptions(4, s.filters, s.kernel)));
    linear = register_module("linear", torch::nn::Linear(s.filters * s.positions, s.targets));
  }
  torch::Tensor forward(const torch::Tensor& input) override {
    return linear->forward(input_conv_relu_pool(input, *conv, 1).flatten(1));
  }
};

}  // namespace

ArchitectureEntry cnn_architecture() {
  return {cnn_info(), [](const ModelConfig& c) -> SequenceModel { return std::make_shared<CnnModelImpl>(c); },
          [](const ModelConfig&) -> std::string {
            return "def logits(self, x):\n"
                   "    h = torch.relu(torch.conv1d(x.permute([0, 2, 1]), self.conv_weight, self.conv_bias))\n"
                   "    return torch.addmm(self.linear_bias, h.flatten(1), self.linear_weight.t())\n";
          },
          {FusedLayout::Kernels::cnn, {"conv.weight", "conv.bias", "linear.weight", "linear.bias"}}};
}

}  // namespace dnacnn

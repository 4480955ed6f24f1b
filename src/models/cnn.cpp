// The notebook's DNA_CNN: Conv1d(4 -> filters, kernel_size) + ReLU, flattened into a linear layer.
// The convolution finds motifs (TAT, GCG); the linear layer weighs where they occur.
#include <fmt/format.h>

#include "dnacnn/core/error.hpp"
#include "models/models.hpp"

namespace dnacnn {
namespace {

struct CnnShape {
  std::int64_t filters, kernel, positions, targets;
};

CnnShape cnn_shape(const ModelConfig& c) {
  const std::int64_t filters = c.int_hparam("filters");
  const std::int64_t kernel = c.int_hparam("kernel_size");
  if (filters < 1 || kernel < 1) throw UsageError("cnn: --filters and --kernel-size must be at least 1");
  if (kernel > c.length)
    throw UsageError(fmt::format("cnn: kernel size {} is longer than the sequences ({} bp)", kernel, c.length));
  return {filters, kernel, c.length - kernel + 1, static_cast<std::int64_t>(c.targets.size())};
}

struct CnnModelImpl : SequenceModelImpl {
  torch::nn::Conv1d conv{nullptr};
  torch::nn::Linear linear{nullptr};

  explicit CnnModelImpl(const ModelConfig& c) {
    const CnnShape s = cnn_shape(c);
    conv = register_module("conv", torch::nn::Conv1d(torch::nn::Conv1dOptions(4, s.filters, s.kernel)));
    linear = register_module("linear", torch::nn::Linear(s.filters * s.positions, s.targets));
  }
  torch::Tensor forward(const torch::Tensor& x) override {
    return linear->forward(torch::relu(conv->forward(x.permute({0, 2, 1}))).flatten(1));
  }
};

}  // namespace

ArchitectureEntry cnn_architecture() {
  ArchitectureInfo info{
      "cnn", "Conv1d(4 -> filters, kernel_size) + ReLU + Linear (the notebook's DNA_CNN)",
      {{"filters", 32}, {"kernel_size", 3}},
      [](const ModelConfig& c) {
        const CnnShape s = cnn_shape(c);
        return s.filters * (4 * s.kernel + 1) + (s.filters * s.positions + 1) * s.targets;
      }};
  return {info, [](const ModelConfig& c) -> SequenceModel { return std::make_shared<CnnModelImpl>(c); },
          [](const ModelConfig&) -> std::string {
            return "def logits(self, x):\n"
                   "    h = torch.relu(torch.conv1d(x.permute([0, 2, 1]), self.conv_weight, self.conv_bias))\n"
                   "    return torch.addmm(self.linear_bias, h.flatten(1), self.linear_weight.t())\n";
          }};
}

}  // namespace dnacnn

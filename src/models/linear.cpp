// The notebook's DNA_Linear: one weight per (position, base). It cannot see motifs, only
// position-wise base preferences, which is why it stays near R^2 0.28 on the notebook's data.
#include "dnacnn/core/error.hpp"
#include "models/input_layer.hpp"
#include "models/models.hpp"
#include "models/shapes.hpp"

namespace dnacnn {
namespace {

struct LinearModelImpl : SequenceModelImpl {
  std::int64_t length;
  torch::nn::Linear lin{nullptr};  // "lin" as in the notebook, so weights map one to one

  explicit LinearModelImpl(const ModelConfig& c) : length(c.length) {
    lin = register_module("lin", torch::nn::Linear(4 * length, static_cast<std::int64_t>(c.targets.size())));
  }
  torch::Tensor forward(const torch::Tensor& input) override { return input_dense(input, *lin); }
};

}  // namespace

ArchitectureEntry linear_architecture() {
  return {linear_info(), [](const ModelConfig& c) -> SequenceModel { return std::make_shared<LinearModelImpl>(c); },
          [](const ModelConfig& c) {
            return "def logits(self, x):\n"
                   "    return torch.addmm(self.lin_bias, x.reshape([x.size(0), " +
                   std::to_string(4 * c.length) + "]), self.lin_weight.t())\n";
          },
          {FusedLayout::Kernels::linear, {"lin.weight", "lin.bias"}}};
}

}  // namespace dnacnn

#include <fmt/format.h>

#include "dnacnn/core/error.hpp"
#include "models/models.hpp"
#include "models/spec_model.hpp"

namespace dnacnn {
namespace {

// The registry's LibTorch half: each architecture's module, TorchScript and fused kernels (its
// torch-free facts: shapes.cpp). Adding an architecture: src/models/<name>.cpp returning an
// ArchitectureEntry with its info from shapes.cpp, listed here.
const std::vector<ArchitectureEntry>& entries() {
  static const std::vector<ArchitectureEntry> all{linear_architecture(), cnn_architecture(),
                                                     deep_cnn_architecture()};
  return all;
}

}  // namespace

const ArchitectureEntry& architecture_entry(const std::string& name) {
  for (const auto& e : entries())
    if (e.info.name == name) return e;
  std::string known;
  for (const auto& e : entries()) known += (known.empty() ? "" : ", ") + e.info.name;
  throw UsageError("unknown model architecture '" + name + "' (known: " + known + ")");
}

namespace {

// A spec of the notebook's cnn's shape (conv1d valid + ReLU, flatten, output; biases, no
// dilation) builds the same network with its parameters in the fused kernels' order.
bool is_cnn_shaped(const ModelSpec& spec) {
  const auto& l = spec.layers;
  return l.size() == 4 && l[0].kind == LayerKind::conv1d && l[0].padding == ConvPadding::valid && l[0].dilation == 1 &&
         l[0].bias && l[1].kind == LayerKind::relu && l[2].kind == LayerKind::flatten && l[3].kind == LayerKind::output &&
         l[3].bias;
}

}  // namespace

FusedLayout fused_layout(const ModelConfig& config) {
  if (!config.spec) return architecture_entry(config.arch).fused;
  if (is_cnn_shaped(*config.spec))
    return {FusedLayout::Kernels::cnn, {"layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias"}};
  return {};
}

bool has_fused_kernels(const ModelConfig& config) { return fused_layout(config).kernels != FusedLayout::Kernels::none; }

std::string torchscript_logits(const ModelConfig& config) {
  return config.spec ? spec_torchscript(config) : architecture_entry(config.arch).torchscript(config);
}

SequenceModel build_model(const ModelConfig& config) {
  checked_parameter_count(config);
  if (config.spec) return std::make_shared<SpecModelImpl>(config);
  return architecture_entry(config.arch).build(config);
}

}  // namespace dnacnn

#include <fmt/format.h>

#include "dnacnn/core/error.hpp"
#include "models/models.hpp"

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

bool has_fused_kernels(const ModelConfig& config) {
  return architecture_entry(config.arch).fused.kernels != FusedLayout::Kernels::none;
}

std::string torchscript_logits(const ModelConfig& config) { return architecture_entry(config.arch).torchscript(config); }

SequenceModel build_model(const ModelConfig& config) {
  checked_parameter_count(config);
  return architecture_entry(config.arch).build(config);
}

}  // namespace dnacnn

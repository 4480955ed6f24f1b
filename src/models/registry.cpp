#include <fmt/format.h>

#include "dnacnn/core/error.hpp"
#include "models/models.hpp"

namespace dnacnn {
namespace {

// Adding an architecture: write src/models/<name>.cpp returning an ArchitectureEntry, list it here.
const std::vector<ArchitectureEntry>& entries() {
  static const std::vector<ArchitectureEntry> all{linear_architecture(), cnn_architecture(),
                                                     deep_cnn_architecture()};
  return all;
}

const ArchitectureEntry& find_entry(const std::string& name) {
  for (const auto& e : entries())
    if (e.info.name == name) return e;
  std::string known;
  for (const auto& e : entries()) known += (known.empty() ? "" : ", ") + e.info.name;
  throw UsageError("unknown model architecture '" + name + "' (known: " + known + ")");
}

}  // namespace

const std::vector<ArchitectureInfo>& architecture_infos() {
  static const std::vector<ArchitectureInfo> infos = [] {
    std::vector<ArchitectureInfo> v;
    for (const auto& e : entries()) v.push_back(e.info);
    return v;
  }();
  return infos;
}

const ArchitectureInfo& find_architecture(const std::string& name) { return find_entry(name).info; }

ModelConfig make_model_config(const std::string& arch, std::int64_t length,
                              const std::map<std::string, double>& overrides,
                              const std::vector<std::string>& targets) {
  const ArchitectureInfo& info = find_architecture(arch);
  ModelConfig config;
  config.arch = arch;
  config.length = length;
  config.targets = targets;
  config.hparams = info.defaults;
  for (const auto& [key, value] : overrides) {
    if (!info.defaults.contains(key))
      throw UsageError(fmt::format("model '{}' takes no hyper-parameter '{}'", arch, key));
    config.hparams[key] = value;
  }
  checked_parameter_count(config);
  return config;
}

std::int64_t checked_parameter_count(const ModelConfig& config) {
  const std::int64_t n = find_architecture(config.arch).parameter_count(config);
  if (n > kMaxParameters)
    throw UsageError(fmt::format("model would have {} parameters (limit {})", n, kMaxParameters));
  return n;
}

std::string torchscript_logits(const ModelConfig& config) { return find_entry(config.arch).torchscript(config); }

SequenceModel build_model(const ModelConfig& config) {
  checked_parameter_count(config);
  return find_entry(config.arch).build(config);
}

}  // namespace dnacnn

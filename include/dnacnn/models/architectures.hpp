// The model architectures dnacnn knows, by name, with their hyper-parameters and defaults.
// Torch-free: the CLI lists and validates architectures without compiling LibTorch headers.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "dnacnn/models/model_config.hpp"

namespace dnacnn {

struct ArchitectureInfo {
  std::string name;
  std::string summary;
  std::map<std::string, double> defaults;  // every hyper-parameter the architecture takes
  // Parameter count for a config, computed before anything is allocated. Throws UsageError
  // when the hyper-parameters do not fit the input length.
  std::function<std::int64_t(const ModelConfig&)> parameter_count;
  // The parameter prefix of the convolution on the one-hot input ("conv": conv.weight of shape
  // (filters, 4, width) and conv.bias), whose filters `dnacnn motifs` reads; empty: none.
  std::string first_conv = {};
};

const std::vector<ArchitectureInfo>& architecture_infos();
// Throws UsageError listing the known names.
const ArchitectureInfo& find_architecture(const std::string& name);

// The architecture's defaults with `overrides` applied; an unknown hyper-parameter is a UsageError.
ModelConfig make_model_config(const std::string& arch, std::int64_t length,
                              const std::map<std::string, double>& overrides,
                              const std::vector<std::string>& targets = {"score"});

// Refuses configs whose models would be unreasonably large (a corrupt or hostile config):
// UsageError, which load_model turns into an Error located at the model's config.json.
inline constexpr std::int64_t kMaxParameters = 200'000'000;
std::int64_t checked_parameter_count(const ModelConfig& config);

}  // namespace dnacnn

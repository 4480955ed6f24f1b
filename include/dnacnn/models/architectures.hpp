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

// The built-in architectures (linear, cnn, deepcnn), built by C++ modules from hyper-parameters.
const std::vector<ArchitectureInfo>& architecture_infos();
// Throws UsageError listing the known names.
const ArchitectureInfo& find_architecture(const std::string& name);
// The built-in architecture called `name`, or null (a zoo model or a spec file).
const ArchitectureInfo* built_in_architecture(const std::string& name);

// What `--model` may name: a built-in architecture, a zoo model (dnacnn/models/model_spec.hpp) or
// a spec file (anything ending in .json, or an existing file). UsageError listing them otherwise;
// a spec file is read and its fields checked.
void check_model_name(const std::string& model);
// The hyper-parameters a model takes (--hparam): a built-in architecture's defaults; none for specs.
std::map<std::string, double> model_hparam_defaults(const std::string& model);

// The config a run of `model` (as check_model_name reads it) on `length` bases trains: a built-in
// architecture's defaults with `overrides` applied (an unknown hyper-parameter is a UsageError),
// or the spec, checked against the length (a spec takes no overrides).
ModelConfig make_model_config(const std::string& model, std::int64_t length,
                              const std::map<std::string, double>& overrides,
                              const std::vector<std::string>& targets = {"score"});

// The config of a model built from `spec` (checked against the length).
ModelConfig spec_model_config(ModelSpec spec, std::int64_t length, const std::vector<std::string>& targets);

// A built-in architecture's config (its hyper-parameters) as a spec that builds the same network
// (linear's weights are laid out channel-major there, position-major in the built-in).
ModelSpec built_in_as_spec(const ModelConfig& config);

// Where a built-in architecture keeps the weights of built_in_as_spec's layers ("layers.<i>" ->
// cnn's conv and linear, deepcnn's convs.<k>, hidden and out): the ONNX export and the
// attribution layer program read the built-in's weights through these names.
std::map<std::string, std::string> built_in_weight_names(const ModelConfig& config, const ModelSpec& spec);

// The parameter prefix of the model's convolution on the one-hot input ("conv", "layers.0"), whose
// filters `dnacnn motifs` reads; empty when it has none.
std::string first_conv_prefix(const ModelConfig& config);

// Refuses configs whose models would be unreasonably large (a corrupt or hostile config):
// UsageError, which load_model turns into an Error located at the model's config.json.
inline constexpr std::int64_t kMaxParameters = 200'000'000;
std::int64_t checked_parameter_count(const ModelConfig& config);

}  // namespace dnacnn

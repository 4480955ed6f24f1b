// A trained model loaded to run: its config and its network on a device, in evaluation mode. One
// object for every command that runs a model: Predictor (predict, evaluate, scan, variants) and
// Attributor (attribute) are views of it, so a model is loaded one way and can be shared.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "dnacnn/models/model_store.hpp"

namespace dnacnn {

class LoadedModel;  // src/infer/loaded_model.hpp (LibTorch)

// Loads <dir>/config.json + weights.safetensors; every shape is checked against the config.
std::shared_ptr<const LoadedModel> load_for_inference(const std::filesystem::path& model_dir,
                                                      const std::string& device = "cpu");
// From weights already in memory; `source` names them in messages.
std::shared_ptr<const LoadedModel> load_for_inference(const StoredModel& stored, const std::string& source,
                                                      const std::string& device = "cpu");
const ModelConfig& config_of(const LoadedModel& model);

// Models averaged as an ensemble must read the same inputs and predict the same targets the same
// way: UsageError naming the first that differs (input length, targets, task or padding).
void check_ensemble(const std::vector<const ModelConfig*>& configs);

}  // namespace dnacnn

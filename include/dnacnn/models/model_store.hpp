// A model on disk: <dir>/config.json (what to build) and <dir>/weights.safetensors (the numbers).
// Nothing in either file is executed; shapes are checked against the config before use.
#pragma once
#include <filesystem>
#include <vector>

#include "dnacnn/io/safetensors.hpp"
#include "dnacnn/models/model_config.hpp"

namespace dnacnn {

struct StoredModel {
  ModelConfig config;
  std::vector<io::NamedTensor> weights;
};

void save_model(const std::filesystem::path& dir, const StoredModel& model);
// Reads and validates both files (config keys and limits, weights format); shapes are checked
// against the architecture when the weights are loaded into a network.
StoredModel load_model(const std::filesystem::path& dir);

}  // namespace dnacnn

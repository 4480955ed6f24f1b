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

// The model directories `--model` values name, in order: a folds run (RUN/folds.json, from
// `train --folds`) names each fold's model, a run directory its RUN/model, a model directory itself.
// Several directories make an ensemble. An Error names a value that is none of these.
std::vector<std::filesystem::path> resolve_model_dirs(const std::vector<std::filesystem::path>& given);

}  // namespace dnacnn

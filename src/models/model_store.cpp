#include "dnacnn/models/model_store.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "dnacnn/models/architectures.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"

namespace dnacnn {

void save_model(const std::filesystem::path& dir, const StoredModel& model) {
  io::ensure_directory(dir);
  io::write_safetensors(dir / "weights.safetensors", model.weights,
                        {{"format", "pt"}, {"dnacnn_arch", model.config.arch}});
  io::write_file_atomically(dir / "config.json", nlohmann::json(model.config).dump(2) + "\n");
}

StoredModel load_model(const std::filesystem::path& dir) {
  StoredModel m;
  m.config = read_model_config(dir);
  // Before reading (and allocating) any weights. In a model file an unknown architecture or
  // impossible hyper-parameters are bad data (exit 1) at config.json, not a usage error.
  try {
    checked_parameter_count(m.config);
  } catch (const Error& e) {
    if (!e.where().file.empty()) throw;
    throw Error("invalid model config: " + e.message(), {(dir / "config.json").string()});
  }
  m.weights = io::read_safetensors(dir / "weights.safetensors");
  return m;
}

// RUN/folds.json's fold models, relative to RUN.
static std::vector<std::filesystem::path> fold_models(const std::filesystem::path& run) {
  const std::filesystem::path plan = run / "folds.json";
  std::ifstream in(plan);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  std::vector<std::filesystem::path> dirs;
  if (!j.is_discarded() && j.contains("models") && j["models"].is_array())
    for (const auto& m : j["models"])
      if (m.is_object() && m.contains("model") && m["model"].is_string()) dirs.push_back(run / m["model"].get<std::string>());
  if (dirs.empty()) throw Error("not a folds plan: no 'models' list of {\"model\": DIR}", {plan.string()});
  return dirs;
}

std::vector<std::filesystem::path> resolve_model_dirs(const std::vector<std::filesystem::path>& given) {
  std::vector<std::filesystem::path> dirs;
  for (const auto& g : given) {
    std::error_code ec;
    if (std::filesystem::exists(g / "folds.json", ec)) {
      for (auto& d : fold_models(g)) dirs.push_back(std::move(d));
    } else if (!std::filesystem::exists(g / "config.json", ec) && std::filesystem::exists(g / "model" / "config.json", ec)) {
      dirs.push_back(g / "model");
    } else {
      dirs.push_back(g);  // a model directory, or load_model's error naming what is missing
    }
  }
  if (dirs.empty()) throw UsageError("--model: no model given");
  return dirs;
}

}  // namespace dnacnn

#include "dnacnn/models/model_store.hpp"

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

}  // namespace dnacnn

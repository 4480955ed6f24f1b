#include "dnacnn/model_store.hpp"

#include <nlohmann/json.hpp>

#include "dnacnn/architectures.hpp"
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
  checked_parameter_count(m.config);  // before reading (and allocating) any weights
  m.weights = io::read_safetensors(dir / "weights.safetensors");
  return m;
}

}  // namespace dnacnn

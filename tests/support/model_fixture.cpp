// The linear model fixture of genome_fixture.hpp: it writes a model directory (save_model).
#include "dnacnn/models/model_store.hpp"
#include "dnacnn/core/random.hpp"
#include "genome_fixture.hpp"

namespace dnacnn::test {

double LinearModel::weight(std::int64_t pos, char base) const {
  const std::string_view acgt = "ACGT";
  const auto c = acgt.find(base);
  return c == std::string_view::npos ? 0.0 : w[static_cast<std::size_t>(4 * pos) + c];
}

double LinearModel::predict(std::string_view seq) const {
  double sum = bias;
  for (std::size_t i = 0; i < seq.size(); ++i) sum += weight(static_cast<std::int64_t>(i), seq[i]);
  return sum;
}

LinearModel write_linear_model(const fs::path& dir, std::int64_t length, std::uint64_t seed, const std::string& task) {
  Rng rng(seed);
  LinearModel m;
  m.dir = dir;
  m.length = length;
  for (std::int64_t i = 0; i < 4 * length; ++i) m.w.push_back(static_cast<float>(rng.uniform() * 2 - 1));
  m.bias = 0.25f;
  StoredModel stored;
  stored.config.arch = "linear";
  stored.config.length = length;
  stored.config.task = parse_task(task);
  stored.weights = {{"lin.weight", {1, 4 * length}, m.w}, {"lin.bias", {1}, {m.bias}}};
  save_model(dir, stored);
  return m;
}

}  // namespace dnacnn::test

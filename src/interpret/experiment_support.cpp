#include "interpret/experiment_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "dnacnn/core/error.hpp"
#include "report/charts.hpp"
#include "report/html.hpp"

namespace dnacnn {

namespace experiments {

std::size_t target_index(const ModelConfig& config, const std::string& target) {
  if (target.empty()) return 0;
  const auto it = std::find(config.targets.begin(), config.targets.end(), target);
  if (it == config.targets.end())
    throw UsageError(fmt::format("--target '{}' is not one of the model's targets ({})", target, fmt::join(config.targets, ", ")));
  return static_cast<std::size_t>(it - config.targets.begin());
}

std::vector<double> predict_target(const Predictor& predictor, const std::vector<std::string>& seqs, std::size_t target) {
  const SequenceData data = sequences_from_strings(seqs, "experiment");
  const std::vector<float> all = predictor.predict(data);
  const std::size_t n_targets = predictor.config().targets.size();
  std::vector<double> out(seqs.size());
  for (std::size_t i = 0; i < seqs.size(); ++i) out[i] = all[i * n_targets + target];
  return out;
}

MotifEffect summarise(const std::string& motif, const std::vector<double>& effects) {
  MotifEffect e{motif, static_cast<std::int64_t>(effects.size()), 0, 0};
  if (effects.empty()) return e;
  double sum = 0;
  for (double v : effects) sum += v;
  e.mean = sum / static_cast<double>(effects.size());
  double squares = 0;
  for (double v : effects) squares += (v - e.mean) * (v - e.mean);
  e.sd = effects.size() > 1 ? std::sqrt(squares / static_cast<double>(effects.size() - 1)) : 0;
  return e;
}

nlohmann::json summary_json(const std::vector<MotifEffect>& effects) {
  nlohmann::json j = {{"mean_effect", effects.front().mean}, {"sd_effect", effects.front().sd}, {"n", effects.front().n}};
  for (const MotifEffect& e : effects)
    j["motifs"].push_back({{"motif", e.motif}, {"mean_effect", e.mean}, {"sd_effect", e.sd}, {"n", e.n}});
  return j;
}

report::Chart effect_histogram(const std::vector<std::string>& motifs, const std::vector<double>& effects,
                               const std::string& title) {
  nlohmann::ordered_json values = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < effects.size(); ++i)
    values.push_back({{"motif", motifs[i]}, {"effect", report::round_significant(effects[i], 5)}});
  nlohmann::ordered_json spec = {
      {"$schema", report::kVegaLiteSchema},
      {"title", {{"text", title}, {"subtitle", "after - before, one count per sequence"}}},
      {"width", 560},
      {"height", 260},
      {"data", {{"values", std::move(values)}}},
      {"mark", {{"type", "bar"}, {"opacity", 0.7}}},
      {"encoding",
       {{"x", {{"field", "effect"}, {"type", "quantitative"}, {"bin", {{"maxbins", 40}}}, {"title", "effect"}}},
        {"y", {{"aggregate", "count"}, {"type", "quantitative"}, {"title", "sequences"}, {"stack", nullptr}}},
        {"color", {{"field", "motif"}, {"type", "nominal"}, {"title", "motif"}}}}},
      {"config", report::chart_config()}};
  return report::Chart{"effects", std::move(spec), false};
}

std::string effects_table_html(const std::vector<MotifEffect>& effects) {
  std::string html = "<table><tr><th>motif</th><th>n</th><th>mean effect</th><th>sd</th></tr>\n";
  for (const MotifEffect& e : effects)
    html += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td>{:.4g}</td><td>{:.4g}</td></tr>\n",
                        report::escape_html(e.motif), e.n, e.mean, e.sd);
  return html + "</table>\n";
}

}  // namespace experiments
}  // namespace dnacnn

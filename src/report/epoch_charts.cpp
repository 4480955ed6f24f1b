// Per-epoch curves beside the loss: validation scores and the learning rate (history.tsv's later
// columns, written since --lr-schedule and the per-epoch validation metrics).
#include "report/charts.hpp"

#include <set>

namespace dnacnn::report {

namespace {

using json = nlohmann::ordered_json;

struct SeriesStyle {
  const char* name;
  const char* title;
  const char* subtitle;
  const char* y_title;
  std::vector<std::string> columns;  // history.tsv columns, one line style each
  bool log_scale_toggle = false;
};

std::optional<Chart> epoch_series_chart(const std::vector<ModelRun>& models, const SeriesStyle& style) {
  json values = json::array(), domain = json::array(), range = json::array();
  std::size_t epochs = 0;
  std::set<std::string> present;
  for (std::size_t m = 0; m < models.size(); ++m) {
    domain.push_back(models[m].label);
    range.push_back(model_colour(m));
    epochs = std::max(epochs, models[m].history.size());
    for (const EpochLoss& e : models[m].history)
      for (const std::string& column : style.columns)
        if (const auto it = e.values.find(column); it != e.values.end()) {
          values.push_back({{"model", models[m].label}, {"epoch", e.epoch}, {"series", column},
                            {"value", round_significant(it->second, 6)}});
          present.insert(column);
        }
  }
  if (values.empty()) return std::nullopt;
  const json line_legend = {{"symbolType", "stroke"}, {"symbolStrokeWidth", 2}, {"symbolSize", 300}, {"labelLimit", 320}};
  // The second score of each task (Pearson, AUPRC) is dashed.
  json series = json::array(), dashes = json::array();
  for (const std::string& column : style.columns)
    if (present.contains(column)) {
      series.push_back(column);
      dashes.push_back(column == "val_pearson" || column == "val_auprc" ? json::array({6, 4}) : json::array());
    }
  json spec = {
      {"$schema", kVegaLiteSchema},
      {"title", {{"text", style.title}, {"subtitle", style.subtitle}}},
      {"width", 640},
      {"height", 240},
      {"data", {{"values", std::move(values)}}},
      {"mark", {{"type", "line"}, {"point", epochs <= 60}, {"strokeWidth", 2}}},
      {"encoding",
       {{"x", {{"field", "epoch"}, {"type", "quantitative"}, {"title", "epoch"}, {"axis", {{"tickMinStep", 1}}}}},
        {"y", {{"field", "value"}, {"type", "quantitative"}, {"title", style.y_title},
               {"scale", {{"type", "linear"}, {"zero", false}}}}},
        {"color", {{"field", "model"}, {"type", "nominal"}, {"title", "model"},
                   {"scale", {{"domain", domain}, {"range", range}}}, {"legend", line_legend}}},
        {"strokeDash", {{"field", "series"}, {"type", "nominal"}, {"title", "series"},
                        {"scale", {{"domain", series}, {"range", dashes}}},
                        {"legend", nullptr}}},  // the subtitle says which is which; the tooltip names it
        {"tooltip", {{{"field", "model"}, {"type", "nominal"}},
                     {{"field", "series"}, {"type", "nominal"}},
                     {{"field", "epoch"}, {"type", "quantitative"}},
                     {{"field", "value"}, {"type", "quantitative"}, {"format", ".4g"}}}}}},
      {"config", chart_config()}};
  return Chart{style.name, std::move(spec), style.log_scale_toggle};
}

bool rate_changes(const ModelRun& model) {
  std::optional<double> first;
  for (const EpochLoss& e : model.history)
    if (const auto it = e.values.find("lr"); it != e.values.end()) {
      if (first && *first != it->second) return true;
      first = it->second;
    }
  return false;
}

}  // namespace

std::optional<Chart> validation_scores_chart(const std::vector<ModelRun>& models) {
  // A report shows runs of one task or of both: each score gets its own line style.
  return epoch_series_chart(models, {"val_scores", "Validation scores per epoch",
                                     "solid: R\u00b2 (regression) or AUROC (binary); dashed: Pearson or AUPRC",
                                     "score", {"val_r2", "val_pearson", "val_auroc", "val_auprc"}});
}

std::optional<Chart> learning_rate_chart(const std::vector<ModelRun>& models) {
  if (std::none_of(models.begin(), models.end(), rate_changes)) return std::nullopt;
  return epoch_series_chart(models, {"learning_rate", "Learning rate per epoch",
                                     "--lr-schedule and --warmup-epochs; the rate holds for a whole epoch",
                                     "learning rate", {"lr"}, true});
}

}  // namespace dnacnn::report

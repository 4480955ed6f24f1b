#include "report/charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "report/html.hpp"

namespace dnacnn::report {

using json = nlohmann::ordered_json;

namespace {

// Vega's "tableau10": model i has the same colour in every chart (and .swatch-i in page.css).
constexpr const char* kModelColours[] = {"#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2",
                                         "#b279a2", "#eeca3b", "#ff9da6", "#9d755d", "#bab0ac"};

}  // namespace

const char* const kVegaLiteSchema = "https://vega.github.io/schema/vega-lite/v6.json";

json chart_config() {
  return {{"font", "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"},
          {"view", {{"stroke", "#ddd"}}},
          {"axis", {{"labelFontSize", 11}, {"titleFontSize", 12}, {"titleFontWeight", "normal"}, {"gridColor", "#eee"}}},
          {"legend", {{"labelFontSize", 12}, {"titleFontSize", 12}}},
          {"title", {{"fontSize", 14}, {"anchor", "start"}, {"subtitleFontSize", 11}, {"subtitleColor", "#555"}}}};
}

namespace {

std::string target_name(const ModelRun& model) {
  const nlohmann::json& info = model.info;
  if (info.is_object() && info.contains("data") && info["data"].is_object()) return info["data"].value("target", "score");
  return "score";
}

}  // namespace

const char* model_colour(std::size_t model_index) { return kModelColours[model_index % std::size(kModelColours)]; }

double round_significant(double value, int digits) {
  if (!std::isfinite(value) || value == 0) return value;
  return std::strtod(fmt::format("{:.{}g}", value, digits).c_str(), nullptr);  // strtod: no throw on subnormals
}

json point_row(const TestPoint& p, bool has_ids) {
  json row = json::object();
  if (has_ids) row["id"] = p.id;
  row["seq"] = p.seq;
  row["actual"] = round_significant(p.actual, 5);
  row["predicted"] = round_significant(p.predicted, 5);
  return row;
}

std::optional<Chart> loss_chart(const std::vector<ModelRun>& models, const LossChartStyle& style) {
  json values = json::array();
  json domain = json::array(), range = json::array();
  std::size_t epochs = 0;
  for (std::size_t m = 0; m < models.size(); ++m) {
    domain.push_back(models[m].label);
    range.push_back(model_colour(m));
    epochs = std::max(epochs, models[m].history.size());
    for (const EpochLoss& e : models[m].history) {
      if (style.y_max && e.train_loss && *e.train_loss > *style.y_max) continue;
      if (e.train_loss) values.push_back({{"model", models[m].label}, {"epoch", e.epoch}, {"split", "train"},
                                          {"loss", round_significant(*e.train_loss, 6)}});
      if (e.val_loss) values.push_back({{"model", models[m].label}, {"epoch", e.epoch}, {"split", "validation"},
                                        {"loss", round_significant(*e.val_loss, 6)}});
    }
  }
  if (values.empty()) return std::nullopt;
  // The legend shows line samples (not dots), long enough for long model names.
  const json line_legend = {{"symbolType", "stroke"}, {"symbolStrokeWidth", 2}, {"symbolSize", 300}, {"labelLimit", 320}};
  json spec = {
      {"$schema", kVegaLiteSchema},
      {"title", {{"text", style.title}, {"subtitle", "mean squared error; solid: train, dashed: validation"}}},
      {"width", 640},
      {"height", 300},
      {"data", {{"values", std::move(values)}}},
      {"mark", {{"type", "line"}, {"point", epochs <= 60}, {"strokeWidth", 2}}},
      {"encoding",
       {{"x", {{"field", "epoch"}, {"type", "quantitative"}, {"title", "epoch"}, {"axis", {{"tickMinStep", 1}}}}},
        {"y", {{"field", "loss"}, {"type", "quantitative"}, {"title", "loss (MSE)"},
               {"scale", {{"type", "linear"}, {"zero", false}}}}},
        {"color", {{"field", "model"}, {"type", "nominal"}, {"title", "model"},
                   {"scale", {{"domain", domain}, {"range", range}}}, {"legend", line_legend}}},
        {"strokeDash", {{"field", "split"}, {"type", "nominal"}, {"title", "split"},
                        {"scale", {{"domain", {"train", "validation"}}, {"range", {json::array(), {6, 4}}}}},
                        {"legend", nullptr}}},  // the subtitle says which is which
        {"tooltip", {{{"field", "model"}, {"type", "nominal"}},
                     {{"field", "split"}, {"type", "nominal"}},
                     {{"field", "epoch"}, {"type", "quantitative"}},
                     {{"field", "loss"}, {"type", "quantitative"}, {"format", ".4g"}}}}}},
      {"config", chart_config()}};
  if (style.y_max) {
    spec["encoding"]["y"]["scale"]["domainMax"] = *style.y_max;
    spec["mark"]["clip"] = true;
    spec["title"]["subtitle"] = {"mean squared error; solid: train, dashed: validation",
                                 fmt::format("y axis cut at {:.3g}: diverging runs leave the chart", *style.y_max)};
  }
  return Chart{style.name, std::move(spec), true};
}

std::pair<double, double> shared_value_range(const std::vector<ModelRun>& models) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const ModelRun& m : models) {
    if (!m.test) continue;
    for (const TestPoint& p : m.test->points) {
      lo = std::min({lo, double(p.actual), double(p.predicted)});
      hi = std::max({hi, double(p.actual), double(p.predicted)});
    }
  }
  if (!(lo <= hi)) return {0, 1};
  const double pad = hi > lo ? 0.03 * (hi - lo) : 0.5;
  return {round_significant(lo - pad, 4), round_significant(hi + pad, 4)};
}

Chart predicted_vs_actual_chart(const ModelRun& model, std::size_t model_index, std::pair<double, double> range) {
  const TestPoints& test = *model.test;
  const std::size_t n = test.points.size();
  json values = json::array();
  for (const TestPoint& p : test.points) values.push_back(point_row(p, test.has_ids));

  const nlohmann::json& metrics = model.metrics;
  const nlohmann::json r2 =
      metrics.is_object() && metrics.contains("test") ? metrics["test"].value("r2", nlohmann::json()) : nlohmann::json();
  const std::string title = model.label + ": R\u00b2 = " + (r2.is_number() ? fmt::format("{:.3f}", r2.get<double>()) : "n/a");
  json subtitle = json::array();
  if (test.sampled())
    subtitle.push_back(fmt::format("sample of {} of {} test points (the same every time); R\u00b2 uses all",
                                   with_thousands(n), with_thousands(test.total)));
  else
    subtitle.push_back(fmt::format("test split, {} points; dashed line: predicted = actual", with_thousands(n)));
  if (test.unpredicted > 0)
    subtitle.push_back(fmt::format("{} test rows have no prediction (NA)", with_thousands(test.unpredicted)));

  const std::string target = target_name(model);
  // Both axes, in every panel: the y = x line is the diagonal and panels compare at a glance.
  const json shared_scale = {{"domain", {range.first, range.second}}, {"nice", false}, {"zero", false}};
  const json axis_x = {{"title", "actual " + target}}, axis_y = {{"title", "predicted " + target}};

  // Big clouds: smaller, fainter dots, drawn on a canvas (thousands of SVG nodes are slow).
  const double size = n <= 2'000 ? 24 : n <= 20'000 ? 10 : 5;
  const double opacity = n <= 2'000 ? 0.7 : n <= 20'000 ? 0.4 : 0.25;
  json spec = {
      {"$schema", kVegaLiteSchema},
      {"title", {{"text", title}, {"subtitle", subtitle}}},
      {"width", 340},
      {"height", 340},
      {"layer",
       {{{"data", {{"values", {{{"lo", range.first}, {"hi", range.second}}}}}},
         {"mark", {{"type", "rule"}, {"color", "#888"}, {"strokeDash", {5, 4}}, {"aria", false}}},
         {"encoding",
          {{"x", {{"field", "lo"}, {"type", "quantitative"}, {"scale", shared_scale}, {"axis", axis_x}}},
           {"y", {{"field", "lo"}, {"type", "quantitative"}, {"scale", shared_scale}, {"axis", axis_y}}},
           {"x2", {{"field", "hi"}}},
           {"y2", {{"field", "hi"}}}}}},
        {{"data", {{"values", std::move(values)}}},
         // Tooltips show the data row as is and points get no ARIA text: per-point expressions
         // are what makes big charts slow (the CSP-safe interpreter evaluates them one by one).
         {"mark", {{"type", "circle"}, {"size", size}, {"opacity", opacity}, {"color", model_colour(model_index)},
                   {"tooltip", {{"content", "data"}}}, {"aria", false}}},
         {"encoding",
          {{"x", {{"field", "actual"}, {"type", "quantitative"}, {"scale", shared_scale}, {"axis", axis_x}}},
           {"y", {{"field", "predicted"}, {"type", "quantitative"}, {"scale", shared_scale}, {"axis", axis_y}}}}}}}},
      {"config", chart_config()}};
  if (n > 3'000) spec["usermeta"] = {{"embedOptions", {{"renderer", "canvas"}}}};
  return Chart{"predicted_vs_actual_" + file_slug(model.label), std::move(spec), false};
}

}  // namespace dnacnn::report

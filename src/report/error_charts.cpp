// The error-analysis charts (exercise Q3): residuals against actual values, and by motif group.
#include <fmt/format.h>

#include "report/charts.hpp"
#include "report/html.hpp"

namespace dnacnn::report {

using json = nlohmann::ordered_json;

Chart residual_chart(const ModelRun& model, std::size_t model_index) {
  const TestPoints test = thinned(*model.test, kSecondaryChartPoints);
  json values = json::array();
  for (const TestPoint& p : test.points) {
    json row = point_row(p, test.has_ids);
    row["residual"] = round_significant(double(p.predicted) - p.actual, 4);
    values.push_back(std::move(row));
  }
  const std::size_t n = test.points.size();
  const double size = n <= 2'000 ? 24 : n <= 20'000 ? 10 : 5;
  const double opacity = n <= 2'000 ? 0.7 : n <= 20'000 ? 0.4 : 0.25;
  json spec = {
      {"$schema", kVegaLiteSchema},
      {"title", {{"text", model.label + ": residual vs actual"},
                 {"subtitle", test.sampled() ? fmt::format("sample of {} of {} test points; residual = predicted - actual",
                                                           with_thousands(n), with_thousands(test.total))
                                             : std::string("test split; residual = predicted - actual")}}},
      {"width", 340},
      {"height", 260},
      {"layer",
       {{{"data", {{"values", {{{"zero", 0}}}}}},
         {"mark", {{"type", "rule"}, {"color", "#888"}, {"strokeDash", {5, 4}}, {"aria", false}}},
         {"encoding", {{"y", {{"field", "zero"}, {"type", "quantitative"}}}}}},
        {{"data", {{"values", std::move(values)}}},
         {"mark", {{"type", "circle"}, {"size", size}, {"opacity", opacity}, {"color", model_colour(model_index)},
                   {"tooltip", {{"content", "data"}}}, {"aria", false}}},
         {"encoding",
          {{"x", {{"field", "actual"}, {"type", "quantitative"}, {"scale", {{"zero", false}}}, {"title", "actual"}}},
           {"y", {{"field", "residual"}, {"type", "quantitative"}, {"title", "residual (predicted - actual)"}}}}}}}},
      {"config", chart_config()}};
  if (n > 3'000) spec["usermeta"] = {{"embedOptions", {{"renderer", "canvas"}}}};
  return Chart{"residuals_" + file_slug(model.label), std::move(spec), false};
}

Chart residual_groups_chart(const ModelRun& model, std::size_t model_index) {
  json values = json::array(), order = json::array();
  for (const ResidualGroup& g : model.errors->groups) {
    order.push_back(g.name);
    values.push_back({{"group", g.name}, {"n", g.n}, {"mean", round_significant(g.mean, 4)},
                      {"rmse", round_significant(g.rmse, 4)}, {"min", round_significant(g.min, 4)},
                      {"q25", round_significant(g.q25, 4)}, {"median", round_significant(g.median, 4)},
                      {"q75", round_significant(g.q75, 4)}, {"max", round_significant(g.max, 4)}});
  }
  const json x = {{"field", "group"}, {"type", "nominal"}, {"sort", order}, {"title", "motifs in the sequence"},
                  {"axis", {{"labelAngle", -25}, {"labelLimit", 200}}}};
  const json tooltip = json::array({{{"field", "group"}, {"type", "nominal"}},
                                    {{"field", "n"}, {"type", "quantitative"}, {"format", ","}},
                                    {{"field", "mean"}, {"type", "quantitative"}, {"title", "mean residual"}},
                                    {{"field", "rmse"}, {"type", "quantitative"}, {"title", "RMSE"}},
                                    {{"field", "min"}, {"type", "quantitative"}},
                                    {{"field", "q25"}, {"type", "quantitative"}},
                                    {{"field", "median"}, {"type", "quantitative"}},
                                    {{"field", "q75"}, {"type", "quantitative"}},
                                    {{"field", "max"}, {"type", "quantitative"}}});
  const auto y = [](const char* field) {
    return json{{"field", field}, {"type", "quantitative"}, {"title", "residual (predicted - actual)"}};
  };
  const auto layer = [](json mark, json encoding) { return json{{"mark", std::move(mark)}, {"encoding", std::move(encoding)}}; };
  json layers = json::array();
  layers.push_back(layer({{"type", "rule"}, {"color", "#666"}}, {{"y", y("min")}, {"y2", {{"field", "max"}}}}));
  layers.push_back(layer({{"type", "bar"}, {"size", 22}, {"color", model_colour(model_index)}},
                         {{"y", y("q25")}, {"y2", {{"field", "q75"}}}, {"tooltip", tooltip}}));
  layers.push_back(layer({{"type", "tick"}, {"color", "white"}, {"size", 22}, {"thickness", 2}}, {{"y", y("median")}}));
  layers.push_back(layer({{"type", "point"}, {"filled", true}, {"color", "#222"}, {"size", 30}},
                         {{"y", y("mean")}, {"tooltip", tooltip}}));
  json title = {{"text", model.label + ": residuals by motif group"},
                {"subtitle", "test split; whiskers: min-max, box: quartiles, white tick: median, dot: mean"}};
  json spec = {{"$schema", kVegaLiteSchema},
               {"title", std::move(title)},
               {"width", 340},
               {"height", 260},
               {"data", {{"values", std::move(values)}}},
               {"encoding", {{"x", x}}},
               {"layer", std::move(layers)},
               {"config", chart_config()}};
  return Chart{"residual_groups_" + file_slug(model.label), std::move(spec), false};
}

}  // namespace dnacnn::report

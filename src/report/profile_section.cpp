// Profile models (train --profile): the profile scores per split and track beside the shuffled
// baseline, and the example loci of profile_examples.tsv, observed against predicted reads.
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "report/charts.hpp"
#include "report/html.hpp"
#include "report/sections.hpp"

namespace dnacnn::report {
namespace {

using json = nlohmann::ordered_json;

std::string profile_table(const std::vector<ModelRun>& models) {
  std::vector<std::vector<Cell>> rows;
  for (const ModelRun& m : models) {
    if (!m.metrics.contains("profile")) continue;
    for (const char* split : {"test", "val", "train"}) {
      if (!m.metrics["profile"].contains(split)) continue;
      for (const auto& [track, s] : m.metrics["profile"][split].items())
        rows.push_back({text_cell(m.label), text_cell(split), text_cell(track), count_cell(s.value("n", nlohmann::json())),
                        number_cell(s.value("pearson", nlohmann::json()), 3),
                        number_cell(s.value("shuffled_pearson", nlohmann::json()), 3),
                        number_cell(s.value("jsd", nlohmann::json()), 3),
                        number_cell(s.value("shuffled_jsd", nlohmann::json()), 3)});
    }
  }
  return html_table({"model", "split", "track", "windows", "profile Pearson", "shuffled", "JSD", "shuffled JSD"}, rows);
}

// profile_examples.tsv: id, split, target, offset, observed, predicted.
std::optional<Chart> examples_chart(const ModelRun& m, std::size_t index) {
  std::ifstream in(m.dir / "profile_examples.tsv");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  nlohmann::json values = nlohmann::json::array();
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, split, target, offset, observed, predicted;
    if (!std::getline(fields, id, '\t') || !std::getline(fields, split, '\t') || !std::getline(fields, target, '\t') ||
        !std::getline(fields, offset, '\t') || !std::getline(fields, observed, '\t') || !std::getline(fields, predicted, '\t'))
      continue;
    const std::string locus = id + " " + target;
    values.push_back({{"locus", locus}, {"offset", std::stol(offset)}, {"reads", std::stod(observed)}, {"what", "observed"}});
    values.push_back({{"locus", locus}, {"offset", std::stol(offset)}, {"reads", std::stod(predicted)}, {"what", "predicted"}});
  }
  if (values.empty()) return std::nullopt;
  json spec = {
      {"$schema", kVegaLiteSchema},
      {"title", {{"text", m.label + ": example loci"},
                 {"subtitle", "the test windows with the most reads; predicted reads = profile x count"}}},
      {"data", {{"values", std::move(values)}}},
      {"facet", {{"row", {{"field", "locus"}, {"type", "nominal"}, {"title", nullptr},
                          {"header", {{"labelAngle", 0}, {"labelOrient", "top"}, {"labelAlign", "left"}, {"labelAnchor", "start"}}}}}}},
      {"resolve", {{"scale", {{"y", "independent"}}}}},
      {"spec",
       {{"width", 620},
        {"height", 90},
        {"mark", {{"type", "line"}, {"interpolate", "step"}, {"tooltip", true}}},
        {"encoding",
         {{"x", {{"field", "offset"}, {"type", "quantitative"}, {"title", "base in the predicted profile"}}},
          {"y", {{"field", "reads"}, {"type", "quantitative"}, {"title", "reads"}}},
          {"color", {{"field", "what"}, {"type", "nominal"}, {"title", nullptr},
                     {"scale", {{"range", {"#888", model_colour(index)}}}}}}}}}},
      {"config", chart_config()}};
  return Chart{fmt::format("profile_examples_{}", index), std::move(spec)};
}

}  // namespace

std::optional<Section> profile_section(const ReportData& data) {
  bool any = false;
  for (const ModelRun& m : data.models) any = any || m.metrics.contains("profile");
  if (!any) return std::nullopt;
  Section s{"profiles", "Profiles (base resolution)",
            {paragraph("Per split and track: the mean over windows of the Pearson correlation and the Jensen-Shannon "
                       "distance between the predicted and the observed profile, beside the observed profile against "
                       "a shuffled copy of itself (what no shape scores). Count scores are in the metrics above."),
             Html{profile_table(data.models)}}};
  for (std::size_t i = 0; i < data.models.size(); ++i)
    if (std::optional<Chart> c = examples_chart(data.models[i], i)) s.blocks.push_back(ChartRow{{std::move(*c)}});
  return s;
}

}  // namespace dnacnn::report

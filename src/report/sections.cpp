#include "report/sections.hpp"

#include <fmt/format.h>

#include "report/charts.hpp"
#include "report/html.hpp"
#include "report/tables.hpp"

namespace dnacnn::report {

namespace {

}  // namespace

Html paragraph(std::string_view text) { return {"<p class=\"intro\">" + escape_html(text) + "</p>\n"}; }

std::optional<ChartRow> predicted_vs_actual_row(const std::vector<ModelRun>& models) {
  ChartRow row;
  const auto range = shared_value_range(models);
  for (std::size_t i = 0; i < models.size(); ++i)
    if (models[i].test && !models[i].test->points.empty())
      row.charts.push_back(predicted_vs_actual_chart(models[i], i, range));
  if (row.charts.empty()) return std::nullopt;
  return row;
}

std::optional<Section> metrics_section(const ReportData& data) {
  if (data.models.empty()) return std::nullopt;
  return Section{"metrics", "Test metrics",
                 {paragraph("How well each model predicts the held-out test split. R\u00b2 is 1 for perfect "
                            "predictions and 0 for always predicting the mean; the best test R\u00b2 is highlighted."),
                  Html{metrics_table(data.models)}}};
}

std::optional<Section> loss_section(const ReportData& data) {
  std::optional<Chart> chart = loss_chart(data.models);
  if (!chart) return std::nullopt;
  Section s{"loss", "Training and validation loss",
            {paragraph("Mean squared error after each epoch. Validation loss that rises while training loss "
                       "falls means the model is overfitting."),
             ChartRow{{std::move(*chart)}}}};
  ChartRow per_epoch;  // validation scores and the learning rate, where the runs have them
  if (std::optional<Chart> scores = validation_scores_chart(data.models)) per_epoch.charts.push_back(std::move(*scores));
  if (std::optional<Chart> rate = learning_rate_chart(data.models)) per_epoch.charts.push_back(std::move(*rate));
  if (!per_epoch.charts.empty()) s.blocks.push_back(std::move(per_epoch));
  return s;
}

std::optional<Section> spot_check_section(const ReportData& data) {
  if (data.spot_checks.empty()) return std::nullopt;
  Section s{"spot-checks", "Spot checks",
            {paragraph("Hand-picked sequences with their true score and each model's prediction.")}};
  for (const SpotChecks& checks : data.spot_checks) s.blocks.push_back(Html{spot_check_table(checks)});
  return s;
}

std::optional<Section> predictions_section(const ReportData& data) {
  std::optional<ChartRow> row = predicted_vs_actual_row(data.models);
  if (!row) return std::nullopt;
  return Section{"predictions", "Predicted vs actual (test split)",
                 {paragraph("Each dot is a test sequence; hover for its sequence and values. Dots on the dashed "
                            "line are predicted exactly. Panels share their axes."),
                  std::move(*row)}};
}

std::optional<Section> run_details_section(const ReportData& data) {
  if (data.models.empty()) return std::nullopt;
  std::string cards = "<div class=\"cards\">\n";
  for (std::size_t i = 0; i < data.models.size(); ++i) cards += run_details_card(data.models[i], i);
  cards += "</div>\n";
  return Section{"runs", "Run details",
                 {paragraph("How each model was trained, so the run can be repeated."), Html{std::move(cards)}}};
}

std::vector<Section> build_sections(const ReportData& data) {
  using Builder = std::optional<Section> (*)(const ReportData&);
  static constexpr Builder kBuilders[] = {metrics_section,     loss_section,   spot_check_section,     predictions_section,
                                          profile_section,     motifs_section, error_analysis_section};
  std::vector<Section> sections;
  for (const Builder build : kBuilders)
    if (std::optional<Section> s = build(data)) sections.push_back(std::move(*s));
  for (Section& s : run_set_sections(data)) sections.push_back(std::move(s));
  if (std::optional<Section> s = run_details_section(data)) sections.push_back(std::move(*s));
  return sections;
}

}  // namespace dnacnn::report

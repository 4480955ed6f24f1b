// Vega-Lite specs of the report's charts, each with its data inline.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/run_data.hpp"
#include "report/section.hpp"

namespace dnacnn::report {

// Training and validation loss per epoch, one colour per model; nullopt without any history.
struct LossChartStyle {
  std::string name = "loss";
  std::string title = "Loss per epoch";
  std::optional<double> y_max;  // clip the y axis here (diverging runs would squash the others)
};
std::optional<Chart> loss_chart(const std::vector<ModelRun>& models, const LossChartStyle& style = {});

// history.tsv's validation scores per epoch (R² and Pearson, or AUROC and AUPRC), one colour per
// model; nullopt when no run has them (runs from before them, runs without a validation split).
std::optional<Chart> validation_scores_chart(const std::vector<ModelRun>& models);
// The learning rate of each epoch; nullopt unless some run's rate changes (a schedule or warm-up).
std::optional<Chart> learning_rate_chart(const std::vector<ModelRun>& models);

// Points in charts that show the shape of a cloud next to a full one (residuals, runs of
// experiments): the page stays small and quick to draw.
inline constexpr std::size_t kSecondaryChartPoints = 2'500;

// Residual (predicted - actual) against actual on the test split, with the zero line (at most
// kSecondaryChartPoints points).
Chart residual_chart(const ModelRun& model, std::size_t model_index);

// Residuals by motif group as box plots (min, quartiles, max) with the mean; requires errors with groups.
Chart residual_groups_chart(const ModelRun& model, std::size_t model_index);

// The Vega-Lite config every chart shares, and the schema URL.
nlohmann::ordered_json chart_config();
extern const char* const kVegaLiteSchema;

// The axis range shared by all predicted-vs-actual panels, so they compare at a glance.
std::pair<double, double> shared_value_range(const std::vector<ModelRun>& models);

// Predicted against actual on the test split with R² in the title and the y = x line; says on
// the chart when the points are a sample. Requires model.test.
Chart predicted_vs_actual_chart(const ModelRun& model, std::size_t model_index, std::pair<double, double> range);

// A test point as a chart's data row: id (when the table has ids), seq, actual, predicted. The
// tooltip lists these fields as they are, in this order.
nlohmann::ordered_json point_row(const TestPoint& p, bool has_ids);

// The colour of the i-th model of the report, the same in every chart.
const char* model_colour(std::size_t model_index);

// Rounds to `digits` significant digits so per-point JSON stays short.
double round_significant(double value, int digits);

}  // namespace dnacnn::report

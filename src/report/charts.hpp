// Vega-Lite specs of the report's charts, each with its data inline.
#pragma once
#include <optional>
#include <utility>
#include <vector>

#include "report/run_data.hpp"
#include "report/section.hpp"

namespace dnacnn::report {

// Training and validation loss per epoch, one colour per model; nullopt without any history.
std::optional<Chart> loss_chart(const std::vector<ModelRun>& models);

// The axis range shared by all predicted-vs-actual panels, so they compare at a glance.
std::pair<double, double> shared_value_range(const std::vector<ModelRun>& models);

// Predicted against actual on the test split with R² in the title and the y = x line; says on
// the chart when the points are a sample. Requires model.test.
Chart predicted_vs_actual_chart(const ModelRun& model, std::size_t model_index, std::pair<double, double> range);

// The colour of the i-th model of the report, the same in every chart.
const char* model_colour(std::size_t model_index);

// Rounds to `digits` significant digits so per-point JSON stays short.
double round_significant(double value, int digits);

}  // namespace dnacnn::report

// The report's HTML tables. All text from files is escaped here.
#pragma once
#include <string>
#include <vector>

#include "report/run_data.hpp"

namespace dnacnn::report {

// One row per model: test n, R², MSE, Pearson, Spearman, val/train R², epochs, time, status.
std::string metrics_table(const std::vector<ModelRun>& models);

// The worst-predicted test sequences of a model (requires model.errors).
std::string worst_predictions_table(const ModelRun& model);

// Residual statistics per motif group (requires model.errors with groups).
std::string residual_groups_table(const ModelRun& model);

// sweep.tsv as a table; diverged runs are highlighted.
std::string sweep_table(const SweepTable& sweep);

// spot_checks.tsv as a table; numeric cells rounded to 3 decimals.
std::string spot_check_table(const SpotChecks& checks);

// A card with how the model was trained: command, version, data file and checksum, seeds,
// threads, device, hyperparameters, times. `index` picks the model's colour.
std::string run_details_card(const ModelRun& model, std::size_t index);

}  // namespace dnacnn::report

// A hyper-parameter sweep (the notebook's exercise Q2): one training run per combination of
// models, learning rates, optimisers, batch sizes and epoch counts, on one data set.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/core/progress.hpp"
#include "dnacnn/train/run.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {

struct SweepGrid {
  std::vector<std::string> models{"linear", "cnn"};
  std::vector<double> lrs{0.001, 0.005, 0.01, 0.05, 0.1};
  std::vector<std::string> optimizers{"sgd"};
  std::vector<int> batch_sizes{128};
  std::vector<int> epochs{50};
};

// One finished combination: a line of sweep.tsv.
struct SweepRow {
  std::string run;  // its directory under the sweep's, and its name in metrics.json
  TrainOptions options;
  TrainResult result;  // weights and predictions dropped once written
};

// Every combination, in the order the grid lists them (models outermost).
std::vector<TrainOptions> sweep_combinations(const SweepGrid& grid, const TrainOptions& base);

// The run directory name of a combination, e.g. "cnn_sgd_lr0.01_bs128_e50".
std::string sweep_run_name(const TrainOptions& options);

// Checks every combination against `data` (UsageError), so a typo in the last one fails before
// anything is trained or written.
void check_sweep(const SequenceData& data, const SweepGrid& grid, const TrainOptions& base);

// Trains every combination on `data` and writes DIR/<run>/ (a run directory each), DIR/sweep.tsv,
// DIR/metrics.json (every run) and DIR/report.html. A run that diverges is marked "diverged" with
// its epoch and the sweep goes on. Calls check_sweep first.
std::vector<SweepRow> run_sweep(const SequenceData& data, const SweepGrid& grid, const TrainOptions& base,
                                const std::filesystem::path& dir, const RunContext& context, Progress& progress);

}  // namespace dnacnn

// K-fold ensembles on disk (`dnacnn train --folds K`): RUN/fold-0 ... RUN/fold-(K-1) are ordinary
// runs, each tested on its own fold (see FoldOptions in split.hpp); RUN itself holds folds.json (the
// folds, written before the first fold trains, so that `train --resume RUN` can finish the set),
// the out-of-fold predictions, the cross-validated metrics and a run.json that `train --config`
// trains the whole ensemble again from.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {

// RUN/fold-<fold>
std::filesystem::path fold_dir(const std::filesystem::path& run, int fold);

// Each row's fold, as train_model splits it for `options.folds` (the count and kind; any index).
std::vector<int> folds_of_rows(const SequenceData& data, const TrainOptions& options);

// RUN/folds.json: K, how the rows were divided, each fold's test rows (and chromosomes).
void write_folds_plan(const std::filesystem::path& run, const SequenceData& data, const TrainOptions& options);

// What the ensemble scored, from every fold's result (fold i at index i): the pooled out-of-fold
// test scores per target and each fold's own test scores.
struct CrossValidation {
  std::vector<Scores> pooled;                 // per target: every row, scored by the model that did not train on it
  std::vector<std::vector<Scores>> per_fold;  // [fold][target]: that fold's test rows
};
CrossValidation cross_validate(const SequenceData& data, const std::vector<TrainResult>& folds);

// RUN/metrics.json ("test": the pooled scores, "fold_test", "fold_mean", "fold_sd"),
// RUN/predictions.tsv (out-of-fold: id, seq, fold, actual, predicted) and RUN/run.json (fold 0's,
// without its fold index).
void write_folds_run(const std::filesystem::path& run, const std::string& name, const SequenceData& data,
                     const TrainOptions& options, const std::vector<TrainResult>& folds, const CrossValidation& cv);

}  // namespace dnacnn

// What the training loop decides between epochs, for every engine alike: the learning rate of the
// next epoch, the validation scores of the last, whether it is the best so far, and whether to
// stop (--patience). Torch-free; its state travels in checkpoints as JSON.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>

#include "dnacnn/train/schedule.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {

// R² and Pearson (regression) or AUROC and AUPRC (binary, of the probabilities) of `outputs`, the
// model's raw outputs for the validation rows, against `targets` (both rows x n_targets): each the
// mean over the targets where it is defined. All NaN without rows.
ValidationScores validation_scores(std::span<const float> outputs, std::span<const float> targets,
                                   std::int64_t n_targets, bool binary);

class EpochPolicy {
 public:
  explicit EpochPolicy(const TrainOptions& options);
  // The learning rate for `epoch` (1-based).
  double rate(int epoch) const { return scheduler_.rate(epoch); }
  // After each epoch, with its record complete: true when it is the best epoch so far.
  bool observe(const EpochRecord& record);
  // --patience epochs have passed without an improvement.
  bool should_stop() const { return patience_ > 0 && best_.bad_epochs >= patience_; }
  const ImprovementTracker& best() const { return best_; }

  // For checkpoints; null (a run from before schedules) restores the start.
  nlohmann::json state() const;
  void restore(const nlohmann::json& state);

 private:
  EarlyStopOptions stopping_;
  int patience_;
  LrScheduler scheduler_;
  ImprovementTracker best_;
};

}  // namespace dnacnn

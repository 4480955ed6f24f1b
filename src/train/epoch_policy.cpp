#include "train/epoch_policy.hpp"

#include <cmath>
#include <vector>

#include "core/json_get.hpp"
#include "dnacnn/infer/metrics.hpp"

namespace dnacnn {
namespace {

// The mean of the finite values (NaN when there are none): a target without both classes in the
// validation split has no AUROC, and should not hide the others'.
double finite_mean(const std::vector<double>& values) {
  double sum = 0;
  int n = 0;
  for (double v : values)
    if (std::isfinite(v)) {
      sum += v;
      ++n;
    }
  return n > 0 ? sum / n : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

ValidationScores validation_scores(std::span<const float> outputs, std::span<const float> targets,
                                   std::int64_t n_targets, bool binary) {
  ValidationScores scores;
  if (n_targets <= 0 || outputs.empty() || outputs.size() != targets.size()) return scores;
  const std::size_t rows = outputs.size() / static_cast<std::size_t>(n_targets);
  std::vector<double> first, second;
  std::vector<float> actual(rows), predicted(rows);
  for (std::int64_t t = 0; t < n_targets; ++t) {
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t i = r * static_cast<std::size_t>(n_targets) + static_cast<std::size_t>(t);
      actual[r] = targets[i];
      // Probabilities as the final metrics see them (to_output_scale); ranks are unchanged.
      predicted[r] = binary ? 1.0f / (1.0f + std::exp(-outputs[i])) : outputs[i];
    }
    first.push_back(binary ? auroc(actual, predicted) : r2_score(actual, predicted));
    second.push_back(binary ? auprc(actual, predicted) : pearson_correlation(actual, predicted));
  }
  (binary ? scores.auroc : scores.r2) = finite_mean(first);
  (binary ? scores.auprc : scores.pearson) = finite_mean(second);
  return scores;
}

EpochPolicy::EpochPolicy(const TrainOptions& options)
    : stopping_(options.stopping),
      patience_(options.stopping.patience),
      scheduler_(options.schedule, options.lr, options.epochs) {}

bool EpochPolicy::observe(const EpochRecord& record) {
  const double value = monitored_value(record, stopping_.monitor);
  const bool maximise = maximised(stopping_.monitor);
  scheduler_.observe(record.epoch, value, maximise, stopping_.min_delta);
  return best_.observe(value, record.epoch, maximise, stopping_.min_delta);
}

nlohmann::json EpochPolicy::state() const { return {{"schedule", scheduler_.state()}, {"best", best_}}; }

void EpochPolicy::restore(const nlohmann::json& state) {
  if (state.is_null()) return;
  scheduler_.restore(state.at("schedule"));
  json_get::get_to(state.at("best"), best_);
}

}  // namespace dnacnn

// Regression and binary classification metrics computed in double precision.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>

namespace dnacnn {

struct RegressionMetrics {
  long n = 0;
  double mse = 0;
  double r2 = 0;        // 1 - SS_res / SS_tot (sklearn's r2_score)
  double pearson = 0;   // 0 when either side is constant
  double spearman = 0;  // Pearson of average ranks (ties share their mean rank)
};

double mean_squared_error(std::span<const float> actual, std::span<const float> predicted);
double r2_score(std::span<const float> actual, std::span<const float> predicted);
double pearson_correlation(std::span<const float> x, std::span<const float> y);
double spearman_correlation(std::span<const float> x, std::span<const float> y);

// All of the above; the spans must have the same, non-zero size.
RegressionMetrics regression_metrics(std::span<const float> actual, std::span<const float> predicted);

void to_json(nlohmann::json& j, const RegressionMetrics& m);
void from_json(const nlohmann::json& j, RegressionMetrics& m);

// Labels are 0/1, scores are probabilities (or any score for the two areas).
struct BinaryMetrics {
  long n = 0;
  long positives = 0;
  double auroc = 0;     // area under the ROC curve, ties counted half (sklearn's roc_auc_score); NaN with one class
  double auprc = 0;     // average precision, sum over thresholds of (R_k - R_k-1) P_k (sklearn's average_precision_score)
  double accuracy = 0;  // share of rows where (score >= 0.5) equals the label
};

double auroc(std::span<const float> labels, std::span<const float> scores);
double auprc(std::span<const float> labels, std::span<const float> scores);
BinaryMetrics binary_metrics(std::span<const float> labels, std::span<const float> probabilities);

// What is reported for one target on one split: regression metrics always (for a binary task
// they are those of the probabilities: mse is the Brier score), binary metrics for binary tasks.
struct Scores {
  RegressionMetrics regression;
  std::optional<BinaryMetrics> binary;
};
Scores score_predictions(std::span<const float> actual, std::span<const float> predicted, bool binary);
// One flat object: n, mse, r2, pearson, spearman, and for binary tasks auroc, auprc, accuracy, positives.
void to_json(nlohmann::json& j, const Scores& s);

}  // namespace dnacnn

// Regression metrics computed in double precision.
#pragma once
#include <nlohmann/json_fwd.hpp>
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

}  // namespace dnacnn

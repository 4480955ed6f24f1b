// Regression metrics against hand-computed values.
#include "dnacnn/infer/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "dnacnn/core/error.hpp"

namespace dnacnn {
namespace {

using V = std::vector<float>;

TEST(Metrics, HandComputed) {
  // actual 1 2 3 4, predicted 1 3 2 5: errors 0 1 -1 1.
  const V a{1, 2, 3, 4}, p{1, 3, 2, 5};
  EXPECT_DOUBLE_EQ(mean_squared_error(a, p), 0.75);
  // SS_res = 3, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5.
  EXPECT_DOUBLE_EQ(r2_score(a, p), 1.0 - 3.0 / 5.0);
  // sxy = 5.5, sxx = 5, syy = 8.75.
  EXPECT_NEAR(pearson_correlation(a, p), 5.5 / std::sqrt(5.0 * 8.75), 1e-12);
  // Ranks 1 2 3 4 vs 1 3 2 4: sum d^2 = 2, rho = 1 - 6*2 / (4*15) = 0.8.
  EXPECT_NEAR(spearman_correlation(a, p), 0.8, 1e-12);
}

TEST(Metrics, R2IsNotSymmetric) {
  const V a{1, 2, 3, 4}, p{2, 2, 2, 2};
  // Predicting the mean (2.5) gives 0; predicting 2 gives 1 - 6/5.
  EXPECT_DOUBLE_EQ(r2_score(a, V{2.5f, 2.5f, 2.5f, 2.5f}), 0.0);
  EXPECT_DOUBLE_EQ(r2_score(a, p), 1.0 - 6.0 / 5.0);
  EXPECT_DOUBLE_EQ(r2_score(a, a), 1.0);
}

TEST(Metrics, SpearmanWithTies) {
  // x has a tie: ranks 1 2.5 2.5 4; y ranks 1 3 2 4.
  // Pearson of the ranks: sxy = 4.5, sxx = 4.5, syy = 5 -> sqrt(0.9).
  const V x{1, 2, 2, 3}, y{1, 3, 2, 4};
  EXPECT_NEAR(spearman_correlation(x, y), std::sqrt(0.9), 1e-12);
  EXPECT_NEAR(spearman_correlation(y, x), std::sqrt(0.9), 1e-12);
  // Ties on both sides, order of ties in the input does not matter.
  const V u{5, 1, 5, 1, 3}, w{2, 0, 2, 0, 1};
  EXPECT_NEAR(spearman_correlation(u, w), 1.0, 1e-12);
  // ranks of {10, 20, 20, 20, 30} are 1 3 3 3 5; against 1..5: sxy = 2+0+0+0+2... computed:
  // dx = -2 0 0 0 2, dy = -2 -1 0 1 2 -> sxy = 8, sxx = 8, syy = 10 -> sqrt(0.8).
  EXPECT_NEAR(spearman_correlation(V{10, 20, 20, 20, 30}, V{1, 2, 3, 4, 5}), std::sqrt(0.8), 1e-12);
}

TEST(Metrics, SpearmanIsRankBased) {
  const V x{1, 2, 3, 4, 5}, y{1, 8, 27, 64, 125};
  EXPECT_NEAR(spearman_correlation(x, y), 1.0, 1e-12);
  EXPECT_LT(pearson_correlation(x, y), 0.99);
  const V rev{5, 4, 3, 2, 1};
  EXPECT_NEAR(spearman_correlation(x, rev), -1.0, 1e-12);
  EXPECT_NEAR(pearson_correlation(x, rev), -1.0, 1e-12);
}

TEST(Metrics, ConstantInputs) {
  const V c{3, 3, 3, 3}, x{1, 2, 3, 4};
  EXPECT_EQ(pearson_correlation(c, x), 0.0);
  EXPECT_EQ(pearson_correlation(x, c), 0.0);
  EXPECT_EQ(spearman_correlation(c, x), 0.0);
  EXPECT_EQ(spearman_correlation(x, c), 0.0);
  EXPECT_DOUBLE_EQ(mean_squared_error(c, x), (4 + 1 + 0 + 1) / 4.0);
  // sklearn: constant actual -> 1 if predicted exactly, else 0.
  EXPECT_EQ(r2_score(c, c), 1.0);
  EXPECT_EQ(r2_score(c, x), 0.0);
  // Constant predictions are fine for R^2 (here the mean: 0).
  EXPECT_DOUBLE_EQ(r2_score(x, V{2.5f, 2.5f, 2.5f, 2.5f}), 0.0);
}

TEST(Metrics, DoublePrecisionAccumulation) {
  // A million values around 1000 with small errors: float accumulation would lose this.
  V a(1'000'000), p(1'000'000);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = 1000.0f + static_cast<float>(i % 7);
    p[i] = a[i] + (i % 2 ? 0.5f : -0.5f);
  }
  EXPECT_NEAR(mean_squared_error(a, p), 0.25, 1e-12);
}

TEST(Metrics, SizeMismatchAndEmptyAreErrors) {
  EXPECT_THROW(mean_squared_error(V{1, 2}, V{1}), Error);
  EXPECT_THROW(r2_score(V{}, V{}), Error);
  EXPECT_THROW(pearson_correlation(V{1}, V{1, 2}), Error);
  EXPECT_THROW(spearman_correlation(V{}, V{}), Error);
  EXPECT_THROW(regression_metrics(V{1, 2, 3}, V{1, 2}), Error);
}

TEST(Metrics, AllAtOnceAndJson) {
  const V a{1, 2, 3, 4}, p{1, 3, 2, 5};
  const RegressionMetrics m = regression_metrics(a, p);
  EXPECT_EQ(m.n, 4);
  EXPECT_EQ(m.mse, mean_squared_error(a, p));
  EXPECT_EQ(m.r2, r2_score(a, p));
  EXPECT_EQ(m.pearson, pearson_correlation(a, p));
  EXPECT_EQ(m.spearman, spearman_correlation(a, p));
  const nlohmann::json j = m;
  EXPECT_EQ(j.at("n"), 4);
  EXPECT_EQ(j.at("mse").get<double>(), 0.75);
  const auto back = j.get<RegressionMetrics>();
  EXPECT_EQ(back.n, m.n);
  EXPECT_EQ(back.mse, m.mse);
  EXPECT_EQ(back.r2, m.r2);
  EXPECT_EQ(back.pearson, m.pearson);
  EXPECT_EQ(back.spearman, m.spearman);
}

// Hand-computed: positives score 0.9, 0.7, 0.2 and negatives 0.8, 0.3, so 3 of the 6
// positive-negative pairs are ordered right (AUROC 0.5); the precision at each recall step is
// 1, 2/3, 3/5, so AP = (1 + 2/3 + 3/5) / 3 = 34/45. (sklearn gives the same: 0.5, 0.75556.)
TEST(BinaryMetrics, HandComputedAurocAuprcAccuracy) {
  const V labels{1, 0, 1, 0, 1}, scores{0.9f, 0.8f, 0.7f, 0.3f, 0.2f};
  EXPECT_DOUBLE_EQ(auroc(labels, scores), 0.5);
  EXPECT_DOUBLE_EQ(auprc(labels, scores), 34.0 / 45.0);
  const BinaryMetrics m = binary_metrics(labels, scores);
  EXPECT_EQ(m.n, 5);
  EXPECT_EQ(m.positives, 3);
  EXPECT_DOUBLE_EQ(m.accuracy, 3.0 / 5.0);  // >= 0.5 predicts 1, 1, 1, 0, 0
}

// Tied scores count half a pair for AUROC and are one threshold for AP: 3.5 / 4 and
// (0.5 x 1 + 0.5 x 2/3).
TEST(BinaryMetrics, TiesAndPerfectOrdering) {
  const V labels{1, 0, 1, 0}, scores{0.5f, 0.5f, 0.8f, 0.1f};
  EXPECT_DOUBLE_EQ(auroc(labels, scores), 0.875);
  EXPECT_DOUBLE_EQ(auprc(labels, scores), 0.5 + 0.5 * 2.0 / 3.0);
  const V perfect{0.9f, 0.1f, 0.8f, 0.2f};
  EXPECT_DOUBLE_EQ(auroc(labels, perfect), 1.0);
  EXPECT_DOUBLE_EQ(auprc(labels, perfect), 1.0);
  const V reversed{0.1f, 0.9f, 0.2f, 0.8f};
  EXPECT_DOUBLE_EQ(auroc(labels, reversed), 0.0);
  EXPECT_DOUBLE_EQ(auprc(labels, reversed), 0.5 * 1.0 / 3.0 + 0.5 * 2.0 / 4.0);
}

TEST(BinaryMetrics, OneClassIsNotANumberAndJsonHasEveryKey) {
  EXPECT_TRUE(std::isnan(auroc(V{1, 1}, V{0.2f, 0.7f})));
  EXPECT_TRUE(std::isnan(auprc(V{0, 0}, V{0.2f, 0.7f})));
  const Scores s = score_predictions(V{1, 0, 1, 0, 1}, V{0.9f, 0.8f, 0.7f, 0.3f, 0.2f}, true);
  const nlohmann::json j = s;
  for (const char* key : {"n", "mse", "r2", "pearson", "spearman", "auroc", "auprc", "accuracy", "positives"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_DOUBLE_EQ(j.at("auprc").get<double>(), 34.0 / 45.0);
  const nlohmann::json r = score_predictions(V{1, 2}, V{1, 2}, false);
  EXPECT_FALSE(r.contains("auroc"));
}

}  // namespace
}  // namespace dnacnn

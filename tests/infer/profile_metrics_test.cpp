#include "dnacnn/infer/profile_metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

namespace dnacnn {
namespace {

std::vector<float> log_of(const std::vector<double>& p) {
  std::vector<float> out;
  for (const double v : p) out.push_back(static_cast<float>(std::log(v)));
  return out;
}

TEST(ProfileMetrics, JensenShannonDistanceAsScipyComputesIt) {
  const std::vector<double> p{1, 0, 0}, q{0, 1, 0}, r{2, 2, 0}, s{1, 1, 0};
  EXPECT_NEAR(jensen_shannon_distance(p, p), 0, 1e-12);
  EXPECT_NEAR(jensen_shannon_distance(p, q), std::sqrt(std::log(2.0)), 1e-12) << "disjoint: the largest, natural log";
  EXPECT_NEAR(jensen_shannon_distance(r, s), 0, 1e-12) << "each normalised to sum 1";
  // scipy.spatial.distance.jensenshannon([0.1, 0.4, 0.5], [0.3, 0.3, 0.4]) = 0.18036; by hand:
  const std::vector<double> a{0.1, 0.4, 0.5}, b{0.3, 0.3, 0.4};
  double d = 0;
  for (int i = 0; i < 3; ++i) {
    const double m = (a[i] + b[i]) / 2;
    d += 0.5 * a[i] * std::log(a[i] / m) + 0.5 * b[i] * std::log(b[i] / m);
  }
  EXPECT_NEAR(jensen_shannon_distance(a, b), std::sqrt(d), 1e-12);
  EXPECT_NEAR(jensen_shannon_distance(a, b), 0.180360, 1e-5);
  EXPECT_NEAR(jensen_shannon_distance(a, b), jensen_shannon_distance(b, a), 1e-15);
}

TEST(ProfileMetrics, SoftmaxSumsToOneAndKeepsOrder) {
  const std::vector<double> s = softmax(std::vector<float>{0, std::log(3.0f), 1, -2});
  EXPECT_NEAR(s[0] + s[1] + s[2] + s[3], 1, 1e-12);
  EXPECT_NEAR(s[1] / s[0], 3, 1e-5);
  EXPECT_NEAR(s[2] / s[3], std::exp(3.0), 1e-4);
  const std::vector<double> big = softmax(std::vector<float>{0, 1000, 1000});
  EXPECT_NEAR(big[1], 0.5, 1e-12) << "large logits do not overflow";
}

TEST(ProfileMetrics, APerfectPredictionScoresOneAndZeroAndBeatsTheShuffledBaseline) {
  const std::vector<float> observed{0, 1, 5, 9, 5, 1, 0, 0, 2, 0};
  std::vector<double> shares;
  for (const float v : observed) shares.push_back((v + 1e-9) / 23.0);
  ProfileScoring scoring;
  scoring.add(observed, log_of(shares), 7);
  scoring.add(std::vector<float>(10, 0.0f), log_of(shares), 8);  // no counts: left out
  const ProfileScores s = scoring.result();
  EXPECT_EQ(s.n, 1);
  EXPECT_NEAR(s.pearson, 1, 1e-6);
  EXPECT_NEAR(s.jsd, 0, 1e-3);
  EXPECT_LT(s.shuffled_pearson, 0.9);
  EXPECT_GT(s.shuffled_jsd, 0.1);
  // The same prediction given as a profile at any scale (what scan and evaluate hand over).
  std::vector<double> scaled;
  for (const double v : shares) scaled.push_back(40 * v);
  ProfileScoring again;
  again.add_predicted(observed, scaled, 7);
  EXPECT_NEAR(again.result().pearson, s.pearson, 1e-9);
  EXPECT_NEAR(again.result().jsd, s.jsd, 1e-6);
  EXPECT_EQ(again.result().shuffled_pearson, s.shuffled_pearson) << "the seed fixes the shuffle";
}

TEST(ProfileMetrics, MeansOverRegionsAndAFlatPredictionScoresWorse) {
  const std::vector<float> peak{0, 0, 10, 0, 0}, wide{1, 2, 3, 2, 1};
  const std::vector<float> flat(5, 0.0f);
  ProfileScoring flat_scores, good;
  for (const auto& region : {peak, wide}) {
    flat_scores.add(region, flat, 1);
    std::vector<double> shares;
    for (const float v : region) shares.push_back(v + 0.01);
    good.add_predicted(region, shares, 1);
  }
  EXPECT_EQ(good.result().n, 2);
  EXPECT_LT(good.result().jsd, flat_scores.result().jsd);
  EXPECT_GT(good.result().pearson, 0.99);
  EXPECT_EQ(flat_scores.result().pearson, 0) << "a constant profile correlates with nothing";
  const nlohmann::json j = good.result();
  for (const char* key : {"n", "pearson", "jsd", "shuffled_pearson", "shuffled_jsd"}) EXPECT_TRUE(j.contains(key)) << key;
}

}  // namespace
}  // namespace dnacnn

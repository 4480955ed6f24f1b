#include "dnacnn/infer/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <vector>

#include "dnacnn/core/error.hpp"

namespace dnacnn {
namespace {

void check_sizes(std::span<const float> a, std::span<const float> b) {
  if (a.size() != b.size() || a.empty()) throw Error("metrics need two non-empty series of equal length");
}

double mean(std::span<const double> v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

double pearson_of(std::span<const double> x, std::span<const double> y) {
  const double mx = mean(x), my = mean(y);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx == 0 || syy == 0) return 0;
  return sxy / std::sqrt(sxx * syy);
}

std::vector<double> as_double(std::span<const float> v) { return {v.begin(), v.end()}; }

// 1-based ranks; tied values get the mean of the ranks they span.
std::vector<double> average_ranks(std::span<const float> v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> ranks(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double rank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

}  // namespace

double mean_squared_error(std::span<const float> actual, std::span<const float> predicted) {
  check_sizes(actual, predicted);
  double s = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double d = static_cast<double>(actual[i]) - predicted[i];
    s += d * d;
  }
  return s / static_cast<double>(actual.size());
}

double r2_score(std::span<const float> actual, std::span<const float> predicted) {
  check_sizes(actual, predicted);
  const std::vector<double> a = as_double(actual);
  const double m = mean(a);
  double ss_res = 0, ss_tot = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ss_res += (a[i] - predicted[i]) * (a[i] - predicted[i]);
    ss_tot += (a[i] - m) * (a[i] - m);
  }
  if (ss_tot == 0) return ss_res == 0 ? 1.0 : 0.0;  // sklearn's convention for constant targets
  return 1.0 - ss_res / ss_tot;
}

double pearson_correlation(std::span<const float> x, std::span<const float> y) {
  check_sizes(x, y);
  return pearson_of(as_double(x), as_double(y));
}

double spearman_correlation(std::span<const float> x, std::span<const float> y) {
  check_sizes(x, y);
  return pearson_of(average_ranks(x), average_ranks(y));
}

RegressionMetrics regression_metrics(std::span<const float> actual, std::span<const float> predicted) {
  return {static_cast<long>(actual.size()), mean_squared_error(actual, predicted), r2_score(actual, predicted),
          pearson_correlation(actual, predicted), spearman_correlation(actual, predicted)};
}

void to_json(nlohmann::json& j, const RegressionMetrics& m) {
  j = {{"n", m.n}, {"mse", m.mse}, {"r2", m.r2}, {"pearson", m.pearson}, {"spearman", m.spearman}};
}

void from_json(const nlohmann::json& j, RegressionMetrics& m) {
  m.n = j.value("n", 0L);
  m.mse = j.at("mse").get<double>();
  m.r2 = j.at("r2").get<double>();
  m.pearson = j.at("pearson").get<double>();
  m.spearman = j.at("spearman").get<double>();
}

double auroc(std::span<const float> labels, std::span<const float> scores) {
  check_sizes(labels, scores);
  // Mann-Whitney: the positives' rank sum, with tied scores sharing their mean rank.
  const std::vector<double> ranks = average_ranks(scores);
  double positives = 0, rank_sum = 0;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] > 0.5f) {
      ++positives;
      rank_sum += ranks[i];
    }
  const double negatives = static_cast<double>(labels.size()) - positives;
  if (positives == 0 || negatives == 0) return std::nan("");
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

double auprc(std::span<const float> labels, std::span<const float> scores) {
  check_sizes(labels, scores);
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  double total = 0;
  for (float l : labels) total += l > 0.5f ? 1 : 0;
  if (total == 0) return std::nan("");
  double tp = 0, seen = 0, recall_before = 0, ap = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    tp += labels[order[i]] > 0.5f ? 1 : 0;
    ++seen;
    // Tied scores are one threshold: step only after the last of them.
    if (i + 1 < order.size() && scores[order[i + 1]] == scores[order[i]]) continue;
    const double recall = tp / total;
    ap += (recall - recall_before) * (tp / seen);
    recall_before = recall;
  }
  return ap;
}

BinaryMetrics binary_metrics(std::span<const float> labels, std::span<const float> probabilities) {
  check_sizes(labels, probabilities);
  BinaryMetrics m;
  m.n = static_cast<long>(labels.size());
  long correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const bool positive = labels[i] > 0.5f;
    m.positives += positive;
    correct += (probabilities[i] >= 0.5f) == positive;
  }
  m.accuracy = static_cast<double>(correct) / static_cast<double>(m.n);
  m.auroc = auroc(labels, probabilities);
  m.auprc = auprc(labels, probabilities);
  return m;
}

Scores score_predictions(std::span<const float> actual, std::span<const float> predicted, bool binary) {
  Scores s{regression_metrics(actual, predicted), std::nullopt};
  if (binary) s.binary = binary_metrics(actual, predicted);
  return s;
}

void to_json(nlohmann::json& j, const Scores& s) {
  j = s.regression;
  if (s.binary) {
    j["auroc"] = s.binary->auroc;
    j["auprc"] = s.binary->auprc;
    j["accuracy"] = s.binary->accuracy;
    j["positives"] = s.binary->positives;
  }
}

}  // namespace dnacnn

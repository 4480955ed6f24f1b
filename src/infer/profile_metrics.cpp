#include "dnacnn/infer/profile_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "dnacnn/core/random.hpp"

namespace dnacnn {
namespace {

double pearson(std::span<const double> x, std::span<const double> y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

double sum_of(std::span<const double> v) {
  double s = 0;
  for (const double x : v) s += x;
  return s;
}

}  // namespace

std::vector<double> softmax(std::span<const float> logits) {
  std::vector<double> p(logits.size());
  if (logits.empty()) return p;
  const double top = *std::max_element(logits.begin(), logits.end());
  double total = 0;
  for (std::size_t i = 0; i < p.size(); ++i) total += p[i] = std::exp(static_cast<double>(logits[i]) - top);
  for (double& v : p) v /= total;
  return p;
}

double jensen_shannon_distance(std::span<const double> p, std::span<const double> q) {
  const double sp = sum_of(p), sq = sum_of(q);
  double divergence = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double a = p[i] / sp, b = q[i] / sq, m = (a + b) / 2;
    if (a > 0) divergence += 0.5 * a * std::log(a / m);
    if (b > 0) divergence += 0.5 * b * std::log(b / m);
  }
  return std::sqrt(std::max(divergence, 0.0));
}

void ProfileScoring::add(std::span<const float> observed, std::span<const float> logits, std::uint64_t seed) {
  const std::vector<double> predicted = softmax(logits);
  add_predicted(observed, predicted, seed);
}

void ProfileScoring::add_predicted(std::span<const float> observed, std::span<const double> predicted, std::uint64_t seed) {
  const std::vector<double> counts(observed.begin(), observed.end());
  if (counts.empty() || !(sum_of(counts) > 0)) return;
  Rng rng(seed);
  const std::vector<std::int64_t> order = shuffled_indices(static_cast<std::int64_t>(counts.size()), rng);
  std::vector<double> shuffled(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) shuffled[i] = counts[static_cast<std::size_t>(order[i])];
  ++sum_.n;
  sum_.pearson += pearson(predicted, counts);
  sum_.jsd += jensen_shannon_distance(counts, predicted);
  sum_.shuffled_pearson += pearson(shuffled, counts);
  sum_.shuffled_jsd += jensen_shannon_distance(counts, shuffled);
}

ProfileScores ProfileScoring::result() const {
  ProfileScores mean = sum_;
  if (mean.n == 0) return mean;
  const double n = static_cast<double>(mean.n);
  mean.pearson /= n, mean.jsd /= n, mean.shuffled_pearson /= n, mean.shuffled_jsd /= n;
  return mean;
}

void to_json(nlohmann::json& j, const ProfileScores& s) {
  j = {{"n", s.n}, {"pearson", s.pearson}, {"jsd", s.jsd}, {"shuffled_pearson", s.shuffled_pearson},
       {"shuffled_jsd", s.shuffled_jsd}};
}

}  // namespace dnacnn

// How well a profile model (BPNet-style: per-base profiles plus log counts) predicts the shape of
// the signal: per region and track, the Pearson correlation and the Jensen-Shannon distance between
// the predicted profile (softmax of the profile logits) and the observed counts, averaged over the
// regions with any counts; beside them the same two against a shuffled baseline (the observed
// profile against itself with its positions permuted), which says what "no shape" scores.
#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

namespace dnacnn {

struct ProfileScores {
  long n = 0;  // regions scored (regions without counts are left out)
  double pearson = 0;
  double jsd = 0;  // Jensen-Shannon distance, natural log (scipy.spatial.distance.jensenshannon)
  double shuffled_pearson = 0;
  double shuffled_jsd = 0;
};
void to_json(nlohmann::json& j, const ProfileScores& s);

// Jensen-Shannon distance between two non-negative vectors, each normalised to sum 1.
double jensen_shannon_distance(std::span<const double> p, std::span<const double> q);
// softmax(logits).
std::vector<double> softmax(std::span<const float> logits);

// Sums region by region.
class ProfileScoring {
 public:
  // One region's observed counts and predicted logits (same length); `seed` fixes the shuffle.
  void add(std::span<const float> observed, std::span<const float> logits, std::uint64_t seed);
  // The same with the predicted profile itself (non-negative, any scale: normalised here).
  void add_predicted(std::span<const float> observed, std::span<const double> predicted, std::uint64_t seed);
  ProfileScores result() const;

 private:
  ProfileScores sum_;
};

// A region plotted in the report: observed counts and the predicted counts (profile x count).
struct ProfileExample {
  std::string id;
  std::string split;
  std::string target;
  std::vector<float> observed, predicted;
};

}  // namespace dnacnn

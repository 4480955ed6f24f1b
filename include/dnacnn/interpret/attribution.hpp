// Which bases a model's prediction depends on: in-silico mutagenesis (ISM, fast by default),
// saliency (the gradient of the output with respect to the one-hot input), gradient x input,
// DeepLIFT/DeepSHAP against dinucleotide-shuffled references and integrated gradients.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "dnacnn/infer/loaded_model.hpp"
#include "dnacnn/models/model_config.hpp"

namespace dnacnn {

enum class AttributionMethod { ism, saliency, gradxinput, deepshap, ig };
AttributionMethod parse_attribution_method(const std::string& name);  // UsageError for others
std::string attribution_method_name(AttributionMethod method);
// Whether the method compares the sequence with references (deepshap) or a baseline (ig).
bool has_references(AttributionMethod method);

struct AttributionOptions {
  std::int64_t n_shuffles = 20;  // deepshap: dinucleotide-shuffled references per sequence
  std::uint64_t seed = 1;        // deepshap: the shuffles' seed (with each sequence's letters)
  std::int64_t steps = 50;       // ig: points on the path from the baseline
  bool hypothetical = false;     // deepshap, ig: scores are hypothetical contributions
  std::int64_t window_start = 0, window_end = -1;  // ism: mutate positions [start, end) only (-1: to the end)
  bool naive = false;            // ism: every mutant through the whole network (the reference path)
};

struct SequenceAttribution {
  float prediction = 0;         // the model's output for the sequence (the chosen target)
  std::vector<float> scores;    // length x 4, position-major, channels A C G T
  std::vector<float> observed;  // per position: the attribution of the base that is there (0 for N)
  float reference_mean = 0;     // deepshap: the mean output over the references; ig: the baseline's
};

// ism: scores[i][b] = f(sequence with base b at i) - f(sequence); the 3 (4 at an N) mutants of
//      every position and the sequence itself go through the network in one forward pass.
//      observed[i] = minus the mean effect of mutating position i away from its base.
// saliency: scores = d f / d one-hot; observed[i] = the gradient at the observed base.
// gradxinput: scores = gradient x one-hot (non-zero at the observed base only); observed likewise.
// deepshap: DeepLIFT's rescale rule (interpret/deeplift_rules.hpp) against each of n_shuffles
//      dinucleotide shuffles of the sequence; scores[i][c] = mean over references of
//      multiplier[i][c] x (x[i][c] - ref[i][c]); observed[i] = their sum over c (an N too: its
//      reference has bases), so sum(observed) = prediction - reference_mean.
//      hypothetical: scores[i][b] = mean over references of sum over c of multiplier[i][c] x
//      (onehot(b)[c] - ref[i][c]), what base b would contribute at i (observed[i] = the scores
//      of the base that is there).
// ig: integrated gradients from the all-zero input (no base anywhere): scores = x times the
//      gradient averaged over `steps` midpoints of the straight path; hypothetical: the averaged
//      gradient itself (a base's contribution, had it been there).
// f is the raw network output of `target` (logits for binary tasks).
class Attributor {
 public:
  static Attributor load(const std::filesystem::path& model_dir, const std::string& device = "cpu");
  // An ensemble (several models, or a folds run: resolve_model_dirs): every member attributes the
  // sequence and the results are averaged (scores, observed, prediction, reference_mean), so
  // completeness holds for the ensemble's mean output as for each member's.
  static Attributor load(const std::vector<std::filesystem::path>& models, const std::string& device = "cpu");
  explicit Attributor(std::shared_ptr<const LoadedModel> model);  // shared with a Predictor, say
  explicit Attributor(const std::vector<std::shared_ptr<const LoadedModel>>& members);
  Attributor(Attributor&&) noexcept;
  Attributor& operator=(Attributor&&) noexcept;
  ~Attributor();

  const ModelConfig& config() const;  // the first member's
  std::size_t members() const;
  // `seqs` are validated, upper-case and of the model's input length.
  std::vector<SequenceAttribution> attribute(const std::vector<std::string>& seqs, AttributionMethod method,
                                             std::size_t target, const AttributionOptions& options = {}) const;
  // Whether ISM takes the fast path on this model (layers before the first that mixes positions).
  bool fast_ism() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dnacnn

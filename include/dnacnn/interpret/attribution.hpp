// Which bases a model's prediction depends on: in-silico mutagenesis (ISM), saliency (the gradient
// of the output with respect to the one-hot input) and gradient x input.
#pragma once
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "dnacnn/infer/loaded_model.hpp"
#include "dnacnn/models/model_config.hpp"

namespace dnacnn {

enum class AttributionMethod { ism, saliency, gradxinput };
AttributionMethod parse_attribution_method(const std::string& name);  // UsageError for others
std::string attribution_method_name(AttributionMethod method);

struct SequenceAttribution {
  float prediction = 0;         // the model's output for the sequence (the chosen target)
  std::vector<float> scores;    // length x 4, position-major, channels A C G T
  std::vector<float> observed;  // per position: the attribution of the base that is there (0 for N)
};

// ism: scores[i][b] = f(sequence with base b at i) - f(sequence); the 3 (4 at an N) mutants of
//      every position and the sequence itself go through the network in one forward pass.
//      observed[i] = minus the mean effect of mutating position i away from its base.
// saliency: scores = d f / d one-hot; observed[i] = the gradient at the observed base.
// gradxinput: scores = gradient x one-hot (non-zero at the observed base only); observed likewise.
// f is the raw network output of `target` (logits for binary tasks).
class Attributor {
 public:
  static Attributor load(const std::filesystem::path& model_dir, const std::string& device = "cpu");
  explicit Attributor(std::shared_ptr<const LoadedModel> model);  // shared with a Predictor, say
  Attributor(Attributor&&) noexcept;
  Attributor& operator=(Attributor&&) noexcept;
  ~Attributor();

  const ModelConfig& config() const;
  // `seqs` are validated, upper-case and of the model's input length.
  std::vector<SequenceAttribution> attribute(const std::vector<std::string>& seqs, AttributionMethod method,
                                             std::size_t target) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dnacnn

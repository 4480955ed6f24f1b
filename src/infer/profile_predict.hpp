// Profile models' per-base predictions and their scores (dnacnn/infer/profile_metrics.hpp).
#pragma once
#include <string>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/infer/profile_metrics.hpp"
#include "models/models.hpp"

namespace dnacnn {

// The mean over `models` of their raw outputs with profiles, (rows, T + T x L) on the CPU: each
// track's log(1 + count), then each track's profile logits. `codes`: (rows, length) base codes.
torch::Tensor predict_with_profiles(const std::vector<SequenceModelImpl*>& models, const torch::Tensor& codes,
                                    const torch::Device& device);

struct ProfileEvaluation {
  std::vector<ProfileScores> per_target;
  std::vector<ProfileExample> examples;  // the `examples` rows with the most counts (first target)
};
// Scores `rows` of `data` (which holds observed profiles) against the models' mean prediction.
ProfileEvaluation evaluate_profiles(const std::vector<SequenceModelImpl*>& models, const SequenceData& data,
                                    const std::vector<std::int64_t>& rows, std::int64_t length,
                                    const torch::Device& device, const std::string& split, int examples);

}  // namespace dnacnn

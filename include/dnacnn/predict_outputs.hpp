// Model outputs as the genome commands report them: probabilities for binary tasks (the networks
// output logits), optionally averaged over both strands.
#pragma once
#include <cstdint>
#include <vector>

#include "dnacnn/predict.hpp"

namespace dnacnn {

// rows x targets, row-major. With `rc_average`, each value is the mean of the prediction for the
// sequence and for its reverse complement.
std::vector<float> predict_outputs(const Predictor& predictor, const SequenceData& data, bool rc_average,
                                   std::int64_t batch_size = 4096);

// True when the model's outputs are logits shown as probabilities (task "binary").
bool reports_probabilities(const ModelConfig& config);

}  // namespace dnacnn

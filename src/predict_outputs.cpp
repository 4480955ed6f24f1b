#include "dnacnn/predict_outputs.hpp"

#include <cmath>

#include "dnacnn/sequence.hpp"

namespace dnacnn {

bool reports_probabilities(const ModelConfig& config) { return config.task == "binary"; }

std::vector<float> predict_outputs(const Predictor& predictor, const SequenceData& data, bool rc_average,
                                   std::int64_t batch_size) {
  const bool probabilities = reports_probabilities(predictor.config());
  const auto finish = [probabilities](std::vector<float> v) {
    if (probabilities)
      for (float& x : v) x = 1.0f / (1.0f + std::exp(-x));
    return v;
  };
  std::vector<float> out = finish(predictor.predict(data, batch_size));
  if (!rc_average) return out;
  SequenceData reverse;
  reverse.source = data.source;
  reverse.lines = data.lines;
  reverse.seqs.reserve(data.seqs.size());
  for (const auto& s : data.seqs) reverse.seqs.push_back(reverse_complement(s));
  const std::vector<float> rc = finish(predictor.predict(reverse, batch_size));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = 0.5f * (out[i] + rc[i]);
  return out;
}

}  // namespace dnacnn

// Using a trained model: predictions for new sequences, and evaluation against known targets.
#pragma once
#include <filesystem>
#include <memory>
#include <vector>

#include "dnacnn/dataset.hpp"
#include "dnacnn/metrics.hpp"
#include "dnacnn/model_store.hpp"

namespace dnacnn {

class Predictor {
 public:
  // Loads <dir>/config.json + weights.safetensors; every shape is checked against the config.
  static Predictor load(const std::filesystem::path& model_dir, const std::string& device = "cpu");
  static Predictor from_stored(const StoredModel& stored, const std::string& source, const std::string& device = "cpu");
  Predictor(Predictor&&) noexcept;
  Predictor& operator=(Predictor&&) noexcept;
  ~Predictor();

  const ModelConfig& config() const;
  // rows x targets, row-major. Sequences must have the model's input length.
  std::vector<float> predict(const SequenceData& data, std::int64_t batch_size = 4096) const;

 private:
  struct Impl;
  explicit Predictor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Predicts `data` (which needs targets) and scores the first target.
RegressionMetrics evaluate(const Predictor& predictor, const SequenceData& data);

}  // namespace dnacnn

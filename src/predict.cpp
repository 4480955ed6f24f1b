#include "dnacnn/predict.hpp"

#include <fmt/format.h>

#include "dnacnn/error.hpp"
#include "dnacnn/models.hpp"
#include "tensors.hpp"

namespace dnacnn {

torch::Tensor predict_in_batches(SequenceModelImpl& model, const torch::Tensor& onehot, std::int64_t batch_size,
                                 const torch::Device& device) {
  c10::InferenceMode inference;
  std::vector<torch::Tensor> parts;
  for (std::int64_t b = 0; b < onehot.size(0); b += batch_size) {
    const std::int64_t len = std::min(batch_size, onehot.size(0) - b);
    parts.push_back(model.forward(onehot.narrow(0, b, len).to(device)).to(torch::kCPU));
  }
  return parts.size() == 1 ? parts.front() : torch::cat(parts);
}

struct Predictor::Impl {
  ModelConfig config;
  SequenceModel model;
  torch::Device device{torch::kCPU};
};

Predictor::Predictor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Predictor::Predictor(Predictor&&) noexcept = default;
Predictor& Predictor::operator=(Predictor&&) noexcept = default;
Predictor::~Predictor() = default;

Predictor Predictor::from_stored(const StoredModel& stored, const std::string& source, const std::string& device) {
  auto impl = std::make_unique<Impl>();
  impl->config = stored.config;
  impl->device = parse_device(device);
  impl->model = build_model(stored.config);
  import_weights(*impl->model, stored.weights, source);
  impl->model->to(impl->device);
  impl->model->eval();
  return Predictor(std::move(impl));
}

Predictor Predictor::load(const std::filesystem::path& model_dir, const std::string& device) {
  return from_stored(load_model(model_dir), (model_dir / "weights.safetensors").string(), device);
}

const ModelConfig& Predictor::config() const { return impl_->config; }

std::vector<float> predict_sequences(SequenceModelImpl& model, const SequenceData& data, std::int64_t length,
                                     std::int64_t batch_size, const torch::Device& device) {
  std::vector<float> out;
  // Encode chunk by chunk so memory stays bounded by the batch, not the input.
  std::vector<std::int64_t> rows;
  for (std::int64_t start = 0; start < data.size(); start += batch_size) {
    rows.clear();
    for (std::int64_t r = start; r < std::min(start + batch_size, data.size()); ++r) rows.push_back(r);
    const torch::Tensor x = onehot_tensor(encode_sequences(data, length, rows));
    const std::vector<float> part = to_vector(predict_in_batches(model, x, batch_size, device));
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

std::vector<float> Predictor::predict(const SequenceData& data, std::int64_t batch_size) const {
  return predict_sequences(*impl_->model, data, impl_->config.length, batch_size, impl_->device);
}

RegressionMetrics evaluate(const Predictor& predictor, const SequenceData& data) {
  if (!data.has_targets()) throw Error("evaluation needs a target column", {data.source});
  const std::vector<float> pred = predictor.predict(data);
  const std::size_t targets = predictor.config().targets.size();
  std::vector<float> first(static_cast<std::size_t>(data.size()));
  for (std::size_t i = 0; i < first.size(); ++i) first[i] = pred[i * targets];
  return regression_metrics(data.targets, first);
}

}  // namespace dnacnn

// The LibTorch module of a model spec; see spec_model.cpp.
#pragma once
#include "dnacnn/models/model_spec.hpp"
#include "models/models.hpp"

namespace dnacnn {

// A list of layers: the model's own, a residual block's or a concat branch's.
class SpecBlockImpl : public torch::nn::Module {
 public:
  // `rows`: the model's BatchRows, which dropout layers key their masks by.
  SpecBlockImpl(const std::vector<LayerSpec>& layers, TensorShape in, std::int64_t targets,
                const std::optional<BatchRows>* rows);
  // Layers [first, end) applied to h.
  torch::Tensor forward_from(torch::Tensor h, std::size_t first);
  torch::nn::Module& child(std::size_t i) { return *modules_[i]; }

 private:
  std::shared_ptr<torch::nn::Module> make_layer(const LayerSpec& l, const TensorShape& in, std::int64_t targets);
  torch::Tensor layer_forward(std::size_t i, const torch::Tensor& h);

  std::vector<LayerSpec> layers_;
  std::vector<std::shared_ptr<torch::nn::Module>> modules_;  // null for layers without parameters
  const std::optional<BatchRows>* rows_;
};

struct SpecModelImpl : SequenceModelImpl {
  explicit SpecModelImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& input) override;

 private:
  std::shared_ptr<SpecBlockImpl> block_;
  std::size_t fused_input_layers_ = 0;  // layers the input layer computes in one kernel
  std::int64_t input_pool_ = 1;
};

}  // namespace dnacnn

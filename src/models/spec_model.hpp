// The LibTorch module of a model spec; see spec_model.cpp.
#pragma once
#include "dnacnn/models/model_spec.hpp"
#include "models/models.hpp"

namespace dnacnn {

// A list of layers: the model's own, a residual block's or a concat branch's.
class SpecBlockImpl : public torch::nn::Module {
 public:
  // `model`: its batch_rows key dropout masks, its emit_profiles what a profile head returns.
  SpecBlockImpl(const std::vector<LayerSpec>& layers, TensorShape in, std::int64_t targets,
                const SequenceModelImpl* model);
  // Layers [first, end) applied to h.
  torch::Tensor forward_from(torch::Tensor h, std::size_t first);
  torch::nn::Module& child(std::size_t i) { return *modules_[i]; }

 private:
  std::shared_ptr<torch::nn::Module> make_layer(const LayerSpec& l, const TensorShape& in, std::int64_t targets);
  torch::Tensor layer_forward(std::size_t i, const torch::Tensor& h);
  torch::Tensor profile_head(const LayerSpec& l, torch::nn::Module& head, const torch::Tensor& h) const;
  torch::Tensor tiled_profile_head(const LayerSpec& l, torch::nn::Module& head, const torch::Tensor& h,
                                   std::int64_t tiles) const;

  std::vector<LayerSpec> layers_;
  std::vector<std::shared_ptr<torch::nn::Module>> modules_;  // null for layers without parameters
  const SequenceModelImpl* model_;
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

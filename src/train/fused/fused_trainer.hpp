// Whole training steps for the notebook's small models, written as plain loops over base codes.
// For a 609-parameter CNN, LibTorch's per-op dispatch and autograd bookkeeping cost far more than
// the arithmetic; doing forward, backward and the optimiser update in one pass removes them.
// The generic LibTorch path remains for GPUs and every other architecture; tests check this one
// against it (values and gradients).
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dnacnn/data/encode.hpp"
#include "dnacnn/io/safetensors.hpp"
#include "train/fused/cnn_kernels.hpp"
#include "dnacnn/models/model_config.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {

// `codes` followed by each row's reverse complement (N stays N): 2 x rows rows.
BaseCodes with_reverse_complements(const BaseCodes& codes);

class FusedTrainer {
 public:
  // For an architecture with fused kernels (has_fused_kernels: the registry's FusedLayout names
  // its parameters). Takes its working copy of the parameters from `model`.
  FusedTrainer(const ModelConfig& config, Optimizer optimizer, double lr, torch::nn::Module& model,
               FusedLoss loss = {});

  // One optimiser step on the batch of rows `rows[0..batch)` of codes (rows x length) and
  // targets (rows x n_targets). Returns the batch's summed loss (over rows and targets) before the update.
  double step(const std::uint8_t* codes, const float* targets, const std::int64_t* rows, std::int64_t batch);

  // The gradients of the loss of a batch at the current parameters, in the
  // torch parameters' own layouts and names (for tests against autograd).
  std::vector<std::pair<std::string, std::vector<float>>> gradients(const std::uint8_t* codes, const float* targets,
                                                                    std::int64_t batch);

  // Summed loss (squared error or cross-entropy) of `rows` rows at the current parameters; with
  // `outputs`, the raw outputs land there too (rows x n_targets).
  double sum_loss(const std::uint8_t* codes, const float* targets, std::int64_t rows, float* outputs = nullptr);
  void predict_one(const std::uint8_t* code, float* out);
  void predict_rows(const std::uint8_t* codes, std::int64_t rows, float* out);  // rows x n_targets

  // Copies the working parameters back into the module's tensors, and the other way.
  void write_back(torch::nn::Module& model) const;
  void read_from(torch::nn::Module& model);
  void set_lr(double lr) { lr_ = lr; }

  // For checkpoints: the Adam moments ("<param>.m", "<param>.v", working layouts; none for SGD)
  // and the step count. The parameters themselves travel through the module (write_back).
  std::vector<io::NamedTensor> optimizer_state() const;
  long steps() const { return steps_; }
  void restore_optimizer_state(const std::vector<io::NamedTensor>& state, long steps, const std::string& source);

 private:
  // How a parameter is laid out here: as torch has it, or filter-innermost (see params_).
  enum class Layout { as_torch, conv, dense };
  struct Param {
    std::string name;
    Layout layout = Layout::as_torch;
    std::vector<float> value, grad, m, v;  // m, v: Adam moments
  };
  void accumulate_gradients(const std::uint8_t* codes, const float* targets, const std::int64_t* rows,
                            std::int64_t batch, double& sse);
  void linear_sample(const std::uint8_t* code, const float* target, float scale, double& sse);
  void linear_predict(const std::uint8_t* code, float* out) const;
  void update();
  CnnArrays arrays();
  std::vector<float> torch_layout(const Param& p) const;
  void from_torch_layout(Param& p, const float* src) const;

  bool cnn_;
  bool adam_;
  FusedLoss loss_;
  double lr_;
  std::int64_t length_, targets_, filters_ = 0, kernel_ = 0, positions_ = 0;
  long steps_ = 0;
  // cnn: conv weight as [j][c][f], conv bias [f], linear weight as [t][p][f], linear bias [t].
  // linear: weight [t][p*4+c], bias [t]. Filter-innermost layouts keep the inner loops contiguous.
  std::vector<Param> params_;
  std::vector<float> z_, dz_;  // per-sample scratch: positions x filters
};

}  // namespace dnacnn

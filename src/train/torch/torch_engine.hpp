// The LibTorch engine behind the Engine interface: autograd and torch::optim on any architecture
// and device, each batch shared serially, between threads (--threads N, --threading batch) or
// between ranks (--distributed) through one GradientSharing.
#pragma once
#include <torch/torch.h>

#include <memory>

#include "models/models.hpp"
#include "train/engine.hpp"
#include "train/torch/gradient_sharing.hpp"

namespace dnacnn {

class TorchEngine final : public Engine {
 public:
  TorchEngine(const TrainSetup& setup, SequenceModelImpl& model, const torch::Device& device, Communicator* comm);
  EngineKind kind() const override { return EngineKind::torch; }
  void begin_epoch(int epoch, const std::vector<std::int64_t>& order, const std::vector<bool>& flip,
                   double loss_sum) override;
  int step(std::int64_t begin, std::int64_t rows) override;
  double loss_sum() const override { return loss_sum_; }
  double epoch_loss() const override { return loss_sum_ / static_cast<double>(setup_.train_rows()); }
  void set_learning_rate(double lr) override;
  Validation validate() override;
  std::vector<float> predict_all() override;
  void save_optimizer(TrainCheckpoint& state) override;
  void restore_optimizer(const TrainCheckpoint& state, const std::string& source) override;
  void sync_model() override {}
  void reload_model() override {}

 private:
  void set_emit_profiles(bool on);  // on the model and every replica
  struct Rows {
    torch::Tensor x, y;  // codes (rows, length) and targets (rows, targets) on the device
  };
  const TrainSetup& setup_;
  SequenceModelImpl& model_;
  torch::Device device_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<GradientSharing> sharing_;
  LossFn loss_;
  torch::Tensor train_targets_;  // (train rows, targets) on the device
  Rows val_, epoch_;             // epoch_: this epoch's order, flipped where asked
  int epoch_number_ = 0;
  double loss_sum_ = 0;  // mean loss times rows, summed over the batches
};

}  // namespace dnacnn

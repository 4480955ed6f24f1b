// The fused CPU engine behind the Engine interface: FusedTrainer's whole-step kernels on base
// codes (train rows, then with --rc-augment their reverse complements as rows n..2n-1).
#pragma once
#include <cstdint>
#include <vector>

#include "train/engine.hpp"
#include "train/fused/fused_trainer.hpp"

namespace dnacnn {

struct SequenceModelImpl;

class FusedEngine final : public Engine {
 public:
  FusedEngine(const TrainSetup& setup, SequenceModelImpl& model);
  EngineKind kind() const override { return EngineKind::fused; }
  void begin_epoch(int epoch, const std::vector<std::int64_t>& order, const std::vector<bool>& flip,
                   double loss_sum) override;
  int step(std::int64_t begin, std::int64_t rows) override;
  double loss_sum() const override { return loss_sum_; }
  double epoch_loss() const override;
  void set_learning_rate(double lr) override { trainer_.set_lr(lr); }
  Validation validate() override;
  std::vector<float> predict_all() override;
  void save_optimizer(TrainCheckpoint& state) override;
  void restore_optimizer(const TrainCheckpoint& state, const std::string& source) override;
  void sync_model() override;
  void reload_model() override;

 private:
  const TrainSetup& setup_;
  SequenceModelImpl& model_;
  FusedTrainer trainer_;
  const TrainingRows& train_rows() const;  // the setup's, or with --rc-augment rc_rows_
  TrainingRows rc_rows_;                    // --rc-augment: the training rows, then their reverse complements
  std::vector<std::int64_t> rows_;  // this epoch's order, flipped rows pointing at their reverse complement
  double loss_sum_ = 0;             // summed over rows and targets
};

}  // namespace dnacnn

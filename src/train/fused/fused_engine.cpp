#include "train/fused/fused_engine.hpp"

#include <limits>

#include "dnacnn/core/interrupt.hpp"
#include "models/models.hpp"

namespace dnacnn {
namespace {

std::vector<float> gathered_targets(const SequenceData& data, const std::vector<std::int64_t>& rows) {
  std::vector<float> out;
  out.reserve(rows.size() * data.n_targets());
  for (auto r : rows)
    for (std::size_t t = 0; t < data.n_targets(); ++t) out.push_back(data.target(static_cast<std::size_t>(r), t));
  return out;
}

}  // namespace

FusedEngine::FusedEngine(const TrainSetup& setup, SequenceModelImpl& model)
    : setup_(setup),
      model_(model),
      trainer_(setup.config, setup.options.optimizer, setup.options.lr, model,
               FusedLoss{setup.options.task == Task::binary, static_cast<float>(setup.options.pos_weight)}),
      train_codes_(base_codes(setup.data.seqs, setup.split.train)),
      val_codes_(base_codes(setup.data.seqs, setup.split.val)),
      train_targets_(gathered_targets(setup.data, setup.split.train)),
      val_targets_(gathered_targets(setup.data, setup.split.val)) {
  if (setup.options.rc_augment) {  // rows n..2n-1: the reverse complements, with the same targets
    train_codes_ = with_reverse_complements(train_codes_, setup.length);
    train_targets_.insert(train_targets_.end(), train_targets_.begin(), train_targets_.end());
  }
}

void FusedEngine::begin_epoch(int, const std::vector<std::int64_t>& order, const std::vector<bool>& flip,
                              double loss_sum) {
  const std::int64_t n = setup_.train_rows();
  rows_ = order;
  for (std::size_t i = 0; i < rows_.size(); ++i) rows_[i] += flip[i] ? n : 0;
  loss_sum_ = loss_sum;
}

int FusedEngine::step(std::int64_t begin, std::int64_t rows) {
  loss_sum_ += trainer_.step(train_codes_.data(), train_targets_.data(), rows_.data() + begin, rows);
  return interrupt_requested();
}

double FusedEngine::epoch_loss() const {
  // Per row like the torch engine's mean loss: first the mean over targets, then over rows.
  const double per_target = loss_sum_ / static_cast<double>(setup_.n_targets);
  return per_target / static_cast<double>(setup_.train_rows());
}

double FusedEngine::validation_loss() {
  const auto n_val = static_cast<std::int64_t>(setup_.split.val.size());
  if (n_val == 0) return std::numeric_limits<double>::quiet_NaN();
  return trainer_.sum_loss(val_codes_.data(), val_targets_.data(), n_val) /
         static_cast<double>(n_val * setup_.n_targets);
}

std::vector<float> FusedEngine::predict_all() {
  // The LibTorch model predicts, as for the LibTorch engine: one predictor for every run.
  sync_model();
  model_.eval();
  model_.batch_rows.reset();
  return predict_sequences(model_, setup_.data, setup_.length, kPredictChunkRows, torch::kCPU);
}

void FusedEngine::save_optimizer(TrainCheckpoint& state) {
  state.optimizer = trainer_.optimizer_state();
  state.optimizer_steps = trainer_.steps();
}

void FusedEngine::restore_optimizer(const TrainCheckpoint& state, const std::string& source) {
  trainer_.restore_optimizer_state(state.optimizer, state.optimizer_steps, source);
}

void FusedEngine::sync_model() { trainer_.write_back(model_); }

}  // namespace dnacnn

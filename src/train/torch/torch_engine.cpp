#include "train/torch/torch_engine.hpp"

#include "dnacnn/data/encode.hpp"
#include "models/tensors.hpp"
#include "train/train_state.hpp"

namespace dnacnn {
namespace {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(Optimizer kind, SequenceModelImpl& model, double lr) {
  if (kind == Optimizer::adam)
    return std::make_unique<torch::optim::Adam>(model.parameters(), torch::optim::AdamOptions(lr));
  return std::make_unique<torch::optim::SGD>(model.parameters(), torch::optim::SGDOptions(lr));
}

// The training loss, a mean over every output: MSE, or BCE on logits for binary tasks.
LossFn loss_for(const TrainOptions& o) {
  if (o.task != Task::binary) return [](const torch::Tensor& out, const torch::Tensor& y) { return torch::mse_loss(out, y); };
  const double pos_weight = o.pos_weight;
  return [pos_weight](const torch::Tensor& out, const torch::Tensor& y) {
    namespace F = torch::nn::functional;
    return F::binary_cross_entropy_with_logits(
        out, y, F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(torch::full({1}, pos_weight, out.options())));
  };
}

std::unique_ptr<GradientSharing> sharing_for(const TrainSetup& s, SequenceModelImpl& model, const torch::Device& device,
                                             Communicator* comm) {
  if (comm) return rank_sharing(model, *comm, device);
  // Several CPU threads share each batch rather than each operation (see thread_team.hpp).
  if (device.is_cpu() && s.options.threads > 1 && s.options.threading == Threading::batch)
    return thread_sharing(model, s.config, s.options.threads);
  return serial_sharing(model, device);
}

}  // namespace

TorchEngine::TorchEngine(const TrainSetup& setup, SequenceModelImpl& model, const torch::Device& device,
                         Communicator* comm)
    : setup_(setup),
      model_(model),
      device_(device),
      optimizer_(make_optimizer(setup.options.optimizer, model, setup.options.lr)),
      sharing_(sharing_for(setup, model, device, comm)),
      loss_(loss_for(setup.options)) {
  const auto rows_of = [&](const std::vector<std::int64_t>& rows) -> Rows {
    if (rows.empty()) return {};
    return {onehot_tensor(encode_sequences(setup.data, setup.length, rows)).to(device),
            targets_tensor(setup.data, rows).to(device)};
  };
  train_ = rows_of(setup.split.train);
  val_ = rows_of(setup.split.val);
}

void TorchEngine::begin_epoch(int epoch, const std::vector<std::int64_t>& order, const std::vector<bool>& flip,
                              double loss_sum) {
  model_.train();
  epoch_number_ = epoch;
  loss_sum_ = loss_sum;
  // One gather per epoch, then contiguous slices: no per-sample work in the loop.
  const torch::Tensor idx = torch::tensor(order, torch::kLong).to(device_);
  epoch_.x = train_.x.index_select(0, idx);
  epoch_.y = train_.y.index_select(0, idx);
  if (setup_.options.rc_augment) {  // reverse complement of one-hot ACGT: reverse positions and channels
    std::vector<std::uint8_t> f(flip.begin(), flip.end());
    const auto n = static_cast<std::int64_t>(f.size());
    const torch::Tensor mask = torch::from_blob(f.data(), {n, 1, 1}, torch::kUInt8).to(device_, torch::kBool);
    epoch_.x = torch::where(mask, epoch_.x.flip({1, 2}), epoch_.x);
  }
}

int TorchEngine::step(std::int64_t begin, std::int64_t rows) {
  const BatchRows key{batch_rows_seed(setup_.options.seed, epoch_number_, begin), 0};
  const StepTotals t = sharded_step(*sharing_, *optimizer_, epoch_.x.narrow(0, begin, rows),
                                    epoch_.y.narrow(0, begin, rows), loss_, key);
  loss_sum_ += t.loss_sum;
  return t.signal;
}

double TorchEngine::validation_loss() {
  model_.eval();
  return sharing_->mean_loss(val_.x, val_.y, loss_);
}

std::vector<float> TorchEngine::predict_all() {
  model_.eval();
  model_.batch_rows.reset();
  return sharing_->predict_all(setup_.data, setup_.length);
}

void TorchEngine::save_optimizer(TrainCheckpoint& state) {
  state.optimizer = optimizer_state(*optimizer_, model_, state.optimizer_steps);
}

void TorchEngine::restore_optimizer(const TrainCheckpoint& state, const std::string& source) {
  restore_optimizer_state(*optimizer_, model_, state.optimizer, state.optimizer_steps, source);
}

}  // namespace dnacnn

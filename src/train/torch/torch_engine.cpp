#include "train/torch/torch_engine.hpp"

#include <algorithm>
#include <limits>

#include "dnacnn/core/interrupt.hpp"
#include "dnacnn/data/encode.hpp"
#include "dnacnn/models/model_spec.hpp"
#include "dnacnn/data/shard.hpp"  // share_of, kPredictBlockRows
#include "models/tensors.hpp"
#include "train/torch/gradient_sharing.hpp"
#include "train/torch/thread_team.hpp"
#include "train/train_state.hpp"

namespace dnacnn {
namespace {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainOptions& o, SequenceModelImpl& model) {
  const double decay = o.effective_weight_decay();
  if (o.optimizer == Optimizer::adamw)
    return std::make_unique<torch::optim::AdamW>(model.parameters(), torch::optim::AdamWOptions(o.lr).weight_decay(decay));
  if (o.optimizer == Optimizer::adam)
    return std::make_unique<torch::optim::Adam>(model.parameters(), torch::optim::AdamOptions(o.lr).weight_decay(decay));
  return std::make_unique<torch::optim::SGD>(model.parameters(), torch::optim::SGDOptions(o.lr).weight_decay(decay));
}

// A profile model's loss on outputs and targets (N, T + T x L): counts first, then profiles.
// bpnet-lite's: the multinomial negative log-likelihood of each track's observed counts under the
// profile's softmax (its factorial terms included, so the value is the likelihood's), averaged over
// rows and tracks, plus λ times the MSE of the log counts.
LossFn profile_loss(std::int64_t tracks, double count_weight) {
  return [tracks, count_weight](const torch::Tensor& out, const torch::Tensor& y) {
    const std::int64_t n = out.size(0);
    const torch::Tensor logits = out.narrow(1, tracks, out.size(1) - tracks).reshape({n, tracks, -1});
    const torch::Tensor observed = y.narrow(1, tracks, y.size(1) - tracks).reshape({n, tracks, -1});
    const torch::Tensor log_p = torch::log_softmax(logits, 2);
    const torch::Tensor nll = -torch::lgamma(observed.sum(2) + 1) + torch::lgamma(observed + 1).sum(2) -
                              (observed * log_p).sum(2);
    return nll.mean() + count_weight * torch::mse_loss(out.narrow(1, 0, tracks), y.narrow(1, 0, tracks));
  };
}

// The training loss, a mean over every output: MSE, Poisson on log rates, a profile model's, or
// BCE on logits for binary tasks.
LossFn loss_for(const TrainSetup& s) {
  const TrainOptions& o = s.options;
  namespace F = torch::nn::functional;
  if (o.task != Task::binary) {
    if (o.loss == Loss::multinomial) return profile_loss(s.n_targets, s.count_weight);
    if (o.loss == Loss::poisson)
      return [](const torch::Tensor& out, const torch::Tensor& y) {
        return F::poisson_nll_loss(out, y, F::PoissonNLLLossFuncOptions().log_input(true));
      };
    return [](const torch::Tensor& out, const torch::Tensor& y) { return torch::mse_loss(out, y); };
  }
  const double pos_weight = o.pos_weight;
  return [pos_weight](const torch::Tensor& out, const torch::Tensor& y) {
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

// (rows, targets) float32 of a set's targets; a profile model's: (rows, targets + targets x length).
torch::Tensor targets_of(const TrainingRows& rows) {
  const std::int64_t n_targets = rows.rows() > 0 ? static_cast<std::int64_t>(rows.targets.size()) / rows.rows() : 0;
  const torch::Tensor targets = torch::tensor(rows.targets, torch::kFloat32).view({rows.rows(), n_targets});
  if (rows.profiles.empty()) return targets;
  return torch::cat({targets, torch::tensor(rows.profiles, torch::kFloat32).view({rows.rows(), -1})}, 1);
}

// The index of each target's other strand ("sig+" <-> "sig-"), itself for unstranded ones: a
// reverse-complemented window reads the other strand's profile backwards.
std::vector<std::int64_t> strand_partners(const std::vector<std::string>& names) {
  std::vector<std::int64_t> partner;
  for (std::size_t i = 0; i < names.size(); ++i) {
    partner.push_back(static_cast<std::int64_t>(i));
    const std::string& n = names[i];
    if (n.empty() || (n.back() != '+' && n.back() != '-')) continue;
    const std::string other = n.substr(0, n.size() - 1) + (n.back() == '+' ? '-' : '+');
    for (std::size_t j = 0; j < names.size(); ++j)
      if (names[j] == other) partner.back() = static_cast<std::int64_t>(j);
  }
  return partner;
}

// Profile targets of reverse-complemented rows: strands swapped, positions reversed.
torch::Tensor reverse_complement_profiles(const torch::Tensor& y, std::int64_t tracks, const std::vector<std::string>& names) {
  const torch::Tensor partner = torch::tensor(strand_partners(names), torch::kLong).to(y.device());
  const torch::Tensor counts = y.narrow(1, 0, tracks).index_select(1, partner);
  const torch::Tensor profiles = y.narrow(1, tracks, y.size(1) - tracks).reshape({y.size(0), tracks, -1});
  return torch::cat({counts, profiles.index_select(1, partner).flip({2}).reshape({y.size(0), -1})}, 1);
}

}  // namespace

TorchEngine::TorchEngine(const TrainSetup& setup, SequenceModelImpl& model, const torch::Device& device,
                         Communicator* comm)
    : setup_(setup),
      model_(model),
      device_(device),
      optimizer_(make_optimizer(setup.options, model)),
      sharing_(sharing_for(setup, model, device, comm)),
      loss_(loss_for(setup)) {
  if (setup.config.profile_length() > 0) set_emit_profiles(true);
  if (setup.val.rows() > 0) val_ = {codes_tensor(setup.val.codes).to(device), targets_of(setup.val).to(device)};
  train_targets_ = targets_of(setup.train).to(device);
}

void TorchEngine::begin_epoch(int epoch, const std::vector<std::int64_t>& order, const std::vector<bool>& flip,
                              double loss_sum) {
  model_.train();
  epoch_number_ = epoch;
  loss_sum_ = loss_sum;
  // One gather per epoch, then contiguous slices: no per-sample work in the loop.
  const BaseCodes& train = setup_.train.codes;
  BaseCodes codes{static_cast<std::int64_t>(order.size()), train.length, {}};
  codes.codes.resize(static_cast<std::size_t>(codes.rows * codes.length));
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::span<const std::uint8_t> from = train.row(order[i]);
    std::copy(from.begin(), from.end(), codes.row(static_cast<std::int64_t>(i)).begin());
    if (flip[i]) reverse_complement_codes(codes.row(static_cast<std::int64_t>(i)));
  }
  epoch_.x = codes_tensor(std::move(codes)).to(device_);
  epoch_.y = train_targets_.index_select(0, torch::tensor(order, torch::kLong).to(device_));
  if (!setup_.train.profiles.empty() && std::find(flip.begin(), flip.end(), true) != flip.end()) {
    std::vector<std::uint8_t> flipped(flip.begin(), flip.end());
    const torch::Tensor mask = torch::tensor(flipped, torch::kBool).to(device_).unsqueeze(1);
    epoch_.y = torch::where(mask, reverse_complement_profiles(epoch_.y, setup_.n_targets, setup_.config.targets), epoch_.y);
  }
}

void TorchEngine::set_emit_profiles(bool on) {
  sharing_->for_each_share([on](int, SequenceModelImpl& m) { m.emit_profiles = on; });
  model_.emit_profiles = on;
}

int TorchEngine::step(std::int64_t begin, std::int64_t rows) {
  const BatchRows key{batch_rows_seed(setup_.options.seed, epoch_number_, begin), 0};
  const StepTotals t = sharded_step(*sharing_, *optimizer_, epoch_.x.narrow(0, begin, rows),
                                    epoch_.y.narrow(0, begin, rows), loss_, key, setup_.options.clip_grad_norm);
  loss_sum_ += t.loss_sum;
  return t.signal;
}

void TorchEngine::set_learning_rate(double lr) {
  for (torch::optim::OptimizerParamGroup& group : optimizer_->param_groups()) group.options().set_lr(lr);
}

Engine::Validation TorchEngine::validate() {
  model_.eval();
  const GradientSharing::Validation v = sharing_->validate(val_.x, val_.y, loss_);
  if (!v.outputs.defined()) return {v.mean_loss, {}};
  // A profile model's counts are its targets; the profiles are scored after training.
  return {v.mean_loss, to_vector(v.outputs.narrow(1, 0, setup_.n_targets).contiguous())};
}

std::vector<float> TorchEngine::predict_all() {
  model_.eval();
  model_.batch_rows.reset();
  const bool profiles = model_.emit_profiles;
  set_emit_profiles(false);
  std::vector<float> out = sharing_->predict_all(setup_.data, setup_.config.length);
  set_emit_profiles(profiles);
  return out;
}

void TorchEngine::save_optimizer(TrainCheckpoint& state) {
  state.optimizer = optimizer_state(*optimizer_, model_, state.optimizer_steps);
}

void TorchEngine::restore_optimizer(const TrainCheckpoint& state, const std::string& source) {
  restore_optimizer_state(*optimizer_, model_, state.optimizer, state.optimizer_steps, source);
}

// --- sharing a batch: sharded_step, serial and thread sharing (gradient_sharing.hpp)
StepTotals sharded_step(GradientSharing& sharing, torch::optim::Optimizer& optimizer, const torch::Tensor& x,
                        const torch::Tensor& y, const LossFn& loss, const BatchRows& rows, double clip_norm) {
  const std::int64_t len = x.size(0);
  std::vector<double> sums(static_cast<std::size_t>(sharing.local()), 0.0);
  sharing.for_each_share([&](int i, SequenceModelImpl& model) {
    for (const torch::Tensor& p : model.parameters())
      if (p.grad().defined()) p.mutable_grad().zero_();
    const Range mine = share_of(len, sharing.first() + i, sharing.count());
    model.batch_rows = BatchRows{rows.seed, rows.first + mine.begin};
    if (mine.size() == 0) return;
    const torch::Tensor l =
        loss(model.forward(x.narrow(0, mine.begin, mine.size())), y.narrow(0, mine.begin, mine.size()));
    // Weighted by its part of the batch: the shares' gradients then sum to the batch mean's.
    (l * (static_cast<double>(mine.size()) / static_cast<double>(len))).backward();
    sums[static_cast<std::size_t>(i)] = l.item<double>() * static_cast<double>(mine.size());
  });
  double local_sum = 0;
  for (double s : sums) local_sum += s;
  StepTotals totals;
  totals.signal = interrupt_requested();
  totals.loss_sum = sharing.reduce(local_sum, totals.signal);
  if (clip_norm > 0) {  // the whole batch's gradient: after the shares are summed
    std::vector<torch::Tensor> params;
    for (const auto& group : optimizer.param_groups())
      for (const torch::Tensor& p : group.params()) params.push_back(p);
    torch::nn::utils::clip_grad_norm_(params, clip_norm);
  }
  optimizer.step();
  return totals;
}

namespace {

// Sharing within this process: losses and predictions need no exchange.
class LocalSharing : public GradientSharing {
 public:
  Validation validate(const torch::Tensor& x, const torch::Tensor& y, const LossFn& loss) override {
    if (!x.defined() || x.size(0) == 0) return {std::numeric_limits<double>::quiet_NaN(), {}};
    const torch::Tensor outputs = predict(x);
    return {loss(outputs, y.to(torch::kCPU)).item<double>(), outputs};
  }
  std::vector<float> predict_all(const SequenceData& data, std::int64_t length) override {
    return predict_in_chunks(data, length, kPredictChunkRows, [&](const torch::Tensor& x) { return predict(x); });
  }

 protected:
  virtual torch::Tensor predict(const torch::Tensor& codes) = 0;  // (rows, targets) on the CPU
};

class SerialSharing final : public LocalSharing {
 public:
  SerialSharing(SequenceModelImpl& model, const torch::Device& device) : model_(model), device_(device) {}
  int count() const override { return 1; }
  void for_each_share(const std::function<void(int, SequenceModelImpl&)>& task) override { task(0, model_); }
  double reduce(double loss_sum, int&) override { return loss_sum; }

 private:
  torch::Tensor predict(const torch::Tensor& codes) override {
    return predict_in_batches(model_, codes, kPredictChunkRows, device_);
  }
  SequenceModelImpl& model_;
  torch::Device device_;
};

class ThreadSharing final : public LocalSharing {
 public:
  ThreadSharing(SequenceModelImpl& model, const ModelConfig& config, int threads) : team_(model, config, threads) {}
  int count() const override { return team_.size(); }
  void for_each_share(const std::function<void(int, SequenceModelImpl&)>& task) override {
    team_.run([&](int i) { task(i, team_.replica(i)); });
  }
  // The replicas' gradients added into the model's (replica 0) in a fixed order.
  double reduce(double loss_sum, int&) override {
    const std::vector<torch::Tensor>& total = team_.parameters(0);
    for (int i = 1; i < team_.size(); ++i)
      for (std::size_t k = 0; k < total.size(); ++k) {
        const torch::Tensor& g = team_.parameters(i)[k].grad();
        if (!g.defined()) continue;
        if (total[k].grad().defined())
          total[k].mutable_grad().add_(g);
        else
          total[k].mutable_grad() = g.clone();
      }
    return loss_sum;
  }

 private:
  // Whole forward blocks, block b on thread b % size: each row is predicted among the rows one
  // thread would predict it with, so the values do not depend on the thread count.
  torch::Tensor predict(const torch::Tensor& codes) override {
    const std::int64_t rows = codes.size(0), blocks = (rows + kPredictBlockRows - 1) / kPredictBlockRows;
    std::vector<torch::Tensor> parts(static_cast<std::size_t>(blocks));
    team_.run([&](int i) {
      for (std::int64_t b = i; b < blocks; b += team_.size()) {
        const std::int64_t first = b * kPredictBlockRows, len = std::min(kPredictBlockRows, rows - first);
        parts[static_cast<std::size_t>(b)] =
            predict_in_batches(team_.replica(i), codes.narrow(0, first, len), kPredictBlockRows, torch::kCPU);
      }
    });
    return parts.empty() ? torch::empty({0, 0}) : torch::cat(parts);
  }
  ThreadTeam team_;
};

}  // namespace

std::unique_ptr<GradientSharing> serial_sharing(SequenceModelImpl& model, const torch::Device& device) {
  return std::make_unique<SerialSharing>(model, device);
}

std::unique_ptr<GradientSharing> thread_sharing(SequenceModelImpl& model, const ModelConfig& config, int threads) {
  return std::make_unique<ThreadSharing>(model, config, threads);
}

}  // namespace dnacnn

#include "train/fused/fused_trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "dnacnn/core/error.hpp"
#include "dnacnn/core/interrupt.hpp"
#include "dnacnn/data/encode.hpp"
#include "models/models.hpp"
#include "train/fused/adam_kernel.hpp"
#include "train/fused/cnn_kernels.hpp"
#include "train/fused/fused_engine.hpp"

namespace dnacnn {

BaseCodes with_reverse_complements(const BaseCodes& codes) {
  BaseCodes out = codes;
  out.rows = 2 * codes.rows;
  out.codes.insert(out.codes.end(), codes.codes.begin(), codes.codes.end());
  for (std::int64_t r = codes.rows; r < out.rows; ++r) reverse_complement_codes(out.row(r));
  return out;
}

// By value: named_parameters() returns a temporary dict, so a reference into it would dangle
// (AddressSanitizer's heap-use-after-free in `make sanitize`).
static torch::Tensor parameter(torch::nn::Module& model, const std::string& name) {
  for (const auto& item : model.named_parameters(true))
    if (item.key() == name) return item.value();
  throw Error("fused trainer: model has no parameter '" + name + "'");
}

FusedTrainer::FusedTrainer(const ModelConfig& config, Optimizer optimizer, double lr, torch::nn::Module& model,
                           FusedLoss loss)
    : cnn_(fused_layout(config).kernels == FusedLayout::Kernels::cnn),
      adam_(optimizer == Optimizer::adam),
      loss_(loss),
      lr_(lr),
      length_(config.length),
      targets_(static_cast<std::int64_t>(config.targets.size())) {
  const std::vector<std::string> names = fused_layout(config).parameters;
  // choose_engine refuses users' runs with its message; reaching this is a caller's mistake.
  if (names.empty())
    throw Error("fused trainer: architecture '" + config.arch + "' has no fused kernels");
  if (cnn_) {
    const auto w = parameter(model, names[0]).sizes();
    filters_ = w[0];
    kernel_ = w[2];
    positions_ = length_ - kernel_ + 1;
    z_.resize(static_cast<std::size_t>(2 * positions_ * filters_));  // two samples' (cnn_batch_kernel)
    dz_.resize(static_cast<std::size_t>(positions_ * filters_));
  }
  for (const auto& name : names) {
    const torch::Tensor t = parameter(model, name).detach().contiguous();
    Param p;
    p.name = name;
    if (cnn_ && name == names[0]) p.layout = Layout::conv;
    if (cnn_ && name == names[2]) p.layout = Layout::dense;
    p.value.resize(static_cast<std::size_t>(t.numel()));
    from_torch_layout(p, t.data_ptr<float>());
    p.grad.assign(p.value.size(), 0.0f);
    if (adam_) {
      p.m.assign(p.value.size(), 0.0f);
      p.v.assign(p.value.size(), 0.0f);
    }
    params_.push_back(std::move(p));
  }
}

// Index of torch's element i in the working layout (only the two cnn weights differ).
void FusedTrainer::from_torch_layout(Param& p, const float* src) const {
  const auto F = filters_, P = positions_, K = kernel_;
  if (p.layout == Layout::conv) {
    for (std::int64_t f = 0; f < F; ++f)
      for (std::int64_t c = 0; c < 4; ++c)
        for (std::int64_t j = 0; j < K; ++j) p.value[static_cast<std::size_t>((j * 4 + c) * F + f)] = src[(f * 4 + c) * K + j];
  } else if (p.layout == Layout::dense) {
    for (std::int64_t t = 0; t < targets_; ++t)
      for (std::int64_t f = 0; f < F; ++f)
        for (std::int64_t q = 0; q < P; ++q)
          p.value[static_cast<std::size_t>(t * P * F + q * F + f)] = src[t * F * P + f * P + q];
  } else {
    std::memcpy(p.value.data(), src, p.value.size() * sizeof(float));
  }
}

std::vector<float> FusedTrainer::torch_layout(const Param& p) const {
  const auto F = filters_, P = positions_, K = kernel_;
  std::vector<float> out(p.value.size());
  const std::vector<float>& src = p.value;
  if (p.layout == Layout::conv) {
    for (std::int64_t f = 0; f < F; ++f)
      for (std::int64_t c = 0; c < 4; ++c)
        for (std::int64_t j = 0; j < K; ++j) out[static_cast<std::size_t>((f * 4 + c) * K + j)] = src[(j * 4 + c) * F + f];
  } else if (p.layout == Layout::dense) {
    for (std::int64_t t = 0; t < targets_; ++t)
      for (std::int64_t f = 0; f < F; ++f)
        for (std::int64_t q = 0; q < P; ++q)
          out[static_cast<std::size_t>(t * F * P + f * P + q)] = src[t * P * F + q * F + f];
  } else {
    out = src;
  }
  return out;
}

void FusedTrainer::write_back(torch::nn::Module& model) const {
  torch::NoGradGuard no_grad;
  for (const Param& p : params_) {
    const std::vector<float> values = torch_layout(p);
    torch::Tensor t = parameter(model, p.name);
    t.copy_(torch::from_blob(const_cast<float*>(values.data()), t.sizes(), torch::kFloat32));
  }
}

void FusedTrainer::read_from(torch::nn::Module& model) {
  for (Param& p : params_) {
    const torch::Tensor t = parameter(model, p.name).detach().contiguous();
    from_torch_layout(p, t.data_ptr<float>());
  }
}

std::vector<io::NamedTensor> FusedTrainer::optimizer_state() const {
  std::vector<io::NamedTensor> out;
  if (!adam_) return out;
  for (const Param& p : params_) {
    out.push_back({p.name + ".m", {static_cast<std::int64_t>(p.m.size())}, p.m});
    out.push_back({p.name + ".v", {static_cast<std::int64_t>(p.v.size())}, p.v});
  }
  return out;
}

void FusedTrainer::restore_optimizer_state(const std::vector<io::NamedTensor>& state, long steps,
                                           const std::string& source) {
  steps_ = steps;
  if (!adam_) return;
  const auto take = [&](const std::string& name, std::vector<float>& into) {
    for (const auto& t : state)
      if (t.name == name) {
        if (t.values.size() != into.size()) throw Error("checkpoint tensor '" + name + "' has the wrong size", {source});
        into = t.values;
        return;
      }
    throw Error("checkpoint lacks optimiser state '" + name + "'", {source});
  };
  for (Param& p : params_) {
    take(p.name + ".m", p.m);
    take(p.name + ".v", p.v);
  }
}

CnnArrays FusedTrainer::arrays() {
  return {params_[0].value.data(), params_[1].value.data(), params_[2].value.data(), params_[3].value.data(),
          params_[0].grad.data(),  params_[1].grad.data(),  params_[2].grad.data(),  params_[3].grad.data(),
          z_.data(),               dz_.data()};
}

void FusedTrainer::linear_sample(const std::uint8_t* code, const float* target, float scale, double& sse) {
  const std::int64_t row = 4 * length_;
  for (std::int64_t t = 0; t < targets_; ++t) {
    const float* w = params_[0].value.data() + t * row;
    float out = params_[1].value[static_cast<std::size_t>(t)];
    for (std::int64_t p = 0; p < length_; ++p)
      if (code[p] < 4) out += w[p * 4 + code[p]];
    const float d = loss_gradient(out, target[t], loss_, sse) * scale;
    params_[1].grad[static_cast<std::size_t>(t)] += d;
    float* g = params_[0].grad.data() + t * row;
    for (std::int64_t p = 0; p < length_; ++p)
      if (code[p] < 4) g[p * 4 + code[p]] += d;
  }
}

void FusedTrainer::accumulate_gradients(const std::uint8_t* codes, const float* targets, const std::int64_t* rows,
                                        std::int64_t batch, double& sse) {
  for (Param& p : params_) std::fill(p.grad.begin(), p.grad.end(), 0.0f);
  const float scale = 1.0f / static_cast<float>(batch * targets_);  // the loss is a mean over every output
  if (cnn_) {
    cnn_batch_kernel(arrays(), codes, targets, rows, batch, length_, filters_, positions_, kernel_, targets_, scale,
                     loss_, sse);
    return;
  }
  for (std::int64_t i = 0; i < batch; ++i) {
    const std::int64_t r = rows ? rows[i] : i;
    if (rows && i + 1 < batch) __builtin_prefetch(codes + rows[i + 1] * length_);
    linear_sample(codes + r * length_, targets + r * targets_, scale, sse);
  }
}

void FusedTrainer::update() {
  ++steps_;
  if (!adam_) {
    const float lr = static_cast<float>(lr_);
    for (Param& p : params_)
      for (std::size_t i = 0; i < p.value.size(); ++i) p.value[i] -= lr * p.grad[i];
    return;
  }
  constexpr double beta1 = 0.9, beta2 = 0.999;  // as in adam_kernel
  const double bias1 = 1 - std::pow(beta1, static_cast<double>(steps_));
  const double bias2 = 1 - std::pow(beta2, static_cast<double>(steps_));
  const float step_size = static_cast<float>(lr_ / bias1);
  const float bias2_sqrt = static_cast<float>(std::sqrt(bias2));
  for (Param& p : params_)
    adam_kernel(p.value.data(), p.grad.data(), p.m.data(), p.v.data(), p.value.size(), step_size, bias2_sqrt);
}

double FusedTrainer::step(const std::uint8_t* codes, const float* targets, const std::int64_t* rows, std::int64_t batch) {
  double sse = 0;
  accumulate_gradients(codes, targets, rows, batch, sse);
  update();
  return sse;
}

double FusedTrainer::sum_loss(const std::uint8_t* codes, const float* targets, std::int64_t rows, float* outputs) {
  constexpr std::int64_t kChunk = 256;  // rows predicted per kernel call
  std::vector<float> out(static_cast<std::size_t>(kChunk * targets_));
  double total = 0;
  for (std::int64_t start = 0; start < rows; start += kChunk) {
    const std::int64_t n = std::min(kChunk, rows - start);
    predict_rows(codes + start * length_, n, out.data());
    for (std::int64_t i = 0; i < n * targets_; ++i)
      loss_gradient(out[static_cast<std::size_t>(i)], targets[start * targets_ + i], loss_, total);
    if (outputs) std::copy_n(out.begin(), n * targets_, outputs + start * targets_);
  }
  return total;
}

void FusedTrainer::predict_one(const std::uint8_t* code, float* out) { predict_rows(code, 1, out); }

void FusedTrainer::predict_rows(const std::uint8_t* codes, std::int64_t rows, float* out) {
  if (cnn_) {
    cnn_predict_kernel(arrays(), codes, rows, length_, out, filters_, positions_, kernel_, targets_);
    return;
  }
  for (std::int64_t r = 0; r < rows; ++r) linear_predict(codes + r * length_, out + r * targets_);
}

void FusedTrainer::linear_predict(const std::uint8_t* code, float* out) const {
  for (std::int64_t t = 0; t < targets_; ++t) {
    const float* w = params_[0].value.data() + t * 4 * length_;
    float v = params_[1].value[static_cast<std::size_t>(t)];
    for (std::int64_t p = 0; p < length_; ++p)
      if (code[p] < 4) v += w[p * 4 + code[p]];
    out[t] = v;
  }
}

std::vector<std::pair<std::string, std::vector<float>>> FusedTrainer::gradients(const std::uint8_t* codes,
                                                                                const float* targets,
                                                                                std::int64_t batch) {
  double sse = 0;
  accumulate_gradients(codes, targets, nullptr, batch, sse);
  std::vector<std::pair<std::string, std::vector<float>>> out;
  for (const Param& p : params_) {
    Param g = p;
    g.value = p.grad;
    out.emplace_back(p.name, torch_layout(g));
  }
  return out;
}

// --- the fused engine behind the Engine interface (fused_engine.hpp)
FusedEngine::FusedEngine(const TrainSetup& setup, SequenceModelImpl& model)
    : setup_(setup),
      model_(model),
      trainer_(setup.config, setup.options.optimizer, setup.options.lr, model,
               FusedLoss{setup.options.task == Task::binary, static_cast<float>(setup.options.pos_weight)}) {
  if (setup.options.rc_augment) {  // rows n..2n-1: the reverse complements, with the same targets
    rc_rows_.codes = with_reverse_complements(setup.train.codes);
    rc_rows_.targets = setup.train.targets;
    rc_rows_.targets.insert(rc_rows_.targets.end(), setup.train.targets.begin(), setup.train.targets.end());
  }
}

const TrainingRows& FusedEngine::train_rows() const { return setup_.options.rc_augment ? rc_rows_ : setup_.train; }

void FusedEngine::begin_epoch(int, const std::vector<std::int64_t>& order, const std::vector<bool>& flip,
                              double loss_sum) {
  const std::int64_t n = setup_.train_rows();
  rows_ = order;
  for (std::size_t i = 0; i < rows_.size(); ++i) rows_[i] += flip[i] ? n : 0;
  loss_sum_ = loss_sum;
}

int FusedEngine::step(std::int64_t begin, std::int64_t rows) {
  const TrainingRows& train = train_rows();
  loss_sum_ += trainer_.step(train.codes.codes.data(), train.targets.data(), rows_.data() + begin, rows);
  return interrupt_requested();
}

double FusedEngine::epoch_loss() const {
  // Per row like the torch engine's mean loss: first the mean over targets, then over rows.
  const double per_target = loss_sum_ / static_cast<double>(setup_.n_targets);
  return per_target / static_cast<double>(setup_.train_rows());
}

Engine::Validation FusedEngine::validate() {
  const auto n_val = static_cast<std::int64_t>(setup_.split.val.size());
  if (n_val == 0) return {std::numeric_limits<double>::quiet_NaN(), {}};
  Validation v;
  v.outputs.resize(static_cast<std::size_t>(n_val * setup_.n_targets));
  v.loss = trainer_.sum_loss(setup_.val.codes.codes.data(), setup_.val.targets.data(), n_val, v.outputs.data()) /
           static_cast<double>(n_val * setup_.n_targets);
  return v;
}

std::vector<float> FusedEngine::predict_all() {
  // The LibTorch model predicts, as for the LibTorch engine: one predictor for every run.
  sync_model();
  model_.eval();
  model_.batch_rows.reset();
  return predict_sequences(model_, setup_.data, setup_.config.length, kPredictChunkRows, torch::kCPU);
}

void FusedEngine::save_optimizer(TrainCheckpoint& state) {
  state.optimizer = trainer_.optimizer_state();
  state.optimizer_steps = trainer_.steps();
}

void FusedEngine::restore_optimizer(const TrainCheckpoint& state, const std::string& source) {
  trainer_.restore_optimizer_state(state.optimizer, state.optimizer_steps, source);
}

void FusedEngine::sync_model() { trainer_.write_back(model_); }

void FusedEngine::reload_model() { trainer_.read_from(model_); }

}  // namespace dnacnn

#include "dnacnn/train.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "dnacnn/checkpoint.hpp"
#include "dnacnn/error.hpp"
#include "dnacnn/interrupt.hpp"
#include "dnacnn/models.hpp"
#include "dnacnn/random.hpp"
#include "fused_trainer.hpp"
#include "tensors.hpp"
#include "train_state.hpp"

namespace dnacnn {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::string& name, SequenceModelImpl& model, double lr) {
  if (name == "sgd") return std::make_unique<torch::optim::SGD>(model.parameters(), torch::optim::SGDOptions(lr));
  if (name == "adam") return std::make_unique<torch::optim::Adam>(model.parameters(), torch::optim::AdamOptions(lr));
  throw UsageError("--optimizer must be sgd or adam, got '" + name + "'");
}

// Rows of `data` as device tensors.
struct SplitTensors {
  torch::Tensor x, y;
  std::int64_t rows() const { return x.defined() ? x.size(0) : 0; }
};

SplitTensors tensors_for(const SequenceData& data, std::int64_t length, const std::vector<std::int64_t>& rows,
                         const torch::Device& device) {
  if (rows.empty()) return {};
  return {onehot_tensor(encode_sequences(data, length, rows)).to(device), targets_tensor(data, rows).to(device)};
}

double mse_of(SequenceModelImpl& model, const SplitTensors& s, const torch::Device& device) {
  if (s.rows() == 0) return std::numeric_limits<double>::quiet_NaN();
  const torch::Tensor pred = predict_in_batches(model, s.x, 8192, device);
  return torch::mse_loss(pred, s.y.to(torch::kCPU)).item<double>();
}

RegressionMetrics metrics_of(const std::vector<std::int64_t>& rows, const SequenceData& data,
                             const std::vector<float>& predictions) {
  if (rows.empty()) return {};
  std::vector<float> a, p;
  for (auto r : rows) {
    a.push_back(data.targets[static_cast<std::size_t>(r)]);
    p.push_back(predictions[static_cast<std::size_t>(r)]);
  }
  return regression_metrics(a, p);
}

void check_batch_fits(int batch_size, std::size_t train_rows) {
  if (static_cast<std::size_t>(batch_size) > train_rows)
    throw UsageError(fmt::format("--batch-size {} is larger than the training split ({} rows)", batch_size, train_rows));
}

}  // namespace

void TrainOptions::validate() const {
  if (epochs < 1) throw UsageError("--epochs must be at least 1");
  if (batch_size < 1) throw UsageError("--batch-size must be at least 1");
  if (!(lr > 0) || !std::isfinite(lr)) throw UsageError("--lr must be a positive number");
  if (threads < 1) throw UsageError("--threads must be at least 1");
  if (optimizer != "sgd" && optimizer != "adam") throw UsageError("--optimizer must be sgd or adam, got '" + optimizer + "'");
  if (engine != "auto" && engine != "torch" && engine != "fused")
    throw UsageError("--engine must be auto, torch or fused, got '" + engine + "'");
}

void check_training_fits(const SequenceData& data, const TrainOptions& options) {
  options.validate();
  make_model_config(options.arch, data.common_length(), options.hparams, {data.target_name});
  const SplitIndices split = random_split(data.size(), options.val_frac, options.test_frac, options.split_seed);
  check_batch_fits(options.batch_size, split.train.size());
}

TrainResult train_model(const SequenceData& data, const TrainOptions& options, Progress& progress,
                        const Checkpointer* checkpointer) {
  options.validate();
  if (!data.has_targets()) throw Error("training needs a target column", {data.source});
  const std::int64_t length = data.common_length();
  const torch::Device device = parse_device(options.device);
  set_thread_count(options.threads);
  const std::string label = options.label.empty() ? options.arch : options.label;

  TrainResult result;
  result.config = make_model_config(options.arch, length, options.hparams, {data.target_name});
  result.parameters = checked_parameter_count(result.config);
  const SplitIndices split = random_split(data.size(), options.val_frac, options.test_frac, options.split_seed);
  result.split_of_row = split_of_rows(split, data.size());
  check_batch_fits(options.batch_size, split.train.size());

  torch::manual_seed(options.seed);
  SequenceModel model = build_model(result.config);
  model->to(device);
  const bool fused = options.engine == "fused" ||
                     (options.engine == "auto" && FusedTrainer::supports(result.config, options.optimizer, device));
  if (fused && !FusedTrainer::supports(result.config, options.optimizer, device))
    throw UsageError("--engine fused covers the cnn and linear models on the CPU with sgd or adam");
  result.engine = fused ? "fused" : "torch";
  const TrainCheckpoint* resume = checkpointer ? checkpointer->resume_state() : nullptr;
  const std::string checkpoint_file = checkpointer ? checkpoint_path(checkpointer->run_dir()).string() : "";
  if (resume) {
    if (resume->engine != result.engine)
      throw Error("checkpoint was trained by the " + resume->engine + " engine, this build picks " + result.engine,
                  {checkpoint_file});
    import_weights(*model, resume->weights, checkpoint_file);
  }

  // The fused engine works on base codes; the torch engine on one-hot tensors.
  std::unique_ptr<FusedTrainer> fused_trainer;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  std::vector<std::uint8_t> train_codes, val_codes;
  std::vector<float> train_targets, val_targets;
  SplitTensors train, val;
  if (fused) {
    fused_trainer = std::make_unique<FusedTrainer>(result.config, options.optimizer, options.lr, *model);
    train_codes = base_codes(data.seqs, split.train);
    val_codes = base_codes(data.seqs, split.val);
    for (auto r : split.train) train_targets.push_back(data.targets[static_cast<std::size_t>(r)]);
    for (auto r : split.val) val_targets.push_back(data.targets[static_cast<std::size_t>(r)]);
  } else {
    optimizer = make_optimizer(options.optimizer, *model, options.lr);
    train = tensors_for(data, length, split.train, device);
    val = tensors_for(data, length, split.val, device);
  }
  const auto n = static_cast<std::int64_t>(split.train.size());
  Rng batch_order(options.seed);

  // Where to begin: epoch 1, or wherever the checkpoint of an interrupted run stopped.
  int first_epoch = 1;
  std::int64_t first_offset = 0;
  double carried_sse = 0, carried_seconds = 0, earlier_seconds = 0;
  if (resume) {
    if (fused)
      fused_trainer->restore_optimizer_state(resume->optimizer, resume->optimizer_steps, checkpoint_file);
    else
      restore_optimizer_state(*optimizer, *model, resume->optimizer, resume->optimizer_steps, checkpoint_file);
    restore_torch_rng_state(resume->torch_rng, checkpoint_file);
    batch_order.set_state(resume->batch_rng);
    result.history = resume->history;
    first_epoch = resume->next_epoch;
    first_offset = resume->batch_offset;
    carried_sse = resume->partial_sse;
    carried_seconds = resume->partial_seconds;
    earlier_seconds = resume->train_seconds;
    if (!result.history.empty() && !std::isfinite(result.history.back().train_loss)) {
      result.status = "diverged";
      result.diverged_epoch = result.history.back().epoch;
      first_epoch = options.epochs + 1;
    }
  }
  // Everything needed to continue from here: training rows [offset, n) of `epoch`, whose order
  // `epoch_rng` (the generator before that epoch's shuffle) reproduces.
  const auto save_checkpoint = [&](int epoch, std::int64_t offset, double sse, double seconds, const Rng& epoch_rng,
                                   double total_seconds) {
    TrainCheckpoint s;
    s.next_epoch = epoch;
    s.batch_offset = offset;
    s.partial_sse = sse;
    s.partial_seconds = seconds;
    s.batch_rng = epoch_rng.state();
    s.torch_rng = torch_rng_state();
    s.history = result.history;
    s.train_seconds = total_seconds;
    s.engine = result.engine;
    if (fused) {
      fused_trainer->write_back(*model);
      s.optimizer = fused_trainer->optimizer_state();
      s.optimizer_steps = fused_trainer->steps();
    } else {
      s.optimizer = optimizer_state(*optimizer, *model, s.optimizer_steps);
    }
    s.weights = export_weights(*model);
    checkpointer->save(std::move(s));
  };
  if (checkpointer && !resume) save_checkpoint(1, 0, 0, 0, batch_order, 0);  // resumable from the start

  const auto start = Clock::now();
  for (int epoch = first_epoch; epoch <= options.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    const Rng epoch_rng = batch_order;
    const std::vector<std::int64_t> order = shuffled_indices(n, batch_order);
    const bool continuing = epoch == first_epoch && first_offset > 0;
    const double seconds_before = continuing ? carried_seconds : 0;
    double train_sse = continuing ? carried_sse : 0;
    // Ctrl-C: save where this batch leaves off, then stop (exit 128 + signal).
    const auto stop_if_interrupted = [&](std::int64_t done, double sse) {
      const int signal = interrupt_requested();
      if (!signal) return;
      const double epoch_seconds = seconds_before + seconds_since(epoch_start);
      if (checkpointer) save_checkpoint(epoch, done, sse, epoch_seconds, epoch_rng, earlier_seconds + seconds_since(start));
      throw Error(fmt::format("interrupted in epoch {} after {} of {} training rows{}", epoch, done, n,
                              checkpointer ? "; saved, continue with: dnacnn train --resume " +
                                                 checkpointer->run_dir().string()
                                           : ""),
                  {checkpointer ? checkpointer->run_dir().string() : ""}, interrupted_exit_code(signal));
    };
    const std::int64_t begin = continuing ? first_offset : 0;
    if (fused) {
      for (std::int64_t b = begin; b < n; b += options.batch_size) {
        const std::int64_t len = std::min<std::int64_t>(options.batch_size, n - b);
        train_sse += fused_trainer->step(train_codes.data(), train_targets.data(), order.data() + b, len);
        stop_if_interrupted(b + len, train_sse);
      }
    } else {
      model->train();
      // One gather per epoch, then contiguous slices: no per-sample work in the loop.
      const torch::Tensor idx = torch::tensor(order, torch::kLong).to(device);
      const torch::Tensor xs = train.x.index_select(0, idx);
      const torch::Tensor ys = train.y.index_select(0, idx);
      torch::Tensor loss_sum = torch::full({}, train_sse, torch::TensorOptions().device(device));
      for (std::int64_t b = begin; b < n; b += options.batch_size) {
        const std::int64_t len = std::min<std::int64_t>(options.batch_size, n - b);
        const torch::Tensor loss = torch::mse_loss(model->forward(xs.narrow(0, b, len)), ys.narrow(0, b, len));
        optimizer->zero_grad();
        loss.backward();
        optimizer->step();
        loss_sum += loss.detach() * static_cast<double>(len);
        if (interrupt_requested()) stop_if_interrupted(b + len, loss_sum.item<double>());
      }
      train_sse = loss_sum.item<double>();
    }
    EpochRecord record;
    record.epoch = epoch;
    record.train_loss = train_sse / static_cast<double>(n);
    if (fused) {
      record.val_loss = split.val.empty() ? std::numeric_limits<double>::quiet_NaN()
                                          : fused_trainer->sum_squared_error(val_codes.data(), val_targets.data(),
                                                                             static_cast<std::int64_t>(split.val.size())) /
                                                static_cast<double>(split.val.size());
    } else {
      model->eval();
      record.val_loss = mse_of(*model, val, device);
    }
    record.seconds = seconds_before + seconds_since(epoch_start);
    result.history.push_back(record);
    progress.update(fmt::format("{}: epoch {}/{}  train loss {:.4f}  val loss {:.4f}", label, epoch, options.epochs,
                                record.train_loss, record.val_loss));
    if (checkpointer) save_checkpoint(epoch + 1, 0, 0, 0, batch_order, earlier_seconds + seconds_since(start));
    if (!std::isfinite(record.train_loss)) {
      result.status = "diverged";
      result.diverged_epoch = epoch;
      break;
    }
  }
  result.train_seconds = earlier_seconds + seconds_since(start);
  if (fused) fused_trainer->write_back(*model);

  model->eval();
  const std::vector<float> all = predict_sequences(*model, data, length, 8192, device);
  const std::size_t n_targets = result.config.targets.size();
  result.predictions.resize(data.seqs.size());
  for (std::size_t i = 0; i < result.predictions.size(); ++i) result.predictions[i] = all[i * n_targets];
  result.train = metrics_of(split.train, data, result.predictions);
  result.val = metrics_of(split.val, data, result.predictions);
  result.test = metrics_of(split.test, data, result.predictions);
  result.weights = export_weights(*model);
  return result;
}

}  // namespace dnacnn

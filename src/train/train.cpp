#include "dnacnn/train/train.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <limits>

#include "dnacnn/train/checkpoint.hpp"
#include "train/dist/data_parallel.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/core/interrupt.hpp"
#include "models/models.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/core/random.hpp"
#include "train/fused/fused_trainer.hpp"
#include "train/torch/thread_team.hpp"
#include "models/tensors.hpp"
#include "train/train_state.hpp"

namespace dnacnn {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::unique_ptr<torch::optim::Optimizer> make_optimizer(Optimizer kind, SequenceModelImpl& model, double lr) {
  if (kind == Optimizer::adam)
    return std::make_unique<torch::optim::Adam>(model.parameters(), torch::optim::AdamOptions(lr));
  return std::make_unique<torch::optim::SGD>(model.parameters(), torch::optim::SGDOptions(lr));
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

// The training loss, a mean over every output: MSE, or BCE on logits for binary tasks.
torch::Tensor loss_of(const torch::Tensor& out, const torch::Tensor& y, const TrainOptions& o) {
  if (o.task != Task::binary) return torch::mse_loss(out, y);
  namespace F = torch::nn::functional;
  return F::binary_cross_entropy_with_logits(
      out, y, F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(torch::full({1}, o.pos_weight, out.options())));
}

using PredictFn = std::function<torch::Tensor(const torch::Tensor&)>;  // one-hot rows -> CPU outputs

double loss_on(const SplitTensors& s, const TrainOptions& o, const PredictFn& predict) {
  if (s.rows() == 0) return std::numeric_limits<double>::quiet_NaN();
  return loss_of(predict(s.x), s.y.to(torch::kCPU), o).item<double>();
}

// Scores of target t over `rows` (n = 0 when there are none).
Scores scores_of(const std::vector<std::int64_t>& rows, const SequenceData& data, const std::vector<float>& predictions,
                 std::size_t t, bool binary) {
  if (rows.empty()) return {};
  std::vector<float> a, p;
  for (auto r : rows) {
    a.push_back(data.target(static_cast<std::size_t>(r), t));
    p.push_back(predictions[static_cast<std::size_t>(r) * data.n_targets() + t]);
  }
  return score_predictions(a, p, binary);
}

void check_binary_targets(const SequenceData& data) {
  for (std::size_t i = 0; i < data.targets.size(); ++i)
    if (data.targets[i] != 0.0f && data.targets[i] != 1.0f)
      throw Error(fmt::format("--task binary needs targets 0 or 1; '{}' is {}", data.target_names[i % data.n_targets()],
                              data.targets[i]),
                  {data.source, data.lines.empty() ? 0 : data.lines[i / data.n_targets()]});
}

SplitIndices split_for(const SequenceData& data, const TrainOptions& options) {
  if (data.given_split.empty()) return random_split(data.size(), options.val_frac, options.test_frac, options.split_seed);
  if (data.given_split.size() != data.seqs.size()) throw Error("the given split does not cover every row", {data.source});
  SplitIndices split = split_from_rows(data.given_split);
  if (split.train.empty())
    throw Error("the given split (--split-col, or --val-chroms/--test-chroms) puts no rows in 'train'", {data.source});
  return split;
}

// Which training rows are reverse-complemented this epoch (all false without --rc-augment).
std::vector<bool> rc_flips(std::int64_t n, bool augment, Rng& rng) {
  std::vector<bool> flip(static_cast<std::size_t>(n), false);
  if (augment)
    for (std::size_t i = 0; i < flip.size(); ++i) flip[i] = rng.below(2) == 1;
  return flip;
}

void check_batch_fits(int batch_size, std::size_t train_rows) {
  if (static_cast<std::size_t>(batch_size) > train_rows)
    throw UsageError(fmt::format("--batch-size {} is larger than the training split ({} rows)", batch_size, train_rows));
}

}  // namespace

void check_training_fits(const SequenceData& data, const TrainOptions& options) {
  options.validate();
  make_model_config(options.arch, data.common_length(), options.hparams, data.target_names);
  check_batch_fits(options.batch_size, split_for(data, options).train.size());
}

TrainResult train_model(const SequenceData& data, const TrainOptions& options, Progress& progress,
                        const Checkpointer* checkpointer, Communicator* comm) {
  options.validate();
  if (!data.has_targets()) throw Error("training needs a target column", {data.source});
  const std::int64_t length = data.common_length();
  const torch::Device device = parse_device(options.device);
  set_thread_count(options.threads);
  const std::string label = options.label.empty() ? options.arch : options.label;

  const bool binary = options.task == Task::binary;
  if (binary) check_binary_targets(data);
  const auto n_targets = static_cast<std::int64_t>(data.n_targets());

  TrainResult result;
  result.config = make_model_config(options.arch, length, options.hparams, data.target_names);
  result.config.task = options.task;
  result.config.pad = options.pad;
  result.parameters = checked_parameter_count(result.config);
  const SplitIndices split = split_for(data, options);
  result.split_of_row = split_of_rows(split, data.size());
  check_batch_fits(options.batch_size, split.train.size());

  torch::manual_seed(options.seed);
  SequenceModel model = build_model(result.config);
  model->to(device);
  // The fused engine has no gradients to share: data-parallel training runs on LibTorch.
  if (comm && options.engine == EngineKind::fused)
    throw UsageError("--engine fused trains in one process; --distributed uses --engine torch (or auto)");
  const bool fused = options.engine == EngineKind::fused ||
                     (options.engine == EngineKind::automatic && !comm &&
                      FusedTrainer::supports(result.config, options.optimizer, device));
  if (fused && !FusedTrainer::supports(result.config, options.optimizer, device))
    throw UsageError("--engine fused covers the cnn and linear models on the CPU with sgd or adam");
  result.engine = fused ? EngineKind::fused : EngineKind::torch;
  const TrainCheckpoint* resume = checkpointer ? checkpointer->resume_state() : nullptr;
  const std::string checkpoint_file = checkpointer ? checkpoint_path(checkpointer->run_dir()).string() : "";
  if (resume) {
    if (resume->engine != result.engine)
      throw Error(fmt::format("checkpoint was trained by the {} engine, this build picks {}", engine_name(resume->engine),
                              engine_name(result.engine)),
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
    fused_trainer = std::make_unique<FusedTrainer>(result.config, options.optimizer, options.lr, *model,
                                                   FusedLoss{binary, static_cast<float>(options.pos_weight)});
    train_codes = base_codes(data.seqs, split.train);
    val_codes = base_codes(data.seqs, split.val);
    const auto gather = [&](const std::vector<std::int64_t>& rows, std::vector<float>& out) {
      for (auto r : rows)
        for (std::int64_t t = 0; t < n_targets; ++t) out.push_back(data.target(static_cast<std::size_t>(r), t));
    };
    gather(split.train, train_targets);
    gather(split.val, val_targets);
    if (options.rc_augment) {  // rows n..2n-1: the reverse complements, with the same targets
      train_codes = with_reverse_complements(train_codes, length);
      gather(split.train, train_targets);
    }
  } else {
    optimizer = make_optimizer(options.optimizer, *model, options.lr);
    train = tensors_for(data, length, split.train, device);
    val = tensors_for(data, length, split.val, device);
  }
  const auto n = static_cast<std::int64_t>(split.train.size());
  Rng batch_order(options.seed);
  Rng rc_choice(options.seed ^ 0x5243u);  // its own stream: runs without --rc-augment are unchanged
  std::vector<std::int64_t> rows;

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
    rc_choice.set_state(resume->rc_rng);
    result.history = resume->history;
    first_epoch = resume->next_epoch;
    first_offset = resume->batch_offset;
    carried_sse = resume->partial_sse;
    carried_seconds = resume->partial_seconds;
    earlier_seconds = resume->train_seconds;
    if (!result.history.empty() && !std::isfinite(result.history.back().train_loss)) {
      result.status = RunStatus::diverged;
      result.diverged_epoch = result.history.back().epoch;
      first_epoch = options.epochs + 1;
    }
  }
  // Everything needed to continue from here: training rows [offset, n) of `epoch`, whose order
  // `epoch_rng` (the generator before that epoch's shuffle) reproduces.
  const auto save_checkpoint = [&](int epoch, std::int64_t offset, double sse, double seconds, const Rng& epoch_rng,
                                   const Rng& epoch_rc_rng, double total_seconds) {
    TrainCheckpoint s;
    s.next_epoch = epoch;
    s.batch_offset = offset;
    s.partial_sse = sse;
    s.partial_seconds = seconds;
    s.batch_rng = epoch_rng.state();
    s.rc_rng = epoch_rc_rng.state();
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
  const auto loss_fn = [&](const torch::Tensor& out, const torch::Tensor& y) { return loss_of(out, y, options); };
  if (comm)  // a rank with other data, options or resume point would pair up wrong batches
    comm->check_same({static_cast<double>(n), static_cast<double>(data.size()), static_cast<double>(result.parameters),
                      static_cast<double>(options.batch_size), static_cast<double>(options.seed % 1000003),
                      static_cast<double>(options.epochs), static_cast<double>(first_epoch),
                      static_cast<double>(first_offset)},
                     "the data, the options or the checkpoint");
  if (!writes_outputs(comm)) checkpointer = nullptr;  // the other ranks only read the resume point
  if (checkpointer && !resume) save_checkpoint(1, 0, 0, 0, batch_order, rc_choice, 0);  // resumable from the start
  // Several CPU threads share each batch rather than each operation (see thread_team.hpp).
  std::unique_ptr<ThreadTeam> team;
  if (!fused && !comm && device.is_cpu() && options.threads > 1 && options.threading == Threading::batch)
    team = std::make_unique<ThreadTeam>(*model, result.config, options.threads);
  const PredictFn predict = [&](const torch::Tensor& x) {
    return team ? team_predict(*team, x) : predict_in_batches(*model, x, 8192, device);
  };

  const auto start = Clock::now();
  for (int epoch = first_epoch; epoch <= options.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    const Rng epoch_rng = batch_order, epoch_rc_rng = rc_choice;
    const std::vector<std::int64_t> order = shuffled_indices(n, batch_order);
    const std::vector<bool> flip = rc_flips(n, options.rc_augment, rc_choice);
    const bool continuing = epoch == first_epoch && first_offset > 0;
    const double seconds_before = continuing ? carried_seconds : 0;
    double train_sum = continuing ? carried_sse : 0;  // loss summed over the finished batches
    // Ctrl-C: save where this batch leaves off, then stop (exit 128 + signal).
    const auto stop_if_interrupted = [&](std::int64_t done, double sse, int signal) {
      if (!signal) return;
      const double epoch_seconds = seconds_before + seconds_since(epoch_start);
      if (checkpointer) {
        save_checkpoint(epoch, done, sse, epoch_seconds, epoch_rng, epoch_rc_rng, earlier_seconds + seconds_since(start));
        checkpointer->flush();  // on disk before the process exits
      }
      throw Error(fmt::format("interrupted in epoch {} after {} of {} training rows{}", epoch, done, n,
                              checkpointer ? "; saved, continue with: dnacnn train --resume " +
                                                 checkpointer->run_dir().string()
                                           : ""),
                  {checkpointer ? checkpointer->run_dir().string() : ""}, interrupted_exit_code(signal));
    };
    const std::int64_t begin = continuing ? first_offset : 0;
    if (fused) {
      rows = order;
      for (std::size_t i = 0; i < rows.size(); ++i) rows[i] += flip[i] ? n : 0;
      for (std::int64_t b = begin; b < n; b += options.batch_size) {
        const std::int64_t len = std::min<std::int64_t>(options.batch_size, n - b);
        train_sum += fused_trainer->step(train_codes.data(), train_targets.data(), rows.data() + b, len);
        stop_if_interrupted(b + len, train_sum, interrupt_requested());
      }
      train_sum /= static_cast<double>(n_targets);  // per row, like the torch engine's mean loss
    } else {
      model->train();
      // One gather per epoch, then contiguous slices: no per-sample work in the loop.
      const torch::Tensor idx = torch::tensor(order, torch::kLong).to(device);
      torch::Tensor xs = train.x.index_select(0, idx);
      const torch::Tensor ys = train.y.index_select(0, idx);
      if (options.rc_augment) {  // reverse complement of one-hot ACGT: reverse positions and channels
        std::vector<std::uint8_t> f(flip.begin(), flip.end());
        const torch::Tensor mask = torch::from_blob(f.data(), {n, 1, 1}, torch::kUInt8).to(device, torch::kBool);
        xs = torch::where(mask, xs.flip({1, 2}), xs);
      }
      torch::Tensor loss_sum = torch::full({}, train_sum, torch::TensorOptions().device(device));
      for (std::int64_t b = begin; b < n; b += options.batch_size) {
        const std::int64_t len = std::min<std::int64_t>(options.batch_size, n - b);
        const BatchRows batch_rows{batch_rows_seed(options.seed, epoch, b), 0};
        if (comm) {
          const StepTotals step = data_parallel_step(*comm, *model, *optimizer, xs.narrow(0, b, len),
                                                     ys.narrow(0, b, len), loss_fn, batch_rows, interrupt_requested());
          loss_sum += step.loss_sum;
          if (step.signal) stop_if_interrupted(b + len, loss_sum.item<double>(), step.signal);
          continue;
        }
        if (team) {
          loss_sum += team_step(*team, *optimizer, xs.narrow(0, b, len), ys.narrow(0, b, len), loss_fn, batch_rows);
          if (interrupt_requested()) stop_if_interrupted(b + len, loss_sum.item<double>(), interrupt_requested());
          continue;
        }
        model->batch_rows = batch_rows;
        const torch::Tensor loss = loss_of(model->forward(xs.narrow(0, b, len)), ys.narrow(0, b, len), options);
        optimizer->zero_grad();
        loss.backward();
        optimizer->step();
        loss_sum += loss.detach() * static_cast<double>(len);
        if (interrupt_requested()) stop_if_interrupted(b + len, loss_sum.item<double>(), interrupt_requested());
      }
      train_sum = loss_sum.item<double>();
    }
    EpochRecord record;
    record.epoch = epoch;
    record.train_loss = train_sum / static_cast<double>(n);
    if (fused) {
      const auto n_val = static_cast<std::int64_t>(split.val.size());
      record.val_loss = n_val == 0 ? std::numeric_limits<double>::quiet_NaN()
                                   : fused_trainer->sum_loss(val_codes.data(), val_targets.data(), n_val) /
                                         static_cast<double>(n_val * n_targets);
    } else {
      model->eval();
      record.val_loss =
          comm ? shared_mean_loss(*comm, *model, val.x, val.y, loss_fn, device) : loss_on(val, options, predict);
    }
    record.seconds = seconds_before + seconds_since(epoch_start);
    result.history.push_back(record);
    progress.update(fmt::format("{}: epoch {}/{}  train loss {:.4f}  val loss {:.4f}", label, epoch, options.epochs,
                                record.train_loss, record.val_loss));
    if (checkpointer)
      save_checkpoint(epoch + 1, 0, 0, 0, batch_order, rc_choice, earlier_seconds + seconds_since(start));
    if (!std::isfinite(record.train_loss)) {
      result.status = RunStatus::diverged;
      result.diverged_epoch = epoch;
      break;
    }
  }
  if (checkpointer) checkpointer->flush();  // a failed write is this run's error
  result.train_seconds = earlier_seconds + seconds_since(start);
  if (fused) fused_trainer->write_back(*model);

  model->eval();
  model->batch_rows.reset();
  result.predictions = comm ? shared_predictions(*comm, *model, data, length, device)
                            : predict_in_chunks(data, length, 8192, predict);
  team.reset();
  to_output_scale(result.config, result.predictions);
  for (std::size_t t = 0; t < data.n_targets(); ++t)
    result.per_target.push_back({scores_of(split.train, data, result.predictions, t, binary),
                                 scores_of(split.val, data, result.predictions, t, binary),
                                 scores_of(split.test, data, result.predictions, t, binary)});
  result.train = result.per_target[0].train.regression;
  result.val = result.per_target[0].val.regression;
  result.test = result.per_target[0].test.regression;
  result.weights = export_weights(*model);
  return result;
}

}  // namespace dnacnn

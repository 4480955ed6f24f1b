// train_model: the training loop, the same for every engine (see train/engine.hpp). It owns the
// epochs, the batch order and --rc-augment's flips, interrupts, checkpoints and resuming, the
// history and divergence; the engine runs the batches.
#include "dnacnn/train/train.hpp"
#include "dnacnn/train/folds.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "dnacnn/core/error.hpp"
#include "dnacnn/core/interrupt.hpp"
#include "dnacnn/core/random.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/train/checkpoint.hpp"
#include "dnacnn/train/distributed.hpp"
#include "models/models.hpp"
#include "infer/profile_predict.hpp"
#include "models/tensors.hpp"
#include "train/engine_select.hpp"
#include "train/epoch_policy.hpp"
#include "train/fused/fused_engine.hpp"
#include "train/torch/torch_engine.hpp"
#include "train/train_state.hpp"

namespace dnacnn {

TrainingRows training_rows(const SequenceData& data, std::int64_t length, const std::vector<std::int64_t>& rows) {
  if (rows.empty()) return {BaseCodes{0, length, {}}, {}};  // (encode_codes reads "no rows" as all of them)
  TrainingRows out{encode_codes(data, length, rows), {}, {}};
  out.targets.reserve(rows.size() * data.n_targets());
  for (auto r : rows)
    for (std::size_t t = 0; t < data.n_targets(); ++t) out.targets.push_back(data.target(static_cast<std::size_t>(r), t));
  const auto per_row = static_cast<std::ptrdiff_t>(data.n_targets()) * data.profile_length;
  for (auto r : rows)
    out.profiles.insert(out.profiles.end(), data.profiles.begin() + r * per_row, data.profiles.begin() + (r + 1) * per_row);
  return out;
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

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
  if (options.folds.count > 0) return fold_split(folds_of_rows(data, options), options.folds.count, options.folds.index);
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

ModelConfig model_config_for(const TrainOptions& options, std::int64_t length, const std::vector<std::string>& targets) {
  ModelConfig config;
  if (options.spec) {
    if (!options.hparams.empty()) make_model_config(options.arch, length, options.hparams, targets);  // its refusal
    config = spec_model_config(*options.spec, length, targets);
  } else {
    config = make_model_config(options.arch, length, options.hparams, targets);
  }
  config.loss = options.loss;
  const bool head = config.profile_length() > 0;
  if (head && options.loss != Loss::multinomial)
    throw UsageError("the model ends in a profile_head: it trains on --profile targets (--loss multinomial)");
  if (!head && options.loss == Loss::multinomial)
    throw UsageError(fmt::format("--profile (--loss multinomial) needs a model ending in a profile_head: --model bpnet, "
                                 "or a spec whose last layer is {{\"type\": \"profile_head\", \"length\": N}}; "
                                 "'{}' ends in a plain output", config.arch));
  return config;
}

// ChromBPNet's choice of λ: the median total count over the training rows and tracks, over 10.
double count_weight_for(const TrainOptions& options, const TrainingRows& train) {
  if (options.loss != Loss::multinomial) return 0;
  if (options.count_weight >= 0) return options.count_weight;
  std::vector<double> totals;
  for (const float log_total : train.targets) totals.push_back(std::expm1(static_cast<double>(log_total)));
  if (totals.empty()) return 1;
  std::nth_element(totals.begin(), totals.begin() + static_cast<std::ptrdiff_t>(totals.size() / 2), totals.end());
  const double median = totals[totals.size() / 2];
  return median > 0 ? median / 10 : 1;
}

void check_profile_targets(const SequenceData& data, const ModelConfig& config, const TrainOptions& options) {
  if (options.loss == Loss::multinomial && !data.has_profiles())
    throw UsageError("--loss multinomial trains on per-base targets: --bed ... --bigwig ... --profile");
  if (data.has_profiles() && options.loss != Loss::multinomial)
    throw UsageError(fmt::format("--profile targets train with --loss multinomial, not {}", loss_name(options.loss)));
  if (data.has_profiles() && config.profile_length() != data.profile_length)
    throw UsageError(fmt::format("the model's profile head predicts {} bases; --output-length gives {}",
                                 config.profile_length(), data.profile_length));
  if (options.loss == Loss::poisson)
    for (std::size_t i = 0; i < data.targets.size(); ++i)
      if (data.targets[i] < 0)
        throw Error(fmt::format("--loss poisson needs counts (targets >= 0); '{}' is {}",
                                data.target_names[i % data.n_targets()], data.targets[i]),
                    {data.source, data.lines.empty() ? 0 : data.lines[i / data.n_targets()]});
}

void check_validation_fits(const TrainOptions& options, const SplitIndices& split) {
  if (!options.needs_validation() || !split.val.empty()) return;
  throw UsageError(fmt::format("{} watches the validation split, and this run has none (--val-frac > 0, or 'val' rows "
                               "in --split-col / --val-chroms)",
                               options.stopping.patience > 0 ? "--patience" : "--lr-schedule plateau"));
}

// Validates `options` against `data` and fixes what the run trains on.
TrainSetup prepare_training(const SequenceData& data, const TrainOptions& options) {
  options.validate();
  if (!data.has_targets()) throw Error("training needs a target column", {data.source});
  // (length first: an aggregate whose initialiser throws half-built trips GCC 12's cleanup)
  const std::int64_t length = data.common_length();
  TrainSetup s{data, options, {}, {}, static_cast<std::int64_t>(data.n_targets()), {}, {}};
  if (options.task == Task::binary) check_binary_targets(data);
  s.config = model_config_for(options, length, data.target_names);
  s.config.task = options.task;
  s.config.pad = options.pad;
  check_profile_targets(data, s.config, options);
  s.split = split_for(data, options);
  check_batch_fits(options.batch_size, s.split.train.size());
  check_validation_fits(options, s.split);
  s.train = training_rows(data, length, s.split.train);
  s.val = training_rows(data, length, s.split.val);
  s.count_weight = count_weight_for(options, s.train);
  return s;
}

// Where a run stands: what a checkpoint records to continue from here. Training rows [offset, n)
// of `epoch` remain; `batch_rng` (the generator before that epoch's shuffle) reproduces their order.
struct TrainPosition {
  int epoch = 1;
  std::int64_t offset = 0;
  double loss_sum = 0;       // of the epoch's finished batches, in the engine's units
  double epoch_seconds = 0;  // spent in them
  Rng batch_rng{0}, rc_rng{0};
  double total_seconds = 0;  // training time of the run so far
};

class TrainLoop {
 public:
  TrainLoop(const TrainSetup& setup, Engine& engine, SequenceModelImpl& model, const Checkpointer* checkpointer,
            Progress& progress, TrainResult& result)
      : setup_(setup), engine_(engine), model_(model), checkpointer_(checkpointer), progress_(progress),
        result_(result), batch_order_(setup.options.seed), rc_choice_(setup.options.seed ^ 0x5243u),
        policy_(setup.options) {}

  // Continues from an interrupted or finished run's checkpoint (its weights are in the model).
  void resume_from(const TrainCheckpoint& c, const std::string& source);
  // Runs the epochs from the start or the resume point; only this saves checkpoints.
  void run();
  int first_epoch() const { return first_.epoch; }
  std::int64_t first_offset() const { return first_.offset; }
  // The best epoch's weights (kept with --patience only; empty otherwise).
  const std::vector<io::NamedTensor>& best_weights() const { return best_weights_; }

 private:
  void run_epoch(int epoch);
  EpochRecord finish_epoch(int epoch, double seconds);
  void save(const TrainPosition& at);
  [[noreturn]] void stop(const TrainPosition& at, int signal);

  const TrainSetup& setup_;
  Engine& engine_;
  SequenceModelImpl& model_;
  const Checkpointer* checkpointer_;
  Progress& progress_;
  TrainResult& result_;
  Rng batch_order_;
  Rng rc_choice_;  // its own stream: runs without --rc-augment are unchanged
  EpochPolicy policy_;   // the rate of each epoch, the best one, when to stop
  std::vector<io::NamedTensor> best_weights_;
  TrainPosition first_;  // where this process starts
  bool resumed_ = false;
  Clock::time_point start_ = Clock::now();
};

void TrainLoop::resume_from(const TrainCheckpoint& c, const std::string& source) {
  engine_.restore_optimizer(c, source);
  restore_torch_rng_state(c.torch_rng, source);
  batch_order_.set_state(c.batch_rng);
  rc_choice_.set_state(c.rc_rng);
  result_.history = c.history;
  best_weights_ = c.best_weights;
  if (c.policy.is_null()) {  // a checkpoint from before schedules: its history tells the best epoch
    for (const EpochRecord& e : c.history) policy_.observe(e);
  } else {
    policy_.restore(c.policy);
  }
  resumed_ = true;
  first_ = {c.next_epoch, c.batch_offset, c.partial_sse, c.partial_seconds, batch_order_, rc_choice_, c.train_seconds};
  if (!result_.history.empty() && !std::isfinite(result_.history.back().train_loss)) {
    result_.status = RunStatus::diverged;
    result_.diverged_epoch = result_.history.back().epoch;
    first_.epoch = setup_.options.epochs + 1;
  }
  if (policy_.should_stop()) {  // it had stopped (early, or at its last epoch): nothing left to train
    result_.stopped_early = c.next_epoch <= setup_.options.epochs;
    first_.epoch = setup_.options.epochs + 1;
  }
}

void TrainLoop::save(const TrainPosition& at) {
  TrainCheckpoint s;
  s.next_epoch = at.epoch;
  s.batch_offset = at.offset;
  s.partial_sse = at.loss_sum;
  s.partial_seconds = at.epoch_seconds;
  s.batch_rng = at.batch_rng.state();
  s.rc_rng = at.rc_rng.state();
  s.torch_rng = torch_rng_state();
  s.history = result_.history;
  s.train_seconds = at.total_seconds;
  s.engine = engine_.kind();
  s.policy = policy_.state();
  s.best_weights = best_weights_;
  engine_.sync_model();
  engine_.save_optimizer(s);
  s.weights = export_weights(model_);
  checkpointer_->save(std::move(s));
}

// Ctrl-C: save where this batch leaves off, then stop (exit 128 + signal).
void TrainLoop::stop(const TrainPosition& at, int signal) {
  if (checkpointer_) {
    save(at);
    checkpointer_->flush();  // on disk before the process exits
  }
  const std::string resume =
      checkpointer_ ? "; saved, continue with: dnacnn train --resume " + checkpointer_->run_dir().string() : "";
  throw Error(fmt::format("interrupted in epoch {} after {} of {} training rows{}", at.epoch, at.offset,
                          setup_.train_rows(), resume),
              {checkpointer_ ? checkpointer_->run_dir().string() : ""}, interrupted_exit_code(signal));
}

void TrainLoop::run_epoch(int epoch) {
  const auto epoch_start = Clock::now();
  const std::int64_t n = setup_.train_rows();
  const bool continuing = epoch == first_.epoch && first_.offset > 0;
  const TrainPosition before{epoch, 0, 0, continuing ? first_.epoch_seconds : 0, batch_order_, rc_choice_, 0};
  const std::vector<std::int64_t> order = shuffled_indices(n, batch_order_);
  const std::vector<bool> flip = rc_flips(n, setup_.options.rc_augment, rc_choice_);
  engine_.set_learning_rate(policy_.rate(epoch));
  engine_.begin_epoch(epoch, order, flip, continuing ? first_.loss_sum : 0);
  const std::int64_t batch = setup_.options.batch_size;
  for (std::int64_t b = continuing ? first_.offset : 0; b < n; b += batch) {
    const std::int64_t len = std::min(batch, n - b);
    if (const int signal = engine_.step(b, len)) {
      TrainPosition at = before;
      at.offset = b + len;
      at.loss_sum = engine_.loss_sum();
      at.epoch_seconds = before.epoch_seconds + seconds_since(epoch_start);
      at.total_seconds = first_.total_seconds + seconds_since(start_);
      stop(at, signal);
    }
  }
  const EpochRecord record = finish_epoch(epoch, before.epoch_seconds + seconds_since(epoch_start));
  const std::string& label = !setup_.options.label.empty() ? setup_.options.label : setup_.config.arch;
  progress_.update(fmt::format("{}: epoch {}/{}  train loss {:.4f}  val loss {:.4f}", label, epoch,
                               setup_.options.epochs, record.train_loss, record.val_loss));
  if (checkpointer_)
    save({epoch + 1, 0, 0, 0, batch_order_, rc_choice_, first_.total_seconds + seconds_since(start_)});
}

// The epoch's record (validation loss and scores, its rate); with --patience, keeps its weights
// when it is the best so far.
EpochRecord TrainLoop::finish_epoch(int epoch, double seconds) {
  Engine::Validation validation = engine_.validate();
  EpochRecord record{epoch, engine_.epoch_loss(), validation.loss, seconds, policy_.rate(epoch), {}};
  if (setup_.config.loss == Loss::poisson)  // scores of rates, as the final metrics see them
    for (float& v : validation.outputs) v = std::exp(v);
  record.val = validation_scores(validation.outputs, setup_.val.targets, setup_.n_targets,
                                 setup_.options.task == Task::binary);
  if (policy_.observe(record) && setup_.options.stopping.patience > 0) {
    engine_.sync_model();
    best_weights_ = export_weights(model_);
  }
  result_.history.push_back(record);
  return record;
}

void TrainLoop::run() {
  start_ = Clock::now();
  if (checkpointer_ && !resumed_)
    save({1, 0, 0, 0, batch_order_, rc_choice_, 0});  // resumable from the start
  for (int epoch = first_.epoch; epoch <= setup_.options.epochs; ++epoch) {
    run_epoch(epoch);
    if (!std::isfinite(result_.history.back().train_loss)) {
      result_.status = RunStatus::diverged;
      result_.diverged_epoch = epoch;
      break;
    }
    if (policy_.should_stop()) {
      result_.stopped_early = epoch < setup_.options.epochs;
      break;
    }
  }
  result_.best_epoch = policy_.best().best_epoch;
  if (checkpointer_) checkpointer_->flush();  // a failed write is this run's error
  result_.train_seconds = first_.total_seconds + seconds_since(start_);
}

// A rank with other data, options or resume point would pair up wrong batches.
void check_ranks_agree(Communicator& comm, const TrainSetup& s, std::int64_t parameters, const TrainLoop& loop) {
  const TrainOptions& o = s.options;
  comm.check_same({static_cast<double>(s.train_rows()), static_cast<double>(s.data.size()),
                   static_cast<double>(parameters), static_cast<double>(o.batch_size),
                   static_cast<double>(o.seed % 1000003), static_cast<double>(o.epochs),
                   static_cast<double>(loop.first_epoch()), static_cast<double>(loop.first_offset()),
                   static_cast<double>(o.stopping.patience), static_cast<double>(o.schedule.kind)},
                  "the data, the options or the checkpoint");
}

// A profile model's shapes on each split, and example regions for the report.
void score_profiles(const TrainSetup& s, SequenceModelImpl& model, TrainResult& result) {
  constexpr int kExamples = 4;
  const torch::Device device = parse_device(s.options.device);
  const std::vector<std::int64_t>& shown = !s.split.test.empty() ? s.split.test : !s.split.val.empty() ? s.split.val : s.split.train;
  result.profile.resize(s.data.n_targets());
  result.count_weight = s.count_weight;
  for (const auto& [rows, name] : {std::pair{&s.split.train, "train"}, {&s.split.val, "val"}, {&s.split.test, "test"}}) {
    if (rows->empty()) continue;
    ProfileEvaluation e = evaluate_profiles({&model}, s.data, *rows, s.config.length, device, name,
                                            rows == &shown ? kExamples : 0);
    for (std::size_t t = 0; t < e.per_target.size(); ++t)
      (name == std::string("train") ? result.profile[t].train : name == std::string("val") ? result.profile[t].val
                                                                                            : result.profile[t].test) =
          e.per_target[t];
    if (rows == &shown) result.profile_examples = std::move(e.examples);
  }
}

// After the last epoch: every row's prediction, per-target scores per split, the weights. With
// --patience the model is the best epoch's.
void finish_training(const TrainSetup& s, Engine& engine, SequenceModelImpl& model,
                     const std::vector<io::NamedTensor>& best_weights, TrainResult& result) {
  result.model_epoch = result.history.empty() ? 0 : result.history.back().epoch;
  if (s.options.stopping.patience > 0 && !best_weights.empty()) {
    import_weights(model, best_weights, "the best epoch's weights");
    engine.reload_model();
    result.model_epoch = result.best_epoch;
  }
  engine.sync_model();
  result.predictions = engine.predict_all();
  to_output_scale(result.config, result.predictions);
  const bool binary = s.options.task == Task::binary;
  for (std::size_t t = 0; t < s.data.n_targets(); ++t)
    result.per_target.push_back({scores_of(s.split.train, s.data, result.predictions, t, binary),
                                 scores_of(s.split.val, s.data, result.predictions, t, binary),
                                 scores_of(s.split.test, s.data, result.predictions, t, binary)});
  if (s.data.has_profiles()) score_profiles(s, model, result);
  result.train = result.per_target[0].train.regression;
  result.val = result.per_target[0].val.regression;
  result.test = result.per_target[0].test.regression;
  result.weights = export_weights(model);
}

}  // namespace

void check_training_fits(const SequenceData& data, const TrainOptions& options) {
  options.validate();
  check_profile_targets(data, model_config_for(options, data.common_length(), data.target_names), options);
  const SplitIndices split = split_for(data, options);
  check_batch_fits(options.batch_size, split.train.size());
  check_validation_fits(options, split);
}

// A Poisson model outputs log rates: its output bias starts at the log of each target's mean over
// the training rows, as count models are commonly started. From a bias of 0 (rate 1) against counts
// in the tens, exp's gradient threw SGD at --lr 0.01 to rates of 1e34 within an epoch.
static void start_at_mean_rate(const TrainSetup& setup, SequenceModelImpl& model) {
  const auto targets = static_cast<std::size_t>(setup.n_targets);
  torch::Tensor bias;  // the last bias with one value per target: the output layer's
  for (const auto& p : model.named_parameters(true))
    if (p.key().ends_with("bias") && p.value().dim() == 1 && static_cast<std::size_t>(p.value().size(0)) == targets) bias = p.value();
  if (!bias.defined() || setup.train.rows() == 0) return;
  std::vector<double> mean(targets, 0.0);
  for (std::size_t i = 0; i < setup.train.targets.size(); ++i) mean[i % targets] += setup.train.targets[i];
  torch::NoGradGuard no_grad;
  for (std::size_t t = 0; t < targets; ++t)
    bias[static_cast<std::int64_t>(t)].fill_(std::log(std::max(mean[t] / static_cast<double>(setup.train.rows()), 1e-6)));
}

TrainResult train_model(const SequenceData& data, const TrainOptions& options, Progress& progress,
                        const Checkpointer* checkpointer, Communicator* comm) {
  const TrainSetup setup = prepare_training(data, options);
  const torch::Device device = parse_device(options.device);
  set_thread_count(options.threads);
  TrainResult result;
  result.config = setup.config;
  result.parameters = checked_parameter_count(setup.config);
  result.split_of_row = split_of_rows(setup.split, data.size());
  torch::manual_seed(options.seed);
  SequenceModel model = build_model(setup.config);
  if (setup.config.loss == Loss::poisson) start_at_mean_rate(setup, *model);
  model->to(device);
  result.engine = choose_engine(setup, device, comm);
  const TrainCheckpoint* resume = checkpointer ? checkpointer->resume_state() : nullptr;
  const std::string checkpoint_file = checkpointer ? checkpoint_path(checkpointer->run_dir()).string() : "";
  if (resume) {
    if (resume->engine != result.engine)
      throw Error(fmt::format("checkpoint was trained by the {} engine, this build picks {}",
                              engine_name(resume->engine), engine_name(result.engine)),
                  {checkpoint_file});
    import_weights(*model, resume->weights, checkpoint_file);
  }
  const std::unique_ptr<Engine> engine = make_engine(result.engine, setup, *model, device, comm);
  TrainLoop loop(setup, *engine, *model, writes_outputs(comm) ? checkpointer : nullptr, progress, result);
  if (resume) loop.resume_from(*resume, checkpoint_file);
  if (comm) check_ranks_agree(*comm, setup, result.parameters, loop);
  loop.run();
  finish_training(setup, *engine, *model, loop.best_weights(), result);
  return result;
}

// --- choosing and building the engine (engine_select.hpp)
EngineKind choose_engine(const TrainSetup& setup, const torch::Device& device, const Communicator* comm) {
  const EngineKind asked = setup.options.engine;
  // The fused engine has no gradients to share: data-parallel training runs on LibTorch.
  if (comm && asked == EngineKind::fused)
    throw UsageError("--engine fused trains in one process; --distributed uses --engine torch (or auto)");
  const TrainOptions& o = setup.options;
  if (asked == EngineKind::fused) {  // the fused kernels have neither AdamW, weight decay nor clipping
    if (o.optimizer == Optimizer::adamw)
      throw UsageError("--engine fused has sgd and adam; --optimizer adamw trains on --engine torch (or auto)");
    if (o.effective_weight_decay() != 0) throw UsageError("--engine fused has no --weight-decay; use --engine torch (or auto)");
    if (o.clip_grad_norm > 0) throw UsageError("--engine fused has no --clip-grad-norm; use --engine torch (or auto)");
    if (o.loss != Loss::mse) throw UsageError("--engine fused trains with the MSE loss; --loss poisson trains on --engine torch (or auto)");
  }
  const bool fits = has_fused_kernels(setup.config) && device.is_cpu() &&
                    (o.optimizer == Optimizer::sgd || o.optimizer == Optimizer::adam) &&
                    o.effective_weight_decay() == 0 && o.clip_grad_norm == 0 && o.loss == Loss::mse;
  if (asked == EngineKind::fused && !fits)
    throw UsageError("--engine fused covers the cnn and linear models on the CPU with sgd or adam");
  if (asked == EngineKind::fused || (asked == EngineKind::automatic && !comm && fits)) return EngineKind::fused;
  return EngineKind::torch;
}

std::unique_ptr<Engine> make_engine(EngineKind kind, const TrainSetup& setup, SequenceModelImpl& model,
                                    const torch::Device& device, Communicator* comm) {
  if (kind == EngineKind::fused) return std::make_unique<FusedEngine>(setup, model);
  return std::make_unique<TorchEngine>(setup, model, device, comm);
}

}  // namespace dnacnn

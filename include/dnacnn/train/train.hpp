// Training a model on a data set: split, mini-batch optimisation, per-epoch history, metrics.
#pragma once
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/io/safetensors.hpp"
#include "dnacnn/infer/metrics.hpp"
#include "dnacnn/infer/profile_metrics.hpp"
#include "dnacnn/models/model_config.hpp"
#include "dnacnn/models/model_spec.hpp"
#include "dnacnn/core/progress.hpp"
#include "dnacnn/data/split.hpp"
#include "dnacnn/train/schedule.hpp"

namespace dnacnn {

// Which training engine: automatic picks the fused CPU engine where it applies (the notebook's
// cnn/linear with sgd/adam on the CPU, one process), else LibTorch. Named auto|torch|fused.
enum class EngineKind { automatic, torch, fused };
EngineKind parse_engine(std::string_view name);
std::string_view engine_name(EngineKind engine);

// adamw: Adam with decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW.
enum class Optimizer { sgd, adam, adamw };
Optimizer parse_optimizer(std::string_view name);
std::string_view optimizer_name(Optimizer optimizer);

// batch: with threads > 1 on the CPU, each thread trains on its share of every batch (own model
// replica, one-threaded ops); ops: LibTorch's threads inside each operation.
enum class Threading { batch, ops };
Threading parse_threading(std::string_view name);
std::string_view threading_name(Threading threading);

// ok, or diverged: a non-finite training loss stopped the run.
enum class RunStatus { ok, diverged };
std::string_view status_name(RunStatus status);

struct TrainOptions {
  std::string arch = "cnn";       // --model: a built-in architecture, a zoo model or a spec file
  // --model FILE.json: the spec as read when the run began (run.json and checkpoints keep it, so a
  // resumed or repeated run does not depend on the file still being there, unchanged).
  std::optional<ModelSpec> spec;
  std::map<std::string, double> hparams;  // overrides of the architecture's defaults
  int epochs = 50;
  double lr = 0.01;
  int batch_size = 128;
  Optimizer optimizer = Optimizer::sgd;
  std::uint64_t seed = 17;        // weight init and batch order
  std::uint64_t split_seed = 42;  // which rows go to train/val/test (the notebook's random_state)
  double val_frac = 0.16;
  double test_frac = 0.2;
  int threads = 1;
  Threading threading = Threading::batch;
  std::string device = "cpu";
  std::string label;              // name shown in progress lines (default: arch)
  EngineKind engine = EngineKind::automatic;
  Task task = Task::regression;     // regression (MSE) | binary (BCE on logits; targets 0/1)
  double pos_weight = 1;            // binary: weight of the positive term of the loss (class imbalance)
  Loss loss = Loss::mse;            // regression: mse | poisson | multinomial (profile models, --profile)
  // multinomial: the weight λ of the log-count MSE beside the profile's multinomial NLL. Below 0:
  // chosen from the data as ChromBPNet does (median total count of the training rows / 10).
  double count_weight = -1;
  bool rc_augment = false;          // each epoch, a random half of the training rows is reverse-complemented
  std::string pad;                  // the data was fitted with --length/--pad (stored in the model config)
  // sgd/adam: an L2 term added to the gradient; adamw: decoupled decay. Not given: 0, adamw 0.01
  // (PyTorch's defaults).
  std::optional<double> weight_decay;
  double clip_grad_norm = 0;        // the gradients' largest global L2 norm per step; 0: no clipping
  ScheduleOptions schedule;         // the learning rate of each epoch
  EarlyStopOptions stopping;        // and when to stop
  // --folds K: this model is fold `folds.index` of a K-fold ensemble and trains on that fold's split
  // (split.hpp) instead of --val-frac/--test-frac's or a given one.
  FoldOptions folds;

  double effective_weight_decay() const { return weight_decay.value_or(optimizer == Optimizer::adamw ? 0.01 : 0.0); }
  void validate() const;  // UsageError for out-of-range values
  // Early stopping and the plateau schedule watch the validation split: a run without one is refused.
  bool needs_validation() const;

 private:
  void validate_schedule() const;
  void validate_stopping() const;
};

// The one serialisation of TrainOptions, used by checkpoints (the job to resume) and run.json.
// Keys added later are optional when read, with the behaviour of the runs written before them.
void to_json(nlohmann::json& j, const TrainOptions& options);
void from_json(const nlohmann::json& j, TrainOptions& options);

// Validation scores of an epoch beyond the loss: the mean over the targets (targets where the score
// is undefined, e.g. AUROC of a split with one class, left out); NaN without a validation split and
// for the other task's scores.
struct ValidationScores {
  double r2 = std::numeric_limits<double>::quiet_NaN();
  double pearson = std::numeric_limits<double>::quiet_NaN();
  double auroc = std::numeric_limits<double>::quiet_NaN();
  double auprc = std::numeric_limits<double>::quiet_NaN();
};

struct EpochRecord {
  int epoch = 0;
  double train_loss = 0;
  double val_loss = 0;  // NaN when there is no validation split
  double seconds = 0;   // wall time of this epoch
  double lr = std::numeric_limits<double>::quiet_NaN();  // the rate of this epoch (NaN: a run from before schedules)
  ValidationScores val;
};
// The value --monitor watches in `record`.
double monitored_value(const EpochRecord& record, Monitor monitor);

struct TrainResult {
  ModelConfig config;
  std::vector<io::NamedTensor> weights;
  std::vector<EpochRecord> history;
  RunStatus status = RunStatus::ok;
  EngineKind engine = EngineKind::torch;  // which engine trained it: fused or torch
  int diverged_epoch = 0;     // first epoch with a non-finite loss
  int best_epoch = 0;         // the epoch with the best --monitor value (0: no validation split)
  int model_epoch = 0;        // the epoch whose weights are `weights`: best_epoch with --patience, else the last
  bool stopped_early = false; // --patience ended the run before --epochs
  double train_seconds = 0;
  std::int64_t parameters = 0;
  std::vector<Split> split_of_row;  // per data row
  std::vector<float> predictions;   // rows x targets, row-major (probabilities for binary tasks)
  RegressionMetrics train, val, test;  // first target
  struct TargetScores {
    Scores train, val, test;  // n = 0 for an empty split
  };
  std::vector<TargetScores> per_target;  // every target, binary metrics included
  // Profile models: each target's profile scores per split, the λ the count loss had, and a few
  // regions' observed and predicted profiles (the test split's with the most counts).
  struct ProfileSplits {
    ProfileScores train, val, test;
  };
  std::vector<ProfileSplits> profile;
  double count_weight = 0;
  std::vector<ProfileExample> profile_examples;
};

// Throws UsageError when `options` cannot train on `data` (a batch larger than the training split,
// hyper-parameters the architecture does not take): checked before any output is written.
void check_training_fits(const SequenceData& data, const TrainOptions& options);

class Checkpointer;  // dnacnn/checkpoint.hpp
class Communicator;  // dnacnn/distributed.hpp

// Trains on `data` (which must have targets and one sequence length). The split is data.given_split
// when set, else random. Deterministic for a given seed, split seed and thread count. With a
// checkpointer, the state is saved after every epoch, training resumes from its checkpoint when it
// has one, and an interrupt (Ctrl-C, see interrupt.hpp) saves and stops after the current batch:
// Error with exit code 128 + signal.
// With a communicator, this process is one rank of a data-parallel group (see src/train/torch/gradient_sharing.hpp):
// the LibTorch engine, the same result as one process up to rounding; only rank 0 saves checkpoints.
TrainResult train_model(const SequenceData& data, const TrainOptions& options, Progress& progress,
                        const Checkpointer* checkpointer = nullptr, Communicator* comm = nullptr);

}  // namespace dnacnn

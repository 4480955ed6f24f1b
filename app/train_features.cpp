// The options of the training features every peer has: learning-rate schedules, early stopping,
// weight decay and gradient clipping. Shared by train and sweep; the names are those of run.json.
#include <fmt/format.h>

#include "commands.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn::app {

namespace {

void add_schedule_options(CLI::App& app, ScheduleOptions& s) {
  add_enum_option(app, "--lr-schedule", s.kind, parse_lr_schedule, lr_schedule_name,
                  "Learning rate per epoch: constant, step (x --lr-gamma every --lr-step-size epochs), cosine "
                  "(down to --lr-min), plateau (x --plateau-factor after --plateau-patience epochs without "
                  "improvement of --monitor) or onecycle (up from --lr/25 to --lr, then down; PyTorch's OneCycleLR)");
  app.add_option("--warmup-epochs", s.warmup_epochs,
                 "Epochs of linear warm-up before the schedule: epoch e of W runs at --lr x e/(W+1)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--lr-step-size", s.step_size, "--lr-schedule step: epochs between decays")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--lr-gamma", s.gamma, "--lr-schedule step: factor of each decay")
      ->check(finite_number())
      ->capture_default_str();
  app.add_option("--lr-min", s.min_lr, "--lr-schedule cosine: the rate it anneals to; plateau: the lowest rate")
      ->check(finite_number())
      ->capture_default_str();
  app.add_option("--plateau-factor", s.plateau_factor, "--lr-schedule plateau: factor of each reduction")
      ->check(finite_number())
      ->capture_default_str();
  app.add_option("--plateau-patience", s.plateau_patience,
                 "--lr-schedule plateau: epochs without improvement before a reduction")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--onecycle-pct", s.onecycle_pct, "--lr-schedule onecycle: share of the epochs spent rising")
      ->check(finite_number())
      ->capture_default_str();
}

void add_stopping_options(CLI::App& app, EarlyStopOptions& s) {
  app.add_option("--patience", s.patience,
                 "Early stopping: stop after N epochs without improvement of --monitor and keep the best epoch's "
                 "weights (0: train every epoch, keep the last)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--min-delta", s.min_delta, "The least change of --monitor that counts as an improvement")
      ->check(finite_number())
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  add_enum_option(app, "--monitor", s.monitor, parse_monitor, monitor_name,
                  "Validation value that --patience and --lr-schedule plateau watch: val_loss (minimised), val_r2 "
                  "(regression) or val_auroc (binary), maximised");
}

}  // namespace

void add_training_feature_options(CLI::App& app, TrainOptions& o) {
  add_schedule_options(app, o.schedule);
  add_stopping_options(app, o.stopping);
  app.add_option_function<double>(
         "--weight-decay", [&o](double value) { o.weight_decay = value; },
         "sgd/adam: L2 penalty added to the gradient; adamw: decoupled weight decay (as torch.optim)")
      ->check(finite_number())
      ->check(CLI::NonNegativeNumber)
      ->default_str("0 (adamw: 0.01)");
  app.add_option_function<std::string>(
         "--loss", [&o](const std::string& name) { o.loss = parse_loss(name); },
         "Regression loss: mse; poisson (the model predicts log rates of count targets; predictions are rates); "
         "multinomial (profile models: multinomial NLL of each track's per-base counts plus --count-weight x MSE "
         "of log(1 + total); --profile sets it)")
      ->check(CLI::IsMember({"mse", "poisson", "multinomial"}))
      ->default_str("mse (--profile: multinomial)");
  app.add_option("--count-weight", o.count_weight,
                 "Profile models: weight of the log-count loss beside the profile's (default: the training rows' "
                 "median total count / 10, as ChromBPNet)")
      ->check(finite_number())
      ->check(CLI::NonNegativeNumber)
      ->default_str("median count / 10");
  app.add_option("--clip-grad-norm", o.clip_grad_norm,
                 "Scale each step's gradients down to this global L2 norm when larger (0: no clipping)")
      ->check(finite_number())
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

void check_training_feature_options(const CLI::App& app, const TrainOptions& o) {
  const auto refuse_unless = [&](LrSchedule kind, std::initializer_list<const char*> flags) {
    if (o.schedule.kind == kind) return;
    for (const char* flag : flags)
      if (app.count(flag) > 0)
        throw UsageError(fmt::format("{} goes with --lr-schedule {}", flag, lr_schedule_name(kind)));
  };
  refuse_unless(LrSchedule::step, {"--lr-step-size", "--lr-gamma"});
  refuse_unless(LrSchedule::plateau, {"--plateau-factor", "--plateau-patience"});
  refuse_unless(LrSchedule::onecycle, {"--onecycle-pct"});
  if (app.count("--lr-min") > 0 && o.schedule.kind != LrSchedule::cosine && o.schedule.kind != LrSchedule::plateau)
    throw UsageError("--lr-min goes with --lr-schedule cosine or plateau");
  if (app.count("--min-delta") > 0 && o.stopping.patience == 0 && o.schedule.kind != LrSchedule::plateau)
    throw UsageError("--min-delta goes with --patience or --lr-schedule plateau");
}

}  // namespace dnacnn::app

// TrainOptions: the names of its enums, its checks, and its one JSON form (checkpoints, run.json).
#include <filesystem>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fmt/format.h>

#include "core/json_get.hpp"
#include "dnacnn/core/enum_names.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {
namespace {

constexpr std::array<std::string_view, 3> kEngineNames{"auto", "torch", "fused"};
constexpr std::array<std::string_view, 3> kOptimizerNames{"sgd", "adam", "adamw"};
constexpr std::array<std::string_view, 2> kThreadingNames{"batch", "ops"};
constexpr std::array<std::string_view, 2> kStatusNames{"ok", "diverged"};

template <class T>
void read_optional(const nlohmann::json& j, const char* key, T& value) {
  if (j.contains(key)) json_get::get_to(j.at(key), value);
}

}  // namespace

EngineKind parse_engine(std::string_view name) { return parse_enum<EngineKind>(name, kEngineNames, "--engine"); }
std::string_view engine_name(EngineKind engine) { return enum_name(engine, kEngineNames); }
Optimizer parse_optimizer(std::string_view name) { return parse_enum<Optimizer>(name, kOptimizerNames, "--optimizer"); }
std::string_view optimizer_name(Optimizer optimizer) { return enum_name(optimizer, kOptimizerNames); }
Threading parse_threading(std::string_view name) { return parse_enum<Threading>(name, kThreadingNames, "--threading"); }
std::string_view threading_name(Threading threading) { return enum_name(threading, kThreadingNames); }
std::string_view status_name(RunStatus status) { return enum_name(status, kStatusNames); }

void TrainOptions::validate() const {
  if (epochs < 1) throw UsageError("--epochs must be at least 1");
  if (batch_size < 1) throw UsageError("--batch-size must be at least 1");
  if (!(lr > 0) || !std::isfinite(lr)) throw UsageError("--lr must be a positive number");
  if (threads < 1) throw UsageError("--threads must be at least 1");
  if (!(pos_weight > 0) || !std::isfinite(pos_weight)) throw UsageError("--pos-weight must be a positive number");
  if (pos_weight != 1 && task != Task::binary) throw UsageError("--pos-weight applies to --task binary only");
  if (loss != Loss::mse && task == Task::binary)
    throw UsageError(fmt::format("--loss {} is for regression; --task binary trains with binary cross-entropy", loss_name(loss)));
  if (!std::isfinite(count_weight) || (count_weight >= 0 && loss != Loss::multinomial))
    throw UsageError("--count-weight applies to profile models (--profile, --loss multinomial)");
  if (weight_decay && !(*weight_decay >= 0 && std::isfinite(*weight_decay)))
    throw UsageError("--weight-decay must be a non-negative number");
  if (!(clip_grad_norm >= 0) || !std::isfinite(clip_grad_norm))
    throw UsageError("--clip-grad-norm must be a non-negative number (0: no clipping)");
  validate_schedule();
  validate_stopping();
  if (folds.count != 0 && folds.count < 3)
    throw UsageError(fmt::format("--folds {}: cross-validation needs at least 3 folds (each model is tested on one, "
                                 "validated on the next and trained on the rest)", folds.count));
  if (folds.count < 0 || folds.index < 0 || (folds.count > 0 && folds.index >= folds.count))
    throw UsageError(fmt::format("fold {} of --folds {} does not exist", folds.index, folds.count));
}

void TrainOptions::validate_schedule() const {
  const ScheduleOptions& s = schedule;
  if (s.warmup_epochs < 0 || s.warmup_epochs >= epochs)
    throw UsageError(fmt::format("--warmup-epochs must be 0 to --epochs - 1 ({}), got {}", epochs - 1, s.warmup_epochs));
  if (s.step_size < 1) throw UsageError("--lr-step-size must be at least 1");
  if (!(s.gamma > 0 && s.gamma <= 1)) throw UsageError("--lr-gamma must be in (0, 1]");
  if (!(s.min_lr >= 0 && s.min_lr < lr)) throw UsageError("--lr-min must be at least 0 and below --lr");
  if (!(s.plateau_factor > 0 && s.plateau_factor < 1)) throw UsageError("--plateau-factor must be in (0, 1)");
  if (s.plateau_patience < 0) throw UsageError("--plateau-patience must be at least 0");
  if (!(s.onecycle_pct > 0 && s.onecycle_pct < 1)) throw UsageError("--onecycle-pct must be in (0, 1)");
}

void TrainOptions::validate_stopping() const {
  if (stopping.patience < 0) throw UsageError("--patience must be at least 0 (0: no early stopping)");
  if (!(stopping.min_delta >= 0) || !std::isfinite(stopping.min_delta))
    throw UsageError("--min-delta must be a non-negative number");
  if (stopping.monitor == Monitor::val_r2 && task == Task::binary)
    throw UsageError("--monitor val_r2 is a regression score; --task binary monitors val_loss or val_auroc");
  if (stopping.monitor == Monitor::val_auroc && task != Task::binary)
    throw UsageError("--monitor val_auroc is a --task binary score; regression monitors val_loss or val_r2");
}

bool TrainOptions::needs_validation() const {
  return stopping.patience > 0 || schedule.kind == LrSchedule::plateau;
}

void to_json(nlohmann::json& j, const TrainOptions& o) {
  j = {{"arch", o.arch},
       {"hparams", o.hparams},
       {"epochs", o.epochs},
       {"lr", o.lr},
       {"batch_size", o.batch_size},
       {"optimizer", optimizer_name(o.optimizer)},
       {"seed", o.seed},
       {"split_seed", o.split_seed},
       {"val_frac", o.val_frac},
       {"test_frac", o.test_frac},
       {"threads", o.threads},
       {"threading", threading_name(o.threading)},
       {"device", o.device},
       {"label", o.label},
       {"engine", engine_name(o.engine)},
       {"task", task_name(o.task)},
       {"pos_weight", o.pos_weight},
       {"rc_augment", o.rc_augment},
       {"pad", o.pad},
       {"weight_decay", o.effective_weight_decay()},
       {"clip_grad_norm", o.clip_grad_norm},
       {"lr_schedule", lr_schedule_name(o.schedule.kind)},
       {"warmup_epochs", o.schedule.warmup_epochs},
       {"lr_step_size", o.schedule.step_size},
       {"lr_gamma", o.schedule.gamma},
       {"lr_min", o.schedule.min_lr},
       {"plateau_factor", o.schedule.plateau_factor},
       {"plateau_patience", o.schedule.plateau_patience},
       {"onecycle_pct", o.schedule.onecycle_pct},
       {"patience", o.stopping.patience},
       {"min_delta", o.stopping.min_delta},
       {"monitor", monitor_name(o.stopping.monitor)}};
  if (o.spec) j["spec"] = model_spec_json(*o.spec);
  if (o.loss != Loss::mse) {  // written only when set: run.json of other runs stays as it was
    j["loss"] = loss_name(o.loss);
    j["count_weight"] = o.count_weight;
  }
  if (o.folds.count > 0) {  // written only for folds: run.json of other runs stays as it was
    j["folds"] = o.folds.count;
    j["fold"] = o.folds.index;
    j["fold_by"] = fold_by_name(o.folds.by);
  }
}

void from_json(const nlohmann::json& j, TrainOptions& o) {
  o = TrainOptions{};
  json_get::get_to(j.at("arch"), o.arch);
  json_get::get_to(j.at("hparams"), o.hparams);
  json_get::get_to(j.at("epochs"), o.epochs);
  json_get::get_to(j.at("lr"), o.lr);
  json_get::get_to(j.at("batch_size"), o.batch_size);
  o.optimizer = parse_optimizer(j.at("optimizer").get<std::string>());
  json_get::get_to(j.at("seed"), o.seed);
  json_get::get_to(j.at("split_seed"), o.split_seed);
  json_get::get_to(j.at("val_frac"), o.val_frac);
  json_get::get_to(j.at("test_frac"), o.test_frac);
  json_get::get_to(j.at("threads"), o.threads);
  // Checkpoints from before --threading trained per operation.
  o.threading = parse_threading(j.value("threading", "ops"));
  json_get::get_to(j.at("device"), o.device);
  read_optional(j, "label", o.label);
  o.engine = parse_engine(j.at("engine").get<std::string>());
  o.task = parse_task(j.at("task").get<std::string>());
  json_get::get_to(j.at("pos_weight"), o.pos_weight);
  json_get::get_to(j.at("rc_augment"), o.rc_augment);
  read_optional(j, "pad", o.pad);
  // Runs from before these options: no weight decay, no clipping, a constant rate, every epoch.
  if (j.contains("weight_decay")) o.weight_decay = j.at("weight_decay").get<double>();
  read_optional(j, "clip_grad_norm", o.clip_grad_norm);
  if (j.contains("lr_schedule")) o.schedule.kind = parse_lr_schedule(j.at("lr_schedule").get<std::string>());
  read_optional(j, "warmup_epochs", o.schedule.warmup_epochs);
  read_optional(j, "lr_step_size", o.schedule.step_size);
  read_optional(j, "lr_gamma", o.schedule.gamma);
  read_optional(j, "lr_min", o.schedule.min_lr);
  read_optional(j, "plateau_factor", o.schedule.plateau_factor);
  read_optional(j, "plateau_patience", o.schedule.plateau_patience);
  read_optional(j, "onecycle_pct", o.schedule.onecycle_pct);
  read_optional(j, "patience", o.stopping.patience);
  read_optional(j, "min_delta", o.stopping.min_delta);
  if (j.contains("monitor")) o.stopping.monitor = parse_monitor(j.at("monitor").get<std::string>());
  if (j.contains("loss")) o.loss = parse_loss(j.at("loss").get<std::string>());
  read_optional(j, "count_weight", o.count_weight);
  read_optional(j, "folds", o.folds.count);
  read_optional(j, "fold", o.folds.index);
  if (j.contains("fold_by")) o.folds.by = parse_fold_by(j.at("fold_by").get<std::string>());
  if (j.contains("spec")) {
    o.spec = model_spec_from_json(j.at("spec"), "the recorded spec");
    if (o.spec->name.empty()) o.spec->name = std::filesystem::path(o.arch).stem().string();
  }
}

double monitored_value(const EpochRecord& record, Monitor monitor) {
  switch (monitor) {
    case Monitor::val_loss: return record.val_loss;
    case Monitor::val_r2: return record.val.r2;
    case Monitor::val_auroc: return record.val.auroc;
  }
  return record.val_loss;
}

}  // namespace dnacnn

// TrainOptions: the names of its enums, its checks, and its one JSON form (checkpoints, run.json).
#include <filesystem>
#include <nlohmann/json.hpp>

#include <cmath>

#include "dnacnn/core/enum_names.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {
namespace {

constexpr std::array<std::string_view, 3> kEngineNames{"auto", "torch", "fused"};
constexpr std::array<std::string_view, 2> kOptimizerNames{"sgd", "adam"};
constexpr std::array<std::string_view, 2> kThreadingNames{"batch", "ops"};
constexpr std::array<std::string_view, 2> kStatusNames{"ok", "diverged"};

template <class T>
void read_optional(const nlohmann::json& j, const char* key, T& value) {
  if (j.contains(key)) j.at(key).get_to(value);
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
       {"pad", o.pad}};
  if (o.spec) j["spec"] = model_spec_json(*o.spec);
}

void from_json(const nlohmann::json& j, TrainOptions& o) {
  o = TrainOptions{};
  j.at("arch").get_to(o.arch);
  j.at("hparams").get_to(o.hparams);
  j.at("epochs").get_to(o.epochs);
  j.at("lr").get_to(o.lr);
  j.at("batch_size").get_to(o.batch_size);
  o.optimizer = parse_optimizer(j.at("optimizer").get<std::string>());
  j.at("seed").get_to(o.seed);
  j.at("split_seed").get_to(o.split_seed);
  j.at("val_frac").get_to(o.val_frac);
  j.at("test_frac").get_to(o.test_frac);
  j.at("threads").get_to(o.threads);
  // Checkpoints from before --threading trained per operation.
  o.threading = parse_threading(j.value("threading", "ops"));
  j.at("device").get_to(o.device);
  read_optional(j, "label", o.label);
  o.engine = parse_engine(j.at("engine").get<std::string>());
  o.task = parse_task(j.at("task").get<std::string>());
  j.at("pos_weight").get_to(o.pos_weight);
  j.at("rc_augment").get_to(o.rc_augment);
  read_optional(j, "pad", o.pad);
  if (j.contains("spec")) {
    o.spec = model_spec_from_json(j.at("spec"), "run options");
    if (o.spec->name.empty()) o.spec->name = std::filesystem::path(o.arch).stem().string();
  }
}

}  // namespace dnacnn

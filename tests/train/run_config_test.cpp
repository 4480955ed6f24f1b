// `train --config`: run.json (or a hand-written file with its keys) read back as options, with a
// one-line error naming the file and the key for anything it does not take; and the checkpoint
// state of schedules and early stopping.
#include "dnacnn/train/run_config.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/safetensors.hpp"
#include "dnacnn/train/checkpoint.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

// The message and exit code of reading `text` as a config file.
std::pair<std::string, int> failure(const TempDir& dir, const std::string& text) {
  const fs::path path = dir / "run.json";
  test::write_file(path, text);
  try {
    read_run_config(path);
  } catch (const Error& e) {
    return {e.what(), e.exit_code()};
  }
  return {"accepted", 0};
}

TEST(RunConfig, ReadsRunJsonParamsWithHyperParametersInlineAndDataBesideIt) {
  TempDir dir;
  test::write_file(dir / "run.json", R"({"name": "mine", "dnacnn_version": "x", "command": "dnacnn train",
    "data": {"path": "data.tsv", "rows": 10, "md5": "00"}, "rule": {"kind": "kmer"},
    "params": {"arch": "cnn", "epochs": 7, "lr": 0.05, "optimizer": "adamw", "filters": 8, "kernel_size": 5,
               "length": 40, "parameters": 300, "engine": "torch", "lr_schedule": "cosine", "patience": 3,
               "monitor": "val_r2"}})");
  const RunConfig c = read_run_config(dir / "run.json");
  EXPECT_EQ(c.name, "mine");
  EXPECT_EQ(c.data, dir / "data.tsv");  // relative to the file
  EXPECT_EQ(c.rule.at("kind"), "kmer");
  EXPECT_EQ(c.options.epochs, 7);
  EXPECT_EQ(c.options.lr, 0.05);
  EXPECT_EQ(c.options.optimizer, Optimizer::adamw);
  EXPECT_EQ(c.options.effective_weight_decay(), 0.01);  // not given: adamw's default
  EXPECT_EQ(c.options.engine, EngineKind::torch);
  EXPECT_EQ(c.options.hparams, (std::map<std::string, double>{{"filters", 8}, {"kernel_size", 5}}));
  EXPECT_EQ(c.options.schedule.kind, LrSchedule::cosine);
  EXPECT_EQ(c.options.stopping.patience, 3);
  EXPECT_EQ(c.options.batch_size, TrainOptions{}.batch_size);  // absent keys: the command line's defaults
  EXPECT_FALSE(c.table);
}

TEST(RunConfig, UnknownKeysAndBadValuesNameTheFileAndKey) {
  TempDir dir;
  const std::string file = (dir / "run.json").string();
  EXPECT_EQ(failure(dir, R"({"params": {"epochs": 3, "learning_rate": 0.1}})"),
            std::make_pair(file + ": unknown key 'params.learning_rate'", 2));
  EXPECT_EQ(failure(dir, R"({"parameters": {}})"), std::make_pair(file + ": unknown key 'parameters'", 2));
  EXPECT_EQ(failure(dir, R"({"params": {"epochs": "many"}})"),
            std::make_pair(file + ": key 'params.epochs': \"many\" is not a value it takes", 2));
  // Whole numbers only, in range: nlohmann would cast 3.3e19 into an int (undefined; the fuzzer's find).
  EXPECT_EQ(failure(dir, R"({"params": {"folds": 3, "fold": 33333333333333333331}})"),
            std::make_pair(file + ": key 'params.fold': 3.333333333333333e+19 is not a value it takes", 2));
  EXPECT_EQ(failure(dir, R"({"params": {"epochs": 2.5}})"),
            std::make_pair(file + ": key 'params.epochs': 2.5 is not a value it takes", 2));
  EXPECT_EQ(failure(dir, R"({"params": {"epochs": 4294967297}})"),
            std::make_pair(file + ": key 'params.epochs': 4294967297 is not a value it takes", 2));
  EXPECT_EQ(failure(dir, R"({"params": {"lr_schedule": "linear"}})"),
            std::make_pair(file + ": key 'params.lr_schedule': --lr-schedule must be constant, step, cosine, plateau "
                                  "or onecycle, got 'linear'", 2));
  EXPECT_EQ(failure(dir, R"({"params": {"arch": "cnn", "hidden": 8}})"),  // deepcnn's, not cnn's
            std::make_pair(file + ": unknown key 'params.hidden'", 2));
  EXPECT_EQ(failure(dir, R"({"params": {"lr": -1}})"), std::make_pair(file + ": --lr must be a positive number", 2));
  EXPECT_EQ(failure(dir, "[1, 2"), std::make_pair(file + ": not JSON (byte 6)", 2));
  EXPECT_EQ(failure(dir, R"({"input": {"tables": {}}})"), std::make_pair(file + ": unknown key 'input.tables'", 2));
  // A directory opens as a stream, then reading it threw ios_base::failure out of the JSON parser: an
  // "arch" of "" named the config's own directory as the spec file (found by the run_config campaign).
  EXPECT_EQ(failure(dir, R"({"params": {"arch": ""}})"), std::make_pair(file + ": key 'params.arch': " + dir.path().string() + "/: cannot read model spec", 2));
  EXPECT_THROW_MSG(read_run_config(dir.path()), Error, "cannot read the --config file");
}

TEST(RunConfig, CommandLineFlagsOverrideTheirKeys) {
  EXPECT_EQ(option_key_of_flag("--batch-size"), "batch_size");
  EXPECT_EQ(option_key_of_flag("--model"), "arch");
  TrainOptions base;
  base.arch = "deepcnn";
  base.hparams = {{"hidden", 8}};
  base.epochs = 9;
  base.lr = 0.5;
  TrainOptions given;
  given.epochs = 2;
  given.lr = 0.1;
  const TrainOptions merged = override_options(base, given, {"epochs", "out", "quiet"});
  EXPECT_EQ(merged.epochs, 2);
  EXPECT_EQ(merged.lr, 0.5);
  EXPECT_EQ(merged.hparams, base.hparams);
  // Another --model: the recorded hyper-parameters were the other architecture's; another
  // --optimizer: the recorded weight decay was the other optimiser's.
  EXPECT_TRUE(override_options(base, given, {"arch"}).hparams.empty());
  base.weight_decay = 0.0;
  given.optimizer = Optimizer::adamw;
  EXPECT_EQ(override_options(base, given, {"optimizer"}).effective_weight_decay(), 0.01);
  given.weight_decay = 0.2;
  EXPECT_EQ(override_options(base, given, {"optimizer", "weight_decay"}).effective_weight_decay(), 0.2);
  // A recorded fused engine is read as auto: it applies to adamw no more.
  base.engine = EngineKind::fused;
  EXPECT_EQ(override_options(base, given, {"optimizer"}).engine, EngineKind::automatic);
  EXPECT_EQ(override_options(base, given, {"engine"}).engine, EngineKind::automatic);  // given's (auto)
}

TEST(Checkpoint, CarriesTheScheduleEarlyStoppingAndTheBestWeights) {
  TempDir dir;
  Checkpoint c;
  c.state.weights = {{"w", {2}, {1, 2}}};
  c.state.best_weights = {{"w", {2}, {3, 4}}};
  c.state.policy = {{"schedule", {{"plateau_lr", 0.25}}}, {"best", {{"best_epoch", 2}}}};
  EpochRecord e{1, 0.5, 0.25, 0.1};
  e.lr = 0.125;
  e.val.r2 = 0.75;
  e.val.pearson = 0.875;
  c.state.history = {e};
  write_checkpoint(dir.path(), c);
  const Checkpoint r = read_checkpoint(dir.path());
  EXPECT_EQ(r.state.policy, c.state.policy);
  ASSERT_EQ(r.state.best_weights.size(), 1u);
  EXPECT_EQ(r.state.best_weights[0].values, (std::vector<float>{3, 4}));
  ASSERT_EQ(r.state.history.size(), 1u);
  EXPECT_EQ(r.state.history[0].lr, 0.125);
  EXPECT_EQ(r.state.history[0].val.r2, 0.75);
  EXPECT_EQ(r.state.history[0].val.pearson, 0.875);
  EXPECT_TRUE(std::isnan(r.state.history[0].val.auroc));
}

TEST(Checkpoint, OneWrittenBeforeSchedulesReadsAsAConstantRateRunWithoutEarlyStopping) {
  TempDir dir;
  Checkpoint c;
  c.job.options.epochs = 5;
  c.state.weights = {{"w", {1}, {1}}};
  c.state.history = {{1, 0.5, 0.25, 0.1}};
  write_checkpoint(dir.path(), c);
  // Take out what this version added: the options' new keys, the policy, the history's later fields.
  std::map<std::string, std::string> meta;
  const auto tensors = io::read_safetensors(checkpoint_path(dir.path()), &meta);
  nlohmann::json job = nlohmann::json::parse(meta["job"]), state = nlohmann::json::parse(meta["state"]);
  for (const char* key : {"weight_decay", "clip_grad_norm", "lr_schedule", "warmup_epochs", "lr_step_size", "lr_gamma",
                          "lr_min", "plateau_factor", "plateau_patience", "onecycle_pct", "patience", "min_delta",
                          "monitor"})
    ASSERT_EQ(job["options"].erase(key), 1u) << key;
  ASSERT_EQ(state.erase("policy"), 1u);
  state["history"][0] = nlohmann::json::array({1, 0.5, 0.25, 0.1});
  meta["job"] = job.dump();
  meta["state"] = state.dump();
  io::write_safetensors(checkpoint_path(dir.path()), tensors, meta);

  const Checkpoint old = read_checkpoint(dir.path());
  EXPECT_TRUE(old.state.policy.is_null());
  EXPECT_TRUE(old.state.best_weights.empty());
  ASSERT_EQ(old.state.history.size(), 1u);
  EXPECT_EQ(old.state.history[0].val_loss, 0.25);
  EXPECT_TRUE(std::isnan(old.state.history[0].lr));
  EXPECT_EQ(old.job.options.schedule.kind, LrSchedule::constant);
  EXPECT_EQ(old.job.options.stopping.patience, 0);
  EXPECT_EQ(old.job.options.effective_weight_decay(), 0.0);
  EXPECT_EQ(old.job.options.epochs, 5);
}

}  // namespace
}  // namespace dnacnn

// Bad option values, case by case, through the real binary: exit 2 (or 1 where the value names a
// bad file or place) and one line `dnacnn <cmd>: ...`, nothing written. One CTest test per case.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "cli_support.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using clitest::dnacnn;
using clitest::expect_one_line_error;
using clitest::simulate;
using clitest::train;

using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;

struct BadOption {
  std::string name;
  std::vector<std::string> args;  // {data} {model} {out} {dir} are filled in
  int code;
  std::string what;  // part of the message ("" = any)
};
std::ostream& operator<<(std::ostream& os, const BadOption& c) { return os << c.name; }

std::vector<std::string> with(std::vector<std::string> base, std::vector<std::string> extra) {
  base.insert(base.end(), extra.begin(), extra.end());
  return base;
}

std::vector<BadOption> train_cases() {
  const std::vector<std::string> t{"train", "--data", "{data}", "--out", "{out}", "--quiet"};
  return {
      {"EpochsZero", with(t, {"--epochs", "0"}), 2, "--epochs"},
      {"EpochsNegative", with(t, {"--epochs=-3"}), 2, "--epochs"},
      {"EpochsHuge", with(t, {"--epochs", "100000000000000"}), 2, "--epochs"},
      {"EpochsText", with(t, {"--epochs", "many"}), 2, "--epochs"},
      {"BatchSizeZero", with(t, {"--batch-size", "0"}), 2, "--batch-size"},
      {"BatchSizeNegative", with(t, {"--batch-size=-5"}), 2, "--batch-size"},
      {"BatchSizeLargerThanData", with(t, {"--batch-size", "128"}), 2, "larger than the training split (40 rows)"},
      {"LrZero", with(t, {"--lr", "0"}), 2, "--lr"},
      {"LrNegative", with(t, {"--lr=-0.1"}), 2, "--lr"},
      {"LrNaN", with(t, {"--lr", "nan"}), 2, "--lr"},
      {"LrInf", with(t, {"--lr", "inf"}), 2, "--lr"},
      {"LrOverflow", with(t, {"--lr", "1e400"}), 2, "--lr"},
      {"ThreadsZero", with(t, {"--threads", "0"}), 2, "--threads"},
      {"ThreadsNegative", with(t, {"--threads=-2"}), 2, "--threads"},
      {"ThreadsHuge", with(t, {"--threads", "100000"}), 2, "--threads"},
      {"ValFracNaN", with(t, {"--val-frac", "nan"}), 2, "--val-frac"},
      {"TestFracNegative", with(t, {"--test-frac=-0.1"}), 2, "--test-frac"},
      {"FractionsLeaveNoTraining", with(t, {"--val-frac", "0.5", "--test-frac", "0.5"}), 2, ""},
      {"SeedNegative", with(t, {"--seed=-1"}), 2, "--seed"},
      {"SeedText", with(t, {"--split-seed", "abc"}), 2, "--split-seed"},
      {"FiltersZero", with(t, {"--filters", "0"}), 2, "--filters"},
      {"FiltersHuge", with(t, {"--filters", "1000000000"}), 2, "parameters"},
      {"KernelLongerThanSequences", with(t, {"--kernel-size", "9"}), 2, "longer than the sequences"},
      {"HparamTrillion", with(t, {"--hparam", "filters=1e12"}), 2, "filters"},
      {"HparamNaN", with(t, {"--hparam", "filters=nan"}), 2, "--hparam"},
      {"HparamFraction", with(t, {"--hparam", "filters=2.5"}), 2, "whole number"},
      {"HparamUnknown", with(t, {"--hparam", "wings=2"}), 2, "wings"},
      {"HparamWithoutValue", with(t, {"--hparam", "filters"}), 2, "--hparam"},
      {"DropoutOutOfRange", with(t, {"--model", "deepcnn", "--hparam", "dropout=1.5"}), 2, "dropout"},
      {"UnknownModel", with(t, {"--model", "transformer"}), 2, "unknown model 'transformer' (known: linear, cnn"},
      {"UnknownOptimizer", with(t, {"--optimizer", "lbfgs"}), 2, "--optimizer"},
      {"UnknownEngine", with(t, {"--engine", "warp"}), 2, "--engine"},
      {"UnknownDevice", with(t, {"--device", "tpu"}), 2, "tpu"},
      {"UnknownOption", with(t, {"--no-such-option"}), 2, "--no-such-option"},
      {"MissingData", {"train", "--out", "{out}"}, 2, "--data"},
      {"OutUnderAFile", {"train", "--data", "{data}", "--out", "{data}/run", "--batch-size", "8"}, 1, "{data}/run: "},
      {"OutInProc", {"train", "--data", "{data}", "--out", "/proc/dnacnn-test-run", "--batch-size", "8"}, 1,
       "/proc/dnacnn-test-run: "},
      {"ResumeMissingRun", {"train", "--resume", "{dir}/nope"}, 1, "{dir}/nope: no such run directory"},
      {"ResumeNotARun", {"train", "--resume", "{dir}"}, 1, "no checkpoint to resume from"},
      {"ResumeWithData", {"train", "--resume", "{dir}", "--data", "{data}"}, 2, "--data"},
      {"ResumeWithOtherSettings", {"train", "--resume", "{dir}", "--lr", "0.5"}, 2, "drop --lr"},
      // schedules, early stopping, optimisers, --config
      {"MonitorOfTheOtherTask", with(t, {"--monitor", "val_auroc"}), 2, "--monitor val_auroc is a --task binary score"},
      {"UnknownMonitor", with(t, {"--monitor", "val_mse"}), 2, "--monitor must be val_loss, val_r2 or val_auroc"},
      {"PatienceWithoutValidation", with(t, {"--patience", "2", "--val-frac", "0", "--batch-size", "8"}), 2,
       "--patience watches the validation split, and this run has none"},
      {"PatienceNegative", with(t, {"--patience=-1"}), 2, "--patience"},
      {"UnknownSchedule", with(t, {"--lr-schedule", "linear"}), 2, "--lr-schedule must be constant, step, cosine"},
      {"GammaWithoutStep", with(t, {"--lr-gamma", "0.5"}), 2, "--lr-gamma goes with --lr-schedule step"},
      {"WarmupAsLongAsTraining", with(t, {"--epochs", "3", "--warmup-epochs", "3"}), 2, "--warmup-epochs must be"},
      {"FusedAdamw", with(t, {"--engine", "fused", "--optimizer", "adamw", "--batch-size", "8"}), 2,
       "--optimizer adamw trains on --engine torch"},
      {"WeightDecayNegative", with(t, {"--weight-decay=-1"}), 2, "--weight-decay"},
      {"ClipNaN", with(t, {"--clip-grad-norm", "nan"}), 2, "--clip-grad-norm"},
      {"ConfigMissing", with(t, {"--config", "{dir}/nope.json"}), 2, "{dir}/nope.json: cannot read the --config file"},
      {"ConfigWithResume", {"train", "--resume", "{dir}", "--config", "{data}"}, 2, "--config"},
  };
}

std::vector<BadOption> other_cases() {
  return {
      {"PredictBatchZero", {"predict", "--model", "{model}", "--in", "{data}", "--batch-size", "0"}, 2, "--batch-size"},
      {"PredictBatchNegative", {"predict", "--model", "{model}", "--in", "{data}", "--batch-size=-1"}, 2, "--batch-size"},
      {"PredictThreadsZero", {"predict", "--model", "{model}", "--in", "{data}", "--threads", "0"}, 2, "--threads"},
      {"PredictOutUnwritable", {"predict", "--model", "{model}", "--in", "{data}", "--out", "{dir}/no/p.tsv", "-q"}, 1,
       "{dir}/no/p.tsv: "},
      {"PredictOutIsADirectory", {"predict", "--model", "{model}", "--in", "{data}", "--out", "{dir}", "-q"}, 1,
       "{dir}: is a directory"},
      {"PredictMissingModel", {"predict", "--in", "{data}"}, 2, "--model"},
      {"MotifsPermutationsZero", {"motifs", "--model", "{model}", "--data", "{data}", "--out", "{out}", "--permutations", "0"},
       2, "--permutations"},
      {"MotifsTopZero", {"motifs", "--model", "{model}", "--data", "{data}", "--out", "{out}", "--top", "0"}, 2, "--top"},
      {"MotifsPseudocountNegative",
       {"motifs", "--model", "{model}", "--data", "{data}", "--out", "{out}", "--pseudocount=-1"}, 2, "--pseudocount"},
      {"MotifsPseudocountNaN", {"motifs", "--model", "{model}", "--data", "{data}", "--out", "{out}", "--pseudocount", "nan"},
       2, "--pseudocount"},
      {"MotifsThresholdNaN", {"motifs", "--model", "{model}", "--data", "{data}", "--out", "{out}", "--threshold", "nan"},
       2, "--threshold"},
      {"MotifsRelativeThresholdAboveOne",
       {"motifs", "--model", "{model}", "--data", "{data}", "--out", "{out}", "--relative-threshold", "2"}, 2,
       "--relative-threshold"},
      {"MotifsMinOverlapZero", {"motifs", "--model", "{model}", "--data", "{data}", "--out", "{out}", "--min-overlap", "0"},
       2, "--min-overlap"},
      {"SimulateKZero", {"simulate", "--k", "0", "--out", "{out}"}, 2, "--k"},
      {"SimulateKTooLarge", {"simulate", "--k", "13", "--out", "{out}"}, 2, "--k"},
      {"SimulateRandomNegative", {"simulate", "--random=-1", "--out", "{out}"}, 2, "--random"},
      {"SimulateLengthZero", {"simulate", "--random", "3", "--length", "0", "--out", "{out}"}, 2, "--length"},
      {"SimulateNoiseNaN", {"simulate", "--noise", "nan", "--out", "{out}"}, 2, "--noise"},
      {"SimulateNoiseInf", {"simulate", "--noise", "inf", "--out", "{out}"}, 2, "--noise"},
      {"SimulateRuleMissing", {"simulate", "--k", "2", "--out", "{out}", "--rule", "{dir}/nope.json"}, 2,
       "neither a preset"},
      {"SimulateOutIsADirectory", {"simulate", "--k", "2", "--out", "{dir}"}, 1, "{dir}: is a directory"},
      {"ReportNotARun", {"report", "{dir}"}, 1, "{dir}"},
      {"DemoEpochsZero", {"demo", "--out", "{out}", "--epochs", "0"}, 2, "--epochs"},
  };
}

std::string fill(std::string s, const std::map<std::string, std::string>& vars) {
  for (const auto& [key, value] : vars)
    for (std::size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + value.size()))
      s.replace(at, key.size(), value);
  return s;
}

class CliBadOption : public ::testing::TestWithParam<BadOption> {};

TEST_P(CliBadOption, AnswersWithOneLine) {
  const BadOption& c = GetParam();
  TempDir dir;
  const fs::path data = simulate(dir, 3);  // 64 rows of 3 bases: 13 test, 11 validation, 40 training
  const bool needs_model = std::find(c.args.begin(), c.args.end(), "{model}") != c.args.end();
  const fs::path model = needs_model ? train(dir, data, {"--batch-size", "8"}) / "model" : fs::path();
  const std::map<std::string, std::string> vars{
      {"{data}", data.string()}, {"{model}", model.string()}, {"{out}", (dir / "out").string()},
      {"{dir}", (dir / "empty").string()}};
  fs::create_directory(dir / "empty");
  std::vector<std::string> args;
  for (const auto& a : c.args) args.push_back(fill(a, vars));
  const RunResult r = dnacnn(args);
  expect_one_line_error(r, c.code, "dnacnn " + args[0] + ": ");
  EXPECT_NE(r.err.find(fill(c.what, vars)), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out")) << "nothing is written for a refused command";
  EXPECT_TRUE(fs::is_empty(dir / "empty"));
}

std::string case_name(const ::testing::TestParamInfo<BadOption>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Train, CliBadOption, ::testing::ValuesIn(train_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(Other, CliBadOption, ::testing::ValuesIn(other_cases()), case_name);

}  // namespace
}  // namespace dnacnn

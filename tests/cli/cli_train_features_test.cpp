// Training features through the binary, as a user meets them: history.tsv's lr and validation
// columns, best_epoch in metrics.json, the report's curves, and `train --config RUN/run.json`
// repeating a run bit for bit with command-line options winning.
#include <gtest/gtest.h>

#include "cli_support.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using clitest::dnacnn;
using clitest::expect_one_line_error;
using clitest::read_json;
using clitest::read_tsv;
using clitest::simulate;
using clitest::train;
using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;

TEST(CliTrainFeatures, HistoryHasTheRateAndValidationScoresAndMetricsTheBestEpoch) {
  TempDir dir;
  const fs::path run = train(dir, simulate(dir),
                             {"--lr-schedule", "cosine", "--warmup-epochs", "1", "--patience", "3", "--monitor", "val_r2"});
  const auto history = read_tsv(run / "history.tsv");
  // Warm-up: 0.01 / 2; then a cosine over the 2 remaining epochs: 0.01, then half of it.
  EXPECT_EQ(history.at("lr"), (std::vector<std::string>{"0.005", "0.01", "0.005"}));
  ASSERT_EQ(history.at("val_r2").size(), 3u);
  ASSERT_EQ(history.at("val_pearson").size(), 3u);
  EXPECT_EQ(history.count("val_auroc"), 0u);
  const auto r2 = clitest::floats(history.at("val_r2"));
  const int best = static_cast<int>(std::max_element(r2.begin(), r2.end()) - r2.begin()) + 1;
  const auto m = read_json(run / "metrics.json").at("models").at("cnn");
  EXPECT_EQ(m.at("best_epoch"), best);
  EXPECT_EQ(m.at("model_epoch"), best);  // --patience: the model is the best epoch's
  EXPECT_EQ(m.at("monitor"), "val_r2");
  EXPECT_EQ(m.at("params").at("lr_schedule"), "cosine");
  EXPECT_EQ(m.at("params").at("patience"), 3);
  // The report draws the rate (it changes) and the validation scores.
  const std::string report = test::read_file(run / "report.html");
  EXPECT_NE(report.find("Learning rate per epoch"), std::string::npos);
  EXPECT_NE(report.find("Validation scores per epoch"), std::string::npos);
}

TEST(CliTrainFeatures, BinaryRunsRecordAurocAndAuprcAndStopEarly) {
  TempDir dir;
  const auto lines = test::read_lines(simulate(dir));
  std::string table = "seq\tbound\n";
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = test::split(lines[i], '\t');
    table += f[0] + (std::stod(f[1]) > 16 ? "\t1\n" : "\t0\n");
  }
  test::write_file(dir / "bound.tsv", table);
  const fs::path run = train(dir, dir / "bound.tsv",
                             {"--task", "binary", "--patience", "1", "--min-delta", "1000"});
  const auto history = read_tsv(run / "history.tsv");
  EXPECT_EQ(history.at("val_auroc").size(), 2u);  // the first epoch, one more without improvement
  EXPECT_EQ(history.at("val_auprc").size(), 2u);
  EXPECT_EQ(history.count("val_r2"), 0u);
  const auto m = read_json(run / "metrics.json").at("models").at("cnn");
  EXPECT_EQ(m.at("best_epoch"), 1);
  EXPECT_EQ(m.at("stopped_early"), true);
  EXPECT_EQ(m.at("epochs"), 2);
}

TEST(CliTrainFeatures, ConfigRepeatsARunBitForBitAndTheCommandLineOverridesIt) {
  TempDir dir;
  const fs::path data = simulate(dir);
  const fs::path first = train(dir, data, {"--optimizer", "adam", "--lr", "0.02", "--lr-schedule", "step",
                                           "--lr-step-size", "1", "--lr-gamma", "0.5", "--hparam", "filters=4"});
  const std::string config = (first / "run.json").string();
  RunResult r = dnacnn({"train", "--config", config, "--out", (dir / "again").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::read_file(dir / "again" / "model" / "weights.safetensors"),
            test::read_file(first / "model" / "weights.safetensors"));
  EXPECT_EQ(read_tsv(dir / "again" / "history.tsv").at("train_loss"), read_tsv(first / "history.tsv").at("train_loss"));
  EXPECT_EQ(read_json(dir / "again" / "run.json").at("params"), read_json(config).at("params"));

  r = dnacnn({"train", "--config", config, "--out", (dir / "shorter").string(), "--epochs", "2", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto params = read_json(dir / "shorter" / "run.json").at("params");
  EXPECT_EQ(params.at("epochs"), 2);              // the command line wins
  EXPECT_EQ(params.at("lr_schedule"), "step");    // the rest is the recorded run's
  EXPECT_EQ(params.at("filters"), 4);
  EXPECT_EQ(read_tsv(dir / "shorter" / "history.tsv").at("lr"), (std::vector<std::string>{"0.02", "0.01"}));
}

TEST(CliTrainFeatures, AHandWrittenConfigWithAnUnknownKeyIsOneLine) {
  TempDir dir;
  const fs::path data = simulate(dir, 3);
  test::write_file(dir / "mine.json",
                   R"({"data": {"path": "data.tsv"}, "params": {"epochs": 2, "batch_size": 8, "patiense": 3}})");
  const RunResult r = dnacnn({"train", "--config", (dir / "mine.json").string(), "--out", (dir / "out").string()});
  expect_one_line_error(r, 2, "dnacnn train: " + (dir / "mine.json").string() + ": unknown key 'params.patiense'");
  EXPECT_FALSE(fs::exists(dir / "out"));
  test::write_file(dir / "mine.json", R"({"data": {"path": "data.tsv"}, "params": {"epochs": 2, "batch_size": 8}})");
  const RunResult ok = dnacnn({"train", "--config", (dir / "mine.json").string(), "--out", (dir / "out").string(), "-q"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;  // the data path is relative to the file
  EXPECT_EQ(clitest::count_lines(test::read_file(dir / "out" / "history.tsv")), 3);
}

TEST(CliTrainFeatures, HelpShowsTheNewOptionsWithTheirDefaults) {
  const RunResult r = dnacnn({"train", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* text : {"--patience", "--min-delta", "--monitor", "val_loss", "--lr-schedule", "constant",
                           "--warmup-epochs", "--weight-decay", "0 (adamw: 0.01)", "--clip-grad-norm", "--config",
                           "adamw"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text;
}

}  // namespace
}  // namespace dnacnn

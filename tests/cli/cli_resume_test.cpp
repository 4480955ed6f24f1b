// Nothing lost: `train` checkpoints every epoch; a run killed (SIGKILL) at any moment or stopped
// with Ctrl-C (SIGINT) continues with `dnacnn train --resume RUN` and ends exactly where an
// uninterrupted run with the same seeds and threads ends.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <random>
#include <thread>

#include "cli_support.hpp"
#include "dnacnn/train/checkpoint.hpp"
#include "dnacnn/core/error.hpp"
#include "test_support.hpp"

#ifndef DNACNN_BIN
#error "DNACNN_BIN must name the dnacnn binary"
#endif

namespace dnacnn {
namespace {

using clitest::count_lines;
using clitest::dnacnn;
using clitest::expect_one_line_error;
using clitest::read_json;
using clitest::simulate;
using clitest::train;

using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;
using json = nlohmann::json;

// Random 100-bp sequences: a few tenths of a second per epoch, so signals land mid-training.
fs::path slow_data(const TempDir& dir) {
  const fs::path path = dir / "data.tsv";
  const RunResult r = dnacnn({"simulate", "--random", "12000", "--length", "100", "--seed", "3", "--noise", "1",
                              "--out", path.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return path;
}

std::vector<std::string> train_args(const fs::path& data, const fs::path& out, const std::vector<std::string>& model) {
  std::vector<std::string> a{"train", "--data", data.string(), "--out", out.string(), "--epochs", "8",
                             "--batch-size", "64", "--quiet"};
  a.insert(a.end(), model.begin(), model.end());
  return a;
}

// The epoch a running training will do next according to its checkpoint (0 while there is none).
int checkpoint_epoch(const fs::path& run) {
  try {
    return read_checkpoint(run).state.next_epoch;
  } catch (const Error&) {
    return 0;
  }
}

// Starts training and signals it once its checkpoint has reached `epoch` (plus a random delay,
// so the signal lands anywhere: mid-batch, mid-validation, mid-write). Returns the exit code.
int train_until(const std::vector<std::string>& args, const fs::path& run, int epoch, int signal, std::mt19937& gen,
                std::string* err = nullptr) {
  const TempDir capture;
  const pid_t pid = test::start_program(DNACNN_BIN, args, capture / "out", capture / "err");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (checkpoint_epoch(run) < epoch && std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) ADD_FAILURE() << "training ended before the signal";
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 60)(gen)));
  ::kill(pid, signal);
  const int code = test::wait_program(pid);
  if (err) *err = test::read_file(capture / "err");
  return code;
}

// What must match between runs: everything but the timings.
json metrics_without_times(const fs::path& run) {
  json m = read_json(run / "metrics.json");
  for (auto& [name, model] : m["models"].items()) model.erase("train_seconds");
  return m;
}
// history.tsv without its fourth column, `seconds` (the columns after it must match too).
std::string history_without_times(const fs::path& run) {
  std::string out;
  for (const std::string& line : test::read_lines(run / "history.tsv")) {
    std::vector<std::string> fields = test::split(line, '\t');
    if (fields.size() > 3) fields.erase(fields.begin() + 3);
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i > 0 ? "\t" : "") + fields[i];
    out += "\n";
  }
  return out;
}
void expect_same_run(const fs::path& a, const fs::path& b) {
  EXPECT_EQ(metrics_without_times(a), metrics_without_times(b));
  EXPECT_EQ(history_without_times(a), history_without_times(b));
  EXPECT_EQ(test::read_file(a / "model" / "weights.safetensors"), test::read_file(b / "model" / "weights.safetensors"));
  EXPECT_EQ(test::read_file(a / "predictions.tsv"), test::read_file(b / "predictions.tsv"));
  for (const auto& e : fs::recursive_directory_iterator(b))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << "temporary file left: " << e.path();
}

struct Engine {
  std::string name;
  std::vector<std::string> args;
};
std::ostream& operator<<(std::ostream& os, const Engine& e) { return os << e.name; }

class CliResume : public ::testing::TestWithParam<Engine> {};

// SIGKILL twice at random moments, resume each time: the same model, metrics and history.
TEST_P(CliResume, KilledTwiceResumesToTheSameResult) {
  TempDir dir;
  const fs::path data = slow_data(dir);
  const fs::path reference = dir / "reference", run = dir / "run";
  ASSERT_EQ(dnacnn(train_args(data, reference, GetParam().args)).exit_code, 0);

  std::mt19937 gen(std::random_device{}());
  EXPECT_EQ(train_until(train_args(data, run, GetParam().args), run, 2, SIGKILL, gen), 128 + SIGKILL);
  EXPECT_FALSE(fs::exists(run / "metrics.json"));
  EXPECT_EQ(train_until({"train", "--resume", run.string(), "--quiet"}, run, 5, SIGKILL, gen), 128 + SIGKILL);
  const RunResult resumed = dnacnn({"train", "--resume", run.string(), "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  expect_same_run(reference, run);
  EXPECT_NE(read_json(run / "run.json").at("command").get<std::string>().find("--epochs 8"), std::string::npos);
}

// Ctrl-C: stops after the current batch with one line and exit 130, saved mid-epoch; resumes exactly.
TEST_P(CliResume, CtrlCSavesAndResumes) {
  TempDir dir;
  const fs::path data = slow_data(dir);
  const fs::path reference = dir / "reference", run = dir / "run";
  ASSERT_EQ(dnacnn(train_args(data, reference, GetParam().args)).exit_code, 0);

  std::mt19937 gen(11);
  std::string err;
  EXPECT_EQ(train_until(train_args(data, run, GetParam().args), run, 3, SIGINT, gen, &err), 130);
  EXPECT_EQ(count_lines(err), 1) << err;
  EXPECT_EQ(err.rfind("dnacnn train: " + run.string() + ": interrupted in epoch ", 0), 0u) << err;
  EXPECT_NE(err.find("dnacnn train --resume " + run.string()), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(run / "metrics.json"));
  const Checkpoint saved = read_checkpoint(run);
  EXPECT_GE(saved.state.next_epoch, 3);
  EXPECT_EQ(static_cast<int>(saved.state.history.size()), saved.state.next_epoch - 1);

  const RunResult resumed = dnacnn({"train", "--resume", run.string(), "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  expect_same_run(reference, run);
}

INSTANTIATE_TEST_SUITE_P(
    Engines, CliResume,
    ::testing::Values(Engine{"FusedSgd", {"--model", "cnn"}}, Engine{"FusedAdam", {"--optimizer", "adam", "--lr", "0.002"}},
                      Engine{"TorchAdam", {"--engine", "torch", "--optimizer", "adam", "--lr", "0.002"}},
                      Engine{"TorchDeepCnnDropout",
                             {"--model", "deepcnn", "--hparam", "filters=8", "--hparam", "hidden=8", "--hparam",
                              "dropout=0.3", "--optimizer", "adam", "--lr", "0.005"}}),
    [](const auto& info) { return info.param.name; });

// A finished run resumed with more epochs equals a run trained that long from the start.
TEST(CliResumeMore, MoreEpochsContinueTheSameStream) {
  TempDir dir;
  const fs::path data = simulate(dir, 5);
  const std::vector<std::string> common{"--batch-size", "16", "--optimizer", "adam", "--quiet"};
  std::vector<std::string> five{"train", "--data", data.string(), "--out", (dir / "five").string(), "--epochs", "5"};
  std::vector<std::string> three{"train", "--data", data.string(), "--out", (dir / "three").string(), "--epochs", "3"};
  five.insert(five.end(), common.begin(), common.end());
  three.insert(three.end(), common.begin(), common.end());
  ASSERT_EQ(dnacnn(five).exit_code, 0);
  ASSERT_EQ(dnacnn(three).exit_code, 0);
  const RunResult again = dnacnn({"train", "--resume", (dir / "three").string(), "--quiet"});
  ASSERT_EQ(again.exit_code, 0) << again.err;  // a finished run: rewrites the same outputs
  EXPECT_EQ(read_json(dir / "three" / "metrics.json")["models"]["cnn"]["epochs"], 3);
  expect_one_line_error(dnacnn({"train", "--resume", (dir / "three").string(), "--epochs", "2"}), 2,
                        "dnacnn train: --epochs 2: the run has already trained 3 epochs");
  ASSERT_EQ(dnacnn({"train", "--resume", (dir / "three").string(), "--epochs", "5", "--quiet"}).exit_code, 0);
  expect_same_run(dir / "five", dir / "three");
}

TEST(CliResumeMore, RefusesChangedDataAndDamagedCheckpoints) {
  TempDir dir;
  const fs::path data = simulate(dir, 4);
  const fs::path run = train(dir, data, {"--batch-size", "16"});
  ASSERT_TRUE(fs::is_regular_file(checkpoint_path(run)));
  const std::string original = test::read_file(data);
  test::write_file(data, original + "ACGT\t1\n");
  expect_one_line_error(dnacnn({"train", "--resume", run.string()}), 1,
                        "dnacnn train: " + fs::absolute(data).string() + ": the data changed");
  test::write_file(data, original);
  const std::string checkpoint = test::read_file(checkpoint_path(run));
  test::write_file(checkpoint_path(run), checkpoint.substr(0, checkpoint.size() / 2));
  expect_one_line_error(dnacnn({"train", "--resume", run.string()}), 1,
                        "dnacnn train: " + checkpoint_path(run).string() + ": invalid weights file");
  fs::remove(checkpoint_path(run));
  expect_one_line_error(dnacnn({"train", "--resume", run.string()}), 1,
                        "dnacnn train: " + checkpoint_path(run).string() + ": no checkpoint to resume from");
}

}  // namespace
}  // namespace dnacnn

// Beyond one process: `train --distributed` ranks (torch.distributed, Gloo over 127.0.0.1) train the
// same model as one process; a dead rank fails the others within --dist-timeout; `launch` starts,
// interrupts and stops ranks; `predict --shard` + `merge` equals a one-process run byte for byte.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "cli_support.hpp"
#include "dnacnn/train/checkpoint.hpp"
#include "dnacnn/core/error.hpp"
#include "genome_fixture.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using clitest::count_lines;
using clitest::dnacnn;
using clitest::expect_one_line_error;
using clitest::read_json;
using clitest::read_tsv;
using clitest::simulate;
using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::vector<std::string> train_args(const fs::path& data, const fs::path& out, int epochs) {
  // Batch 32 over 655 training rows: the last batch (15 rows) splits unevenly over 2 ranks.
  return {"train", "--data", data.string(), "--out", out.string(), "--epochs", std::to_string(epochs),
          "--batch-size", "32", "--threads", "1", "--seed", "5", "--quiet"};
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

std::vector<double> column(const fs::path& run, const std::string& name) {
  std::vector<double> v;
  auto table = read_tsv(run / "history.tsv");
  for (const auto& s : table[name]) v.push_back(std::stod(s));
  return v;
}

// Losses of every epoch within 1e-4 of the one-process run's.
void expect_same_losses(const fs::path& one, const fs::path& many) {
  for (const char* name : {"train_loss", "val_loss"}) {
    const auto a = column(one, name), b = column(many, name);
    ASSERT_EQ(a.size(), b.size()) << name;
    for (std::size_t e = 0; e < a.size(); ++e) EXPECT_NEAR(a[e], b[e], 1e-4) << name << " of epoch " << e + 1;
  }
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// The exit code of `pid`, or -1 (and the process killed) when it has not ended within `limit`.
int wait_at_most(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  int status = 0;
  while (Clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

// Waits until training has written its first checkpoint (all ranks joined and began).
void wait_for_checkpoint(const fs::path& run, pid_t pid) {
  const auto deadline = Clock::now() + std::chrono::minutes(2);
  while (!fs::exists(checkpoint_path(run)) && Clock::now() < deadline) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) FAIL() << "ended before training began";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // well into the first epoch
}

// The child of `parent` that runs rank `rank` (by its RANK variable).
pid_t child_with_rank(pid_t parent, int rank) {
  std::ifstream children(fmt::format("/proc/{}/task/{}/children", parent, parent));
  pid_t pid = 0;
  while (children >> pid) {
    std::ifstream environ(fmt::format("/proc/{}/environ", pid), std::ios::binary);
    std::string var;
    while (std::getline(environ, var, '\0'))
      if (var == "RANK=" + std::to_string(rank)) return pid;
  }
  return 0;
}

TEST(CliDistributed, TwoRanksTrainLikeOneProcessAndResume) {
  const TempDir dir;
  const fs::path data = simulate(dir);
  const fs::path one = dir / "one", two = dir / "two", resumed = dir / "resumed";
  RunResult r = dnacnn(with(train_args(data, one, 3), {"--engine", "torch"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // dnacnn launch: torchrun's variables; engine auto picks torch for --distributed.
  r = dnacnn(with({"launch", "--nproc", "2", "--"}, with(train_args(data, two, 3), {"--distributed"})));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  expect_same_losses(one, two);
  EXPECT_TRUE(fs::exists(two / "report.html"));

  // Explicit flags, two epochs; then the run resumes under launch for its third: still the same.
  const std::string master = fmt::format("127.0.0.1:{}", free_port());
  std::vector<pid_t> ranks;
  for (int rank = 0; rank < 2; ++rank)
    ranks.push_back(test::start_program(
        DNACNN_BIN,
        with(train_args(data, resumed, 2), {"--distributed", "--world-size", "2", "--rank", std::to_string(rank),
                                            "--master", master, "--dist-timeout", "60"}),
        dir / fmt::format("out{}", rank), dir / fmt::format("err{}", rank)));
  for (int rank = 0; rank < 2; ++rank)
    EXPECT_EQ(wait_at_most(ranks[rank], std::chrono::seconds(120)), 0) << test::read_file(dir / fmt::format("err{}", rank));
  r = dnacnn({"launch", "--nproc", "2", "--", "train", "--resume", resumed.string(), "--epochs", "3", "--distributed",
              "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_same_losses(one, resumed);
}

// Dropout masks are keyed by (batch, row): each rank drops in its share exactly what one process
// drops in the whole batch, so runs with dropout match too.
TEST(CliDistributed, TwoRanksWithDropoutTrainLikeOneProcess) {
  const TempDir dir;
  const fs::path data = simulate(dir);
  const fs::path one = dir / "one", two = dir / "two";
  // With the training features too: a schedule, clipping, AdamW and early stopping keeping epoch 1
  // decide the same on every rank (the validation outputs are gathered whole in each).
  const std::vector<std::string> deep = {"--model", "deepcnn", "--hparam", "filters=8", "--hparam", "hidden=8",
                                         "--hparam", "dropout=0.5", "--optimizer", "adamw", "--lr-schedule", "step",
                                         "--lr-step-size", "1", "--lr-gamma", "0.5", "--clip-grad-norm", "1",
                                         "--patience", "1", "--min-delta", "1000"};
  RunResult r = dnacnn(with(with(train_args(data, one, 2), deep), {"--engine", "torch"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = dnacnn(with({"launch", "--nproc", "2", "--"}, with(with(train_args(data, two, 2), deep), {"--distributed"})));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_same_losses(one, two);
  EXPECT_EQ(column(one, "lr"), column(two, "lr"));
  const auto r2_one = column(one, "val_r2"), r2_two = column(two, "val_r2");
  ASSERT_EQ(r2_one.size(), r2_two.size());
  for (std::size_t e = 0; e < r2_one.size(); ++e) EXPECT_NEAR(r2_one[e], r2_two[e], 1e-4) << "epoch " << e + 1;
  const auto m_one = read_json(one / "metrics.json").at("models").at("deepcnn");
  const auto m_two = read_json(two / "metrics.json").at("models").at("deepcnn");
  EXPECT_EQ(m_two.at("model_epoch"), 1);
  EXPECT_EQ(m_one.at("model_epoch"), 1);
  EXPECT_NEAR(m_one.at("test").at("r2").get<double>(), m_two.at("test").at("r2").get<double>(), 1e-4);
}

TEST(CliDistributed, KilledRankFailsTheOtherWithinTheTimeout) {
  const TempDir dir;
  const fs::path data = simulate(dir);
  const std::string master = fmt::format("127.0.0.1:{}", free_port());
  std::vector<pid_t> ranks;
  for (int rank = 0; rank < 2; ++rank)
    ranks.push_back(test::start_program(
        DNACNN_BIN,
        with(train_args(data, dir / "run", 100000), {"--distributed", "--world-size", "2", "--rank",
                                                     std::to_string(rank), "--master", master, "--dist-timeout", "5"}),
        dir / fmt::format("out{}", rank), dir / fmt::format("err{}", rank)));
  wait_for_checkpoint(dir / "run", ranks[0]);
  ::kill(ranks[1], SIGKILL);
  test::wait_program(ranks[1]);
  const auto start = Clock::now();
  EXPECT_EQ(wait_at_most(ranks[0], std::chrono::seconds(30)), 1) << "rank 0 hung after rank 1 died";
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(15));
  const std::string err = test::read_file(dir / "err0");
  EXPECT_EQ(count_lines(err), 1) << err;
  EXPECT_EQ(err.rfind("dnacnn train: rank 0 of 2: lost contact with the other ranks", 0), 0u) << err;
  // The run keeps its last checkpoint: it can be resumed.
  EXPECT_GE(read_checkpoint(dir / "run").state.next_epoch, 1);
}

TEST(CliLaunch, StopsTheOtherRanksWhenOneDies) {
  const TempDir dir;
  const fs::path data = simulate(dir);
  const pid_t launch = test::start_program(
      DNACNN_BIN,
      with({"launch", "--nproc", "2", "--"}, with(train_args(data, dir / "run", 100000), {"--distributed", "--dist-timeout", "600"})),
      dir / "out", dir / "err");
  wait_for_checkpoint(dir / "run", launch);
  const pid_t rank1 = child_with_rank(launch, 1);
  ASSERT_GT(rank1, 0);
  ::kill(rank1, SIGKILL);
  EXPECT_EQ(wait_at_most(launch, std::chrono::seconds(30)), 1);
  const std::string err = test::read_file(dir / "err");
  // Its own line comes last (rank 0's own report of the lost contact may come before it).
  const std::string last = err.substr(err.rfind('\n', err.size() - 2) + 1);
  EXPECT_EQ(last, fmt::format("dnacnn launch: rank 1 (pid {}) was killed by signal 9 (Killed); stopped the other 1 "
                              "rank(s)\n", rank1))
      << err;
}

TEST(CliLaunch, PassesCtrlCToTheRanksAndTheRunResumes) {
  const TempDir dir;
  const fs::path data = simulate(dir);
  const fs::path run = dir / "run";
  const pid_t launch = test::start_program(
      DNACNN_BIN, with({"launch", "--nproc", "2", "--"}, with(train_args(data, run, 1000), {"--distributed"})),
      dir / "out", dir / "err");
  wait_for_checkpoint(run, launch);
  ::kill(launch, SIGINT);
  EXPECT_EQ(wait_at_most(launch, std::chrono::seconds(60)), 130);
  const std::string err = test::read_file(dir / "err");
  EXPECT_NE(err.find("saved, continue with: dnacnn train --resume"), std::string::npos) << err;
  EXPECT_NE(err.find("dnacnn launch: interrupted: passed Interrupt on to the 2 ranks"), std::string::npos) << err;
  const int done = static_cast<int>(read_checkpoint(run).state.history.size());
  const RunResult r = dnacnn({"launch", "--nproc", "2", "--", "train", "--resume", run.string(), "--epochs",
                              std::to_string(done + 1), "--distributed", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(column(run, "train_loss").size(), static_cast<std::size_t>(done + 1));
}

TEST(CliDistributed, UsageErrors) {
  const TempDir dir;
  const fs::path data = simulate(dir, 4);
  expect_one_line_error(dnacnn(with(train_args(data, dir / "a", 1), {"--distributed"})), 2,
                        "dnacnn train: --distributed needs --world-size or the WORLD_SIZE variable");
  expect_one_line_error(dnacnn(with(train_args(data, dir / "b", 1), {"--distributed", "--engine", "fused"})), 2,
                        "dnacnn train: --engine fused trains in one process");
  expect_one_line_error(dnacnn(with(train_args(data, dir / "c", 1), {"--world-size", "2"})), 2, "dnacnn train: ");
  expect_one_line_error(dnacnn(with(train_args(data, dir / "d", 1),
                                    {"--distributed", "--world-size", "2", "--rank", "2", "--master", "h:1"})),
                        2, "dnacnn train: rank 2 is outside the world of 2 processes");
  expect_one_line_error(dnacnn(with(train_args(data, dir / "e", 1), {"--device", "cuda"})), 2, "dnacnn train: ");
  ::setenv("WORLD_SIZE", "2", 1);
  const RunResult r = dnacnn(train_args(data, dir / "f", 1));
  ::unsetenv("WORLD_SIZE");
  expect_one_line_error(r, 2, "dnacnn train: WORLD_SIZE=2 is set");
  expect_one_line_error(dnacnn({"launch", "--nproc", "2"}), 2, "dnacnn launch: ");
  EXPECT_FALSE(fs::exists(dir / "a") || fs::exists(dir / "b") || fs::exists(dir / "f"));
}

TEST(CliShard, ShardedPredictionsMergeIntoTheOneProcessFile) {
  const TempDir dir;
  const fs::path data = simulate(dir);
  const fs::path run = clitest::train(dir, data);
  const std::string model = (run / "model").string();
  const fs::path one = dir / "one.tsv", three = dir / "three.tsv", two = dir / "two.tsv";
  // --batch-size 100 reads whole 256-record blocks (one CPU forward each); shard I of 3 keeps
  // blocks I, I+3, ...: of 1024 records, shard 1 has block 1 only.
  const std::vector<std::string> predict{"predict", "--model", model, "--in", data.string(), "--batch-size", "100", "--quiet"};
  ASSERT_EQ(dnacnn(with(predict, {"--out", one.string()})).exit_code, 0);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(dnacnn(with(predict, {"--out", three.string(), "--shard", fmt::format("{}/3", i)})).exit_code, 0);
  EXPECT_EQ(count_lines(test::read_file(fs::path(three.string() + ".shard-1-of-3"))), 1 + 256);
  EXPECT_EQ(count_lines(test::read_file(fs::path(three.string() + ".shard-0-of-3"))), 1 + 512);
  RunResult r = dnacnn({"merge", "--out", three.string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::read_file(three), test::read_file(one));

  // Two ranks under launch find their shard in RANK/WORLD_SIZE.
  r = dnacnn(with({"launch", "--nproc", "2", "--"}, with(predict, {"--out", two.string(), "--shard", "auto"})));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(dnacnn({"merge", "--out", two.string(), "--quiet"}).exit_code, 0);
  EXPECT_EQ(test::read_file(two), test::read_file(one));

  // Shards that cannot be one input split N ways are refused.
  fs::remove(fs::path(three.string() + ".shard-2-of-3"));
  expect_one_line_error(dnacnn({"merge", "--out", three.string()}), 1, "dnacnn merge: ");
  expect_one_line_error(dnacnn({"merge", "--out", (dir / "x.tsv").string(), fs::path(two.string() + ".shard-1-of-2").string(),
                                fs::path(two.string() + ".shard-0-of-2").string()}),
                        2, "dnacnn merge: ");
  expect_one_line_error(dnacnn(with(predict, {"--shard", "2/2"})), 2, "dnacnn predict: ");
}

TEST(CliShard, ShardedScansMergeIntoTheOneProcessTracks) {
  const TempDir dir;
  const test::TestGenome genome = test::write_test_genome(dir.path());
  test::write_linear_model(dir / "model", 20, 3);
  const std::vector<std::string> scan{"scan", "--model", (dir / "model").string(), "--genome", genome.fasta.string(),
                                      "--step", "25", "--quiet"};
  // One chunk per chromosome (chr1, chr2, chr3): shard 0 of 2 holds chr1 and chr3, shard 1 chr2.
  for (const std::string name : {"t.bedGraph", "t.tsv"}) {
    const fs::path one = dir / ("one-" + name), out = dir / name;
    ASSERT_EQ(dnacnn(with(scan, {"--out", one.string()})).exit_code, 0);
    for (int i = 0; i < 2; ++i)
      ASSERT_EQ(dnacnn(with(scan, {"--out", out.string(), "--shard", fmt::format("{}/2", i)})).exit_code, 0);
    EXPECT_EQ(test::read_file(fs::path(out.string() + ".shard-1-of-2")).substr(0, 5), name == "t.tsv" ? "chrom" : "chr2\t");
    const RunResult r = dnacnn({"merge", "--out", out.string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(test::read_file(out), test::read_file(one)) << name;
  }
  // A track out of genome order is not a scan shard.
  test::write_file(dir / "x.bedGraph.shard-0-of-2", "chr2\t0\t25\t1\nchr1\t0\t25\t1\n");
  test::write_file(dir / "x.bedGraph.shard-1-of-2", "");
  expect_one_line_error(dnacnn({"merge", "--out", (dir / "x.bedGraph").string()}), 1, "dnacnn merge: ");
}

}  // namespace
}  // namespace dnacnn

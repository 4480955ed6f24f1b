// Checkpointed training in-process: an interrupt stops after the current batch with the state
// saved, and resuming (from that batch or from an epoch's end) continues bit for bit.
#include <gtest/gtest.h>

#include <csignal>
#include <cstring>

#include "dnacnn/train/checkpoint.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/core/interrupt.hpp"
#include "dnacnn/data/simulate.hpp"
#include "dnacnn/train/train.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

struct Setup {
  std::string name;
  TrainOptions options;
};
std::ostream& operator<<(std::ostream& os, const Setup& s) { return os << s.name; }

TrainOptions options(std::string arch, std::string optimizer, std::string engine, std::map<std::string, double> hp = {}) {
  TrainOptions o;
  o.arch = std::move(arch);
  o.optimizer = parse_optimizer(optimizer);
  o.engine = parse_engine(engine);
  o.hparams = std::move(hp);
  o.lr = o.optimizer == Optimizer::adam ? 0.005 : 0.01;
  o.epochs = 4;
  o.batch_size = 32;
  return o;
}

// A step schedule after a warm-up, the plateau schedule and early stopping: their state (the rate,
// the best epoch's weights, the epochs without improvement) must resume too. min_delta 1e9: epoch 1
// stays the best, the plateau halves the rate from epoch 3, and early stopping ends after epoch 3.
TrainOptions scheduled(TrainOptions o, LrSchedule kind) {
  o.schedule.kind = kind;
  o.schedule.warmup_epochs = kind == LrSchedule::step ? 1 : 0;
  o.schedule.step_size = 1;
  o.schedule.gamma = 0.5;
  o.schedule.plateau_patience = 0;
  o.schedule.plateau_factor = 0.5;
  o.stopping = {2, 1e9, Monitor::val_loss};
  return o;
}

TrainOptions threads(int n, TrainOptions o) {
  o.threads = n;
  return o;
}

// Binary setups learn "scores above 16", with augmentation: every random stream must resume.
TrainOptions binary(TrainOptions o) {
  o.task = Task::binary;
  o.pos_weight = 2;
  o.rc_augment = true;
  return o;
}

SequenceData data(bool binary) {
  SimulateOptions o;
  o.k = 5;
  o.noise = 1;
  SequenceData d = simulate_kmers(o);
  if (binary)
    for (float& y : d.targets) y = y > 16 ? 1.0f : 0.0f;
  return d;
}

TrainResult run(const TrainOptions& o, const Checkpointer* checkpointer = nullptr) {
  Progress quiet = Progress::silent();
  return train_model(data(o.task == Task::binary), o, quiet, checkpointer);
}

void expect_same(const TrainResult& a, const TrainResult& b) {
  ASSERT_EQ(a.history.size(), b.history.size());
  for (std::size_t i = 0; i < a.history.size(); ++i) {
    EXPECT_EQ(a.history[i].train_loss, b.history[i].train_loss) << "epoch " << i + 1;
    EXPECT_EQ(a.history[i].val_loss, b.history[i].val_loss) << "epoch " << i + 1;
    EXPECT_EQ(a.history[i].lr, b.history[i].lr) << "epoch " << i + 1;
  }
  EXPECT_EQ(a.best_epoch, b.best_epoch);
  EXPECT_EQ(a.model_epoch, b.model_epoch);
  EXPECT_EQ(a.stopped_early, b.stopped_early);
  ASSERT_EQ(a.weights.size(), b.weights.size());
  for (std::size_t i = 0; i < a.weights.size(); ++i) EXPECT_EQ(a.weights[i].values, b.weights[i].values) << a.weights[i].name;
  EXPECT_EQ(a.test.mse, b.test.mse);
  EXPECT_EQ(a.val.r2, b.val.r2);
}

class TrainCheckpoint : public ::testing::TestWithParam<Setup> {};

TEST_P(TrainCheckpoint, InterruptSavesAfterTheBatchAndResumesExactly) {
  const TrainOptions& o = GetParam().options;
  const TrainResult uninterrupted = run(o);
  TempDir dir;
  const TrainJob job{o, {}, "data.tsv", "", "m", "test"};
  {
    const Checkpointer checkpointer(dir.path(), job);
    const InterruptScope scope;
    std::raise(SIGINT);  // arrives before the first batch ends
    try {
      run(o, &checkpointer);
      FAIL() << "did not stop";
    } catch (const Error& e) {
      EXPECT_EQ(e.exit_code(), 130);
      EXPECT_NE(std::string(e.what()).find("interrupted in epoch 1 after 32 of "), std::string::npos) << e.what();
    }
  }
  const Checkpoint saved = read_checkpoint(dir.path());
  EXPECT_EQ(saved.state.next_epoch, 1);
  EXPECT_EQ(saved.state.batch_offset, 32);
  EXPECT_EQ(saved.job.name, "m");
  const Checkpointer resumed(dir.path(), job, saved.state);
  expect_same(run(o, &resumed), uninterrupted);
  EXPECT_EQ(interrupt_requested(), 0);
}

TEST_P(TrainCheckpoint, EpochCheckpointsContinueTheSameStream) {
  TrainOptions o = GetParam().options;
  const TrainResult four = run(o);
  TempDir dir;
  o.epochs = 2;
  const TrainJob job{o, {}, "data.tsv", "", "m", "test"};
  run(o, std::make_unique<Checkpointer>(dir.path(), job).get());
  const Checkpoint saved = read_checkpoint(dir.path());
  EXPECT_EQ(saved.state.next_epoch, 3);
  EXPECT_EQ(saved.state.batch_offset, 0);
  EXPECT_EQ(saved.state.history.size(), 2u);
  o.epochs = 4;
  const Checkpointer more(dir.path(), {o, {}, "data.tsv", "", "m", "test"}, saved.state);
  expect_same(run(o, &more), four);
}

// Checkpoints are written on a background thread; a write that fails is still reported.
TEST(Checkpointer, AFailedBackgroundWriteIsReportedByTheNextSaveOrFlush) {
  TempDir dir;
  const Checkpointer checkpointer(dir.path() / "no-such-dir", {options("cnn", "sgd", "fused"), {}, "d.tsv", "", "m", "t"});
  decltype(Checkpoint::state) state;  // (TrainCheckpoint here names the test fixture)
  state.weights.push_back({"w", {1}, {1.0f}});
  checkpointer.save(state);
  EXPECT_THROW(checkpointer.flush(), Error);
  checkpointer.save(state);
  EXPECT_THROW(checkpointer.save(state), Error);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "no-such-dir"));
}

INSTANTIATE_TEST_SUITE_P(
    Engines, TrainCheckpoint,
    ::testing::Values(Setup{"FusedCnnSgd", options("cnn", "sgd", "fused")},
                      Setup{"FusedLinearAdam", options("linear", "adam", "fused")},
                      Setup{"TorchCnnAdam", options("cnn", "adam", "torch")},
                      Setup{"FusedCnnBinaryRcAugment", binary(options("cnn", "adam", "fused"))},
                      Setup{"TorchCnnBinaryRcAugment", binary(options("cnn", "sgd", "torch"))},
                      Setup{"FusedCnnStepWarmupPatience", scheduled(options("cnn", "adam", "fused"), LrSchedule::step)},
                      Setup{"TorchCnnPlateauPatienceClip", [] {
                              TrainOptions o = scheduled(options("cnn", "adamw", "torch"), LrSchedule::plateau);
                              o.clip_grad_norm = 1;
                              return o;
                            }()},
                      Setup{"TorchDeepCnnDropout", options("deepcnn", "adam", "torch",
                                                           {{"filters", 8}, {"hidden", 8}, {"dropout", 0.3}})},
                      // a team of threads sharing each batch (keyed dropout: no generator to restore)
                      Setup{"TorchDeepCnnDropoutTwoThreads", threads(2, options("deepcnn", "adam", "torch",
                                                                                {{"filters", 8}, {"hidden", 8}, {"dropout", 0.3}}))}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dnacnn

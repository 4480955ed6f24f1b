// Training features on both engines: early stopping keeps the best epoch's weights, the schedule's
// rate reaches the optimiser, AdamW's decoupled decay, L2 weight decay and gradient clipping
// against hand computations, per-epoch validation scores, and which engine each option needs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "dnacnn/core/error.hpp"
#include "dnacnn/data/simulate.hpp"
#include "dnacnn/data/split.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/train/train.hpp"
#include "models/models.hpp"
#include "models/tensors.hpp"

namespace dnacnn {
namespace {

SequenceData kmers(bool binary = false) {
  SimulateOptions o;
  o.k = 5;
  SequenceData d = simulate_kmers(o);
  if (binary)
    for (float& y : d.targets) y = y > 16 ? 1.0f : 0.0f;
  return d;
}

TrainResult train(const TrainOptions& o, bool binary = false) {
  Progress quiet = Progress::silent();
  return train_model(kmers(binary), o, quiet);
}

TrainOptions options(const std::string& optimizer, const std::string& engine, const std::string& arch = "cnn") {
  TrainOptions o;
  o.arch = arch;
  o.optimizer = parse_optimizer(optimizer);
  o.engine = parse_engine(engine);
  o.lr = o.optimizer == Optimizer::sgd ? 0.01 : 0.005;
  o.batch_size = 32;
  return o;
}

void expect_same_weights(const TrainResult& a, const TrainResult& b) {
  ASSERT_EQ(a.weights.size(), b.weights.size());
  for (std::size_t i = 0; i < a.weights.size(); ++i) {
    ASSERT_EQ(a.weights[i].values.size(), b.weights[i].values.size());
    EXPECT_EQ(std::memcmp(a.weights[i].values.data(), b.weights[i].values.data(), a.weights[i].values.size() * 4), 0)
        << a.weights[i].name;
  }
  ASSERT_EQ(a.predictions.size(), b.predictions.size());
  EXPECT_EQ(std::memcmp(a.predictions.data(), b.predictions.data(), a.predictions.size() * 4), 0);
}

class Engines : public ::testing::TestWithParam<TrainOptions> {};

TEST_P(Engines, EarlyStoppingStopsAfterPatienceAndKeepsTheBestEpochsWeights) {
  TrainOptions o = GetParam();
  o.epochs = 10;
  o.stopping.patience = 2;
  o.stopping.min_delta = 1e9;  // nothing after the first epoch counts as better
  const TrainResult stopped = train(o);
  ASSERT_EQ(stopped.history.size(), 3u);  // epoch 1, then 2 without improvement
  EXPECT_TRUE(stopped.stopped_early);
  EXPECT_EQ(stopped.best_epoch, 1);
  EXPECT_EQ(stopped.model_epoch, 1);
  TrainOptions one = GetParam();
  one.epochs = 1;
  expect_same_weights(stopped, train(one));  // the model is epoch 1's, not epoch 3's
}

TEST_P(Engines, TheBestEpochIsTheLowestValidationLossAndItsWeightsAreTheModel) {
  TrainOptions o = GetParam();
  o.epochs = 5;
  o.lr *= 4;  // a bumpy run: the best epoch need not be the last
  o.stopping.patience = 5;
  const TrainResult r = train(o);
  ASSERT_EQ(r.history.size(), 5u);
  std::size_t best = 0;
  for (std::size_t i = 1; i < r.history.size(); ++i)
    if (r.history[i].val_loss < r.history[best].val_loss) best = i;
  EXPECT_EQ(r.best_epoch, static_cast<int>(best) + 1);
  TrainOptions until_best = o;
  until_best.stopping.patience = 0;
  until_best.epochs = r.best_epoch;
  expect_same_weights(r, train(until_best));
}

TEST_P(Engines, TheWarmupRateReachesTheOptimiser) {
  // Epoch 1 of a 1-epoch warm-up runs at --lr / 2: the same weights as a run at that rate.
  TrainOptions o = GetParam();
  o.epochs = 3;
  o.schedule.warmup_epochs = 1;
  o.stopping = {1, 1e9, Monitor::val_loss};  // keep epoch 1's weights
  const TrainResult warm = train(o);
  ASSERT_EQ(warm.history.size(), 2u);
  EXPECT_EQ(warm.history[0].lr, GetParam().lr / 2);
  EXPECT_EQ(warm.history[1].lr, GetParam().lr);
  TrainOptions half = GetParam();
  half.epochs = 1;
  half.lr = GetParam().lr / 2;
  expect_same_weights(warm, train(half));
}

TEST_P(Engines, EpochsRecordValidationScoresAsTheFinalMetricsComputeThem) {
  TrainOptions o = GetParam();
  o.epochs = 2;
  const TrainResult r = train(o);
  EXPECT_NEAR(r.history.back().val.r2, r.val.r2, 1e-5);
  EXPECT_NEAR(r.history.back().val.pearson, r.val.pearson, 1e-5);
  EXPECT_TRUE(std::isnan(r.history.back().val.auroc));
  EXPECT_EQ(r.best_epoch, r.history[1].val_loss < r.history[0].val_loss ? 2 : 1);
  EXPECT_EQ(r.model_epoch, 2);  // without --patience: the last epoch's weights, as before
  o.task = Task::binary;
  o.stopping.monitor = Monitor::val_auroc;
  const TrainResult b = train(o, true);
  const BinaryMetrics& final_val = *b.per_target[0].val.binary;
  EXPECT_NEAR(b.history.back().val.auroc, final_val.auroc, 1e-6);
  EXPECT_NEAR(b.history.back().val.auprc, final_val.auprc, 1e-6);
  EXPECT_TRUE(std::isnan(b.history.back().val.r2));
}

INSTANTIATE_TEST_SUITE_P(Train, Engines,
                         ::testing::Values(options("sgd", "fused"), options("adam", "fused", "linear"),
                                           options("adam", "torch")),
                         [](const auto& info) {
                           return std::string(engine_name(info.param.engine)) + info.param.arch +
                                  std::string(optimizer_name(info.param.optimizer));
                         });

// One optimiser step (the whole training split as one batch) from the seed's initial weights.
struct OneStep {
  std::vector<float> before, after;
};
OneStep one_step(TrainOptions o) {
  const SequenceData data = kmers();
  o.epochs = 1;
  o.batch_size = static_cast<int>(random_split(data.size(), o.val_frac, o.test_frac, o.split_seed).train.size());
  torch::manual_seed(o.seed);  // as train_model initialises the model
  const SequenceModel initial = build_model(make_model_config(o.arch, data.common_length(), o.hparams, data.target_names));
  OneStep s;
  for (const auto& t : export_weights(*initial)) s.before.insert(s.before.end(), t.values.begin(), t.values.end());
  const TrainResult r = train(o);
  for (const auto& t : r.weights) s.after.insert(s.after.end(), t.values.begin(), t.values.end());
  EXPECT_EQ(r.engine, EngineKind::torch);
  return s;
}

TEST(Optimizers, AdamwDecaysTheWeightsApartFromTheAdamStep) {
  // AdamW: p1 = p0 (1 - lr wd) - lr m/(sqrt v + eps); Adam's step is the same without the decay.
  const TrainOptions adam = options("adam", "torch");
  TrainOptions adamw = options("adamw", "auto");
  adamw.weight_decay = 0.5;
  const OneStep a = one_step(adam), w = one_step(adamw);
  ASSERT_EQ(a.before, w.before);
  for (std::size_t i = 0; i < a.after.size(); ++i)
    EXPECT_NEAR(w.after[i], a.after[i] - 0.005 * 0.5 * a.before[i], 1e-6) << i;
}

TEST(Optimizers, SgdWeightDecayAddsAnL2TermToTheGradient) {
  // p1 = p0 - lr (g + wd p0)
  const TrainOptions sgd = options("sgd", "torch");
  TrainOptions decayed = sgd;
  decayed.weight_decay = 0.5;
  const OneStep s = one_step(sgd), d = one_step(decayed);
  for (std::size_t i = 0; i < s.after.size(); ++i)
    EXPECT_NEAR(d.after[i], s.after[i] - 0.01 * 0.5 * s.before[i], 1e-7) << i;
}

TEST(Optimizers, ClipGradNormScalesTheStepToTheNorm) {
  TrainOptions o = options("sgd", "auto");
  o.clip_grad_norm = 0.1;  // far below this gradient's norm: the SGD step is lr x 0.1 long
  const OneStep clipped = one_step(o);
  double norm = 0;
  for (std::size_t i = 0; i < clipped.after.size(); ++i)
    norm += std::pow(static_cast<double>(clipped.after[i]) - clipped.before[i], 2);
  EXPECT_NEAR(std::sqrt(norm), 0.01 * 0.1, 1e-6);
  o.clip_grad_norm = 1e9;  // far above: the plain step
  TrainOptions plain = options("sgd", "torch");
  EXPECT_EQ(one_step(o).after, one_step(plain).after);
}

TEST(EngineChoice, AdamwDecayAndClippingTrainOnLibTorchAndTheFusedEngineSaysSo) {
  const auto refusal = [](TrainOptions o) {
    o.epochs = 1;
    try {
      train(o);
    } catch (const UsageError& e) {
      return e.message();
    }
    return std::string("accepted");
  };
  TrainOptions o = options("adamw", "fused");
  EXPECT_EQ(refusal(o), "--engine fused has sgd and adam; --optimizer adamw trains on --engine torch (or auto)");
  o = options("adam", "fused");
  o.weight_decay = 0.1;
  EXPECT_EQ(refusal(o), "--engine fused has no --weight-decay; use --engine torch (or auto)");
  o = options("sgd", "fused");
  o.clip_grad_norm = 1;
  EXPECT_EQ(refusal(o), "--engine fused has no --clip-grad-norm; use --engine torch (or auto)");
  o = options("sgd", "auto");
  o.stopping.patience = 2;
  o.val_frac = 0;
  EXPECT_EQ(refusal(o), "--patience watches the validation split, and this run has none (--val-frac > 0, or 'val' "
                        "rows in --split-col / --val-chroms)");
  o = options("sgd", "auto");  // schedules and early stopping stay on the fused engine
  o.epochs = 2;
  o.schedule.kind = LrSchedule::cosine;
  o.stopping.patience = 1;
  EXPECT_EQ(train(o).engine, EngineKind::fused);
}

}  // namespace
}  // namespace dnacnn

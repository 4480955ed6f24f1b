// The learning rate of each epoch (every schedule, with warm-up), the improvement tracking behind
// early stopping and the plateau schedule, and the per-epoch validation scores: plain arithmetic,
// checked against values worked out by hand (and PyTorch's OneCycleLR).
#include "dnacnn/train/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>

#include "dnacnn/core/error.hpp"
#include "train/epoch_policy.hpp"

namespace dnacnn {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> rates(const ScheduleOptions& o, double base, int epochs) {
  const LrScheduler s(o, base, epochs);
  std::vector<double> out;
  for (int e = 1; e <= epochs; ++e) out.push_back(s.rate(e));
  return out;
}

void expect_rates(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-12) << "epoch " << i + 1;
}

TEST(LrSchedule, ConstantIsTheBaseRateExactly) {
  // Exactly --lr: runs without a schedule keep their weights bit for bit.
  for (double r : rates({}, 0.01, 4)) EXPECT_EQ(r, 0.01);
}

TEST(LrSchedule, WarmupRampsLinearlyToTheBaseRate) {
  ScheduleOptions o;
  o.warmup_epochs = 2;
  expect_rates(rates(o, 0.3, 5), {0.1, 0.2, 0.3, 0.3, 0.3});
}

TEST(LrSchedule, StepDecaysEveryStepSizeEpochsAfterTheWarmup) {
  ScheduleOptions o;
  o.kind = LrSchedule::step;
  o.step_size = 2;
  o.gamma = 0.5;
  o.warmup_epochs = 1;
  expect_rates(rates(o, 1.0, 6), {0.5, 1.0, 1.0, 0.5, 0.5, 0.25});
}

TEST(LrSchedule, CosineAnnealsFromTheBaseTowardsTheFloor) {
  ScheduleOptions o;
  o.kind = LrSchedule::cosine;
  o.min_lr = 0.1;
  // min + (base - min) (1 + cos(pi k / 5)) / 2 for k = 0..4 (CosineAnnealingLR with T_max = 5)
  const double c36 = std::cos(std::numbers::pi / 5), c72 = std::cos(2 * std::numbers::pi / 5);
  expect_rates(rates(o, 1.0, 5), {1.0, 0.1 + 0.9 * (1 + c36) / 2, 0.1 + 0.9 * (1 + c72) / 2,
                                  0.1 + 0.9 * (1 - c72) / 2, 0.1 + 0.9 * (1 - c36) / 2});
  o.warmup_epochs = 2;  // the cosine then spans the 3 epochs after the warm-up
  expect_rates(rates(o, 0.9, 5), {0.3, 0.6, 0.9, 0.1 + 0.8 * (1 + std::cos(std::numbers::pi / 3)) / 2,
                                  0.1 + 0.8 * (1 + std::cos(2 * std::numbers::pi / 3)) / 2});
}

TEST(LrSchedule, OneCycleMatchesPyTorchsOneCycleLR) {
  ScheduleOptions o;
  o.kind = LrSchedule::onecycle;
  // torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1, total_steps=10) (pct_start 0.3), steps 0..9:
  // up to step 2 (0.04, 0.52, 1.0), then cosine down to 1/25/1e4 at step 9.
  const auto down = [](int k) { return 4e-6 + (1 - 4e-6) / 2 * (std::cos(std::numbers::pi * (k - 2) / 7.0) + 1); };
  expect_rates(rates(o, 1.0, 10), {0.04, 0.52, 1.0, down(3), down(4), down(5), down(6), down(7), down(8), 4e-6});
  // A rising phase of no length (pct_start x epochs = 1) ends where it starts instead of dividing by zero.
  o.onecycle_pct = 0.25;
  EXPECT_NEAR(rates(o, 1.0, 4).front(), 1.0, 1e-12);
}

TEST(LrSchedule, PlateauReducesAfterPatienceEpochsWithoutImprovementDownToTheFloor) {
  ScheduleOptions o;
  o.kind = LrSchedule::plateau;
  o.plateau_factor = 0.5;
  o.plateau_patience = 1;
  o.min_lr = 0.1;
  LrScheduler s(o, 1.0, 20);
  const std::vector<double> losses{1.0, 1.0, 1.0, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6};
  std::vector<double> seen;
  for (int e = 1; e <= static_cast<int>(losses.size()); ++e) {
    seen.push_back(s.rate(e));
    s.observe(e, losses[static_cast<std::size_t>(e - 1)], false, 0.0);
  }
  expect_rates(seen, {1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125});
  EXPECT_EQ(s.rate(11), 0.1);  // 0.0625 is below --lr-min

  LrScheduler restored(o, 1.0, 20);  // a checkpoint's state continues the same
  restored.restore(s.state());
  EXPECT_EQ(restored.rate(11), 0.1);
}

TEST(ImprovementTracker, CountsEpochsSinceTheBestByMoreThanMinDelta) {
  ImprovementTracker t;
  EXPECT_FALSE(t.observe(kNaN, 1, true, 0.01));  // NaN (e.g. AUROC of one class) never improves
  EXPECT_TRUE(t.observe(0.5, 2, true, 0.01));
  EXPECT_FALSE(t.observe(0.505, 3, true, 0.01));
  EXPECT_TRUE(t.observe(0.52, 4, true, 0.01));
  EXPECT_FALSE(t.observe(0.1, 5, true, 0.01));
  EXPECT_EQ(t.best, 0.52);
  EXPECT_EQ(t.best_epoch, 4);
  EXPECT_EQ(t.bad_epochs, 1);
  ImprovementTracker loss;  // minimised
  EXPECT_TRUE(loss.observe(2.0, 1, false, 0));
  EXPECT_FALSE(loss.observe(2.0, 2, false, 0));  // equal is not better
  EXPECT_TRUE(loss.observe(1.9, 3, false, 0));
  const ImprovementTracker back = nlohmann::json(loss).get<ImprovementTracker>();
  EXPECT_EQ(back.best, 1.9);
  EXPECT_EQ(back.best_epoch, 3);
}

TEST(EpochPolicy, StopsAfterPatienceEpochsWithoutImprovementOfTheMonitor) {
  TrainOptions o;
  o.stopping.patience = 2;
  o.stopping.monitor = Monitor::val_r2;
  EpochPolicy policy(o);
  const auto epoch = [](int e, double val_loss, double r2) {
    EpochRecord r{e, 1.0, val_loss, 0.1};
    r.val.r2 = r2;
    return r;
  };
  EXPECT_TRUE(policy.observe(epoch(1, 5.0, 0.2)));
  EXPECT_TRUE(policy.observe(epoch(2, 6.0, 0.3)));  // R² is watched, not the loss
  EXPECT_FALSE(policy.observe(epoch(3, 1.0, 0.25)));
  EXPECT_FALSE(policy.should_stop());
  EXPECT_FALSE(policy.observe(epoch(4, 1.0, 0.3)));
  EXPECT_TRUE(policy.should_stop());
  EXPECT_EQ(policy.best().best_epoch, 2);
  TrainOptions off;  // --patience 0: never stops, still knows the best epoch
  EpochPolicy keep(off);
  for (int e = 1; e <= 5; ++e) keep.observe(epoch(e, 1.0 + e, 0));
  EXPECT_FALSE(keep.should_stop());
  EXPECT_EQ(keep.best().best_epoch, 1);
}

TEST(ValidationScores, MeanOverTargetsLeavingOutUndefinedOnes) {
  // Two regression targets: one predicted exactly (R² 1, r 1), one reversed (R² -3, r -1).
  const std::vector<float> targets{1, 1, 2, 2, 3, 3}, outputs{1, 3, 2, 2, 3, 1};
  const ValidationScores r = validation_scores(outputs, targets, 2, false);
  EXPECT_NEAR(r.r2, -1.0, 1e-12);
  EXPECT_NEAR(r.pearson, 0.0, 1e-12);
  EXPECT_TRUE(std::isnan(r.auroc));
  // Binary, logits: target 0 ranked perfectly; target 1 has no positives (no AUROC/AUPRC): left out.
  const std::vector<float> labels{0, 0, 1, 0, 1, 0, 0, 0}, logits{-1, 5, 2, 0, 1, -3, -2, 4};
  const ValidationScores b = validation_scores(logits, labels, 2, true);
  EXPECT_EQ(b.auroc, 1.0);
  EXPECT_EQ(b.auprc, 1.0);
  EXPECT_TRUE(std::isnan(b.r2));
  EXPECT_TRUE(std::isnan(validation_scores({}, {}, 1, false).r2));  // no validation split
}

TEST(TrainOptionsJson, NewKeysRoundTripAndOldRunsReadAsBefore) {
  TrainOptions o;
  o.optimizer = Optimizer::adamw;
  o.clip_grad_norm = 0.5;
  o.schedule.kind = LrSchedule::cosine;
  o.schedule.warmup_epochs = 3;
  o.schedule.min_lr = 1e-4;
  o.stopping = {7, 0.001, Monitor::val_r2};
  const nlohmann::json j = o;
  EXPECT_EQ(j.at("weight_decay"), 0.01);  // adamw's default, recorded
  EXPECT_EQ(j.at("lr_schedule"), "cosine");
  EXPECT_EQ(j.at("monitor"), "val_r2");
  const TrainOptions back = j.get<TrainOptions>();
  EXPECT_EQ(back.optimizer, Optimizer::adamw);
  EXPECT_EQ(back.effective_weight_decay(), 0.01);
  EXPECT_EQ(back.clip_grad_norm, 0.5);
  EXPECT_EQ(back.schedule.kind, LrSchedule::cosine);
  EXPECT_EQ(back.schedule.warmup_epochs, 3);
  EXPECT_EQ(back.schedule.min_lr, 1e-4);
  EXPECT_EQ(back.stopping.patience, 7);
  EXPECT_EQ(back.stopping.monitor, Monitor::val_r2);

  nlohmann::json old = TrainOptions{};  // a checkpoint written before these options
  for (const char* key : {"weight_decay", "clip_grad_norm", "lr_schedule", "warmup_epochs", "lr_step_size", "lr_gamma",
                          "lr_min", "plateau_factor", "plateau_patience", "onecycle_pct", "patience", "min_delta",
                          "monitor"})
    old.erase(key);
  const TrainOptions before = old.get<TrainOptions>();
  EXPECT_EQ(before.effective_weight_decay(), 0.0);
  EXPECT_EQ(before.schedule.kind, LrSchedule::constant);
  EXPECT_EQ(before.stopping.patience, 0);
  EXPECT_EQ(before.stopping.monitor, Monitor::val_loss);
}

TEST(TrainOptionsValidate, RefusesAMonitorOfTheOtherTaskAndBadScheduleValues) {
  const auto message = [](const TrainOptions& o) {
    try {
      o.validate();
    } catch (const UsageError& e) {
      return e.message();
    }
    return std::string("accepted");
  };
  TrainOptions o;
  o.stopping.monitor = Monitor::val_auroc;
  EXPECT_EQ(message(o), "--monitor val_auroc is a --task binary score; regression monitors val_loss or val_r2");
  o.task = Task::binary;
  EXPECT_EQ(message(o), "accepted");
  o.stopping.monitor = Monitor::val_r2;
  EXPECT_EQ(message(o), "--monitor val_r2 is a regression score; --task binary monitors val_loss or val_auroc");
  TrainOptions w;
  w.epochs = 3;
  w.schedule.warmup_epochs = 3;
  EXPECT_EQ(message(w), "--warmup-epochs must be 0 to --epochs - 1 (2), got 3");
  TrainOptions g;
  g.schedule.gamma = 1.5;
  EXPECT_EQ(message(g), "--lr-gamma must be in (0, 1]");
  EXPECT_THROW(parse_lr_schedule("linear"), UsageError);
}

}  // namespace
}  // namespace dnacnn

// Users' tasks: binary classification (both engines), several targets, a given split,
// reverse-complement augmentation at training time and averaging at prediction time.
#include <gtest/gtest.h>

#include <cmath>

#include "dnacnn/core/error.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/core/random.hpp"
#include "dnacnn/data/sequence.hpp"
#include "dnacnn/data/simulate.hpp"
#include "dnacnn/train/train.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

TrainResult train(const SequenceData& data, const TrainOptions& o) {
  Progress quiet = Progress::silent();
  return train_model(data, o, quiet);
}

// Random 20 bp sequences labelled 1 when they contain TAT (about a quarter of them).
SequenceData motif_labels(int rows, std::uint64_t seed) {
  Rng rng(seed);
  SequenceData d;
  d.source = "motif labels";
  d.target_names = {"bound"};
  for (int i = 0; i < rows; ++i) {
    std::string s;
    for (int j = 0; j < 20; ++j) s += "ACGT"[rng.below(4)];
    d.targets.push_back(s.find("TAT") != std::string::npos ? 1.0f : 0.0f);
    d.seqs.push_back(std::move(s));
    d.lines.push_back(i + 2);
  }
  return d;
}

std::vector<float> column(const TrainResult& r, const std::vector<std::int64_t>& rows, std::size_t t, std::size_t n_targets) {
  std::vector<float> out;
  for (auto i : rows) out.push_back(r.predictions[static_cast<std::size_t>(i) * n_targets + t]);
  return out;
}

std::vector<std::int64_t> rows_in(const TrainResult& r, Split s) {
  std::vector<std::int64_t> rows;
  for (std::size_t i = 0; i < r.split_of_row.size(); ++i)
    if (r.split_of_row[i] == s) rows.push_back(static_cast<std::int64_t>(i));
  return rows;
}

class BinaryTask : public ::testing::TestWithParam<std::string> {};

TEST_P(BinaryTask, LearnsAMotifAndReportsItsMetrics) {
  const SequenceData data = motif_labels(4000, 1);
  TrainOptions o;
  o.task = Task::binary;
  o.engine = parse_engine(GetParam());
  o.optimizer = Optimizer::adam;
  o.epochs = 8;
  o.pos_weight = 2;
  const TrainResult r = train(data, o);
  EXPECT_EQ(engine_name(r.engine), GetParam());
  EXPECT_EQ(r.config.task, Task::binary);
  for (float p : r.predictions) ASSERT_TRUE(p >= 0 && p <= 1) << p;  // probabilities
  ASSERT_EQ(r.per_target.size(), 1u);
  const Scores& test = r.per_target[0].test;
  ASSERT_TRUE(test.binary.has_value());
  EXPECT_GT(test.binary->auroc, 0.95);
  EXPECT_GT(test.binary->accuracy, 0.85);
  // The reported numbers are those of the predictions.
  const std::vector<std::int64_t> rows = rows_in(r, Split::test);
  std::vector<float> labels;
  for (auto i : rows) labels.push_back(data.target(static_cast<std::size_t>(i)));
  const BinaryMetrics expected = binary_metrics(labels, column(r, rows, 0, 1));
  EXPECT_DOUBLE_EQ(test.binary->auroc, expected.auroc);
  EXPECT_DOUBLE_EQ(test.binary->auprc, expected.auprc);
  EXPECT_DOUBLE_EQ(r.test.mse, test.regression.mse);  // the first target's scores stay at the old place
}

INSTANTIATE_TEST_SUITE_P(Engines, BinaryTask, ::testing::Values("fused", "torch"));

TEST(BinaryTask, TargetsMustBeZeroOrOne) {
  SequenceData data = motif_labels(200, 2);
  data.targets[57] = 0.5f;
  TrainOptions o;
  o.task = Task::binary;
  EXPECT_THROW_MSG(train(data, o), Error, "motif labels:59: --task binary needs targets 0 or 1; 'bound' is 0.5");
  o.task = Task::regression;
  o.pos_weight = 3;
  EXPECT_THROW_MSG(train(data, o), UsageError, "--pos-weight applies to --task binary only");
}

TEST(GivenSplit, IsUsedInsteadOfARandomOne) {
  SequenceData data = motif_labels(300, 3);
  for (int i = 0; i < 300; ++i) data.given_split.push_back(i < 200 ? Split::train : i < 250 ? Split::val : Split::test);
  TrainOptions o;
  o.epochs = 2;
  o.batch_size = 32;
  const TrainResult r = train(data, o);
  EXPECT_EQ(r.split_of_row, data.given_split);
  EXPECT_EQ(r.test.n, 50);
  EXPECT_EQ(r.per_target[0].train.regression.n, 200);
  for (auto& s : data.given_split) s = Split::test;
  EXPECT_THROW_MSG(train(data, o), Error, "puts no rows in 'train'");
}

TEST(SeveralTargets, OneModelScoresEachTargetOnBothEngines) {
  SimulateOptions so;
  so.k = 6;
  SequenceData data = simulate_kmers(so);
  data.target_names = {"score", "gc"};
  std::vector<float> both;
  for (std::size_t i = 0; i < data.seqs.size(); ++i) {
    both.push_back(data.targets[i]);
    const std::string& s = data.seqs[i];
    both.push_back(static_cast<float>(std::count_if(s.begin(), s.end(), [](char c) { return c == 'G' || c == 'C'; })));
  }
  data.targets = both;
  for (const std::string engine : {"fused", "torch"}) {
    TrainOptions o;
    o.engine = parse_engine(engine);
    o.optimizer = Optimizer::adam;
    o.epochs = 20;
    const TrainResult r = train(data, o);
    EXPECT_EQ(r.config.targets, data.target_names);
    ASSERT_EQ(r.per_target.size(), 2u);
    ASSERT_EQ(r.predictions.size(), 2 * data.seqs.size());
    EXPECT_GT(r.per_target[0].test.regression.r2, 0.5) << engine;  // 6-mers, 20 epochs
    EXPECT_GT(r.per_target[1].test.regression.r2, 0.95) << engine;  // GC count is linear in the one-hot input
    EXPECT_EQ(r.test.r2, r.per_target[0].test.regression.r2);
  }
}

// Mean |f(s) - f(rc(s))| of a trained model over the data.
double strand_gap(const TrainResult& r, const SequenceData& data) {
  const Predictor p = Predictor::from_stored({r.config, r.weights}, "memory");
  SequenceData rc = data;
  for (auto& s : rc.seqs) s = reverse_complement(s);
  const std::vector<float> f = p.predict(data), b = p.predict(rc);
  double gap = 0;
  for (std::size_t i = 0; i < f.size(); ++i) gap += std::fabs(f[i] - b[i]);
  // rc_average is the mean of the two strands, for every row.
  const std::vector<float> avg = p.predict(data, 4096, true);
  for (std::size_t i = 0; i < f.size(); ++i) EXPECT_NEAR(avg[i], (f[i] + b[i]) / 2, 1e-5);
  return gap / static_cast<double>(f.size());
}

TEST(RcAugment, TeachesTheModelBothStrands) {
  SimulateOptions so;
  so.k = 6;
  const SequenceData data = simulate_kmers(so);  // the notebook's rule is not strand-symmetric
  for (const std::string engine : {"fused", "torch"}) {
    TrainOptions o;
    o.engine = parse_engine(engine);
    o.optimizer = Optimizer::adam;
    o.epochs = 15;
    const TrainResult plain = train(data, o);
    o.rc_augment = true;
    const TrainResult augmented = train(data, o);
    const TrainResult again = train(data, o);
    EXPECT_EQ(augmented.predictions, again.predictions) << engine;  // still deterministic
    const double gap_plain = strand_gap(plain, data), gap_augmented = strand_gap(augmented, data);
    EXPECT_LT(gap_augmented, 0.5 * gap_plain) << engine << ": " << gap_augmented << " vs " << gap_plain;
  }
}

}  // namespace
}  // namespace dnacnn

// Training with a team of threads: each thread's share of a batch gives, summed, the gradient of
// the whole batch (dropout included, through row-keyed masks), predictions match one model, and
// a thread's error reaches the caller.
#include "train/torch/thread_team.hpp"
#include "train/torch/gradient_sharing.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <stdexcept>

#include "dnacnn/models/architectures.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/data/simulate.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {
namespace {

ModelConfig small_deepcnn(double dropout) {
  return make_model_config("deepcnn", 24, {{"filters", 8}, {"kernel_size", 5}, {"hidden", 16}, {"dropout", dropout}});
}

torch::Tensor random_onehot(std::int64_t n, std::int64_t length) {
  return torch::one_hot(torch::randint(0, 4, {n, length}, torch::kLong), 4).to(torch::kFloat32);
}

TEST(RowKeyedDropout, ASplitBatchDrawsTheMasksOfTheWholeBatch) {
  const torch::Tensor x = torch::ones({100, 100});
  const torch::Tensor whole = row_keyed_dropout(x, 0.25, true, BatchRows{7, 0});
  const torch::Tensor parts = torch::cat({row_keyed_dropout(x.narrow(0, 0, 37), 0.25, true, BatchRows{7, 0}),
                                          row_keyed_dropout(x.narrow(0, 37, 63), 0.25, true, BatchRows{7, 37})});
  EXPECT_TRUE(torch::equal(whole, parts));
  const double dropped = (whole == 0).to(torch::kFloat64).mean().item<double>();
  EXPECT_NEAR(dropped, 0.25, 0.02);
  EXPECT_TRUE(torch::allclose(whole.masked_select(whole != 0), torch::full({}, 1 / 0.75)));
  EXPECT_FALSE(torch::equal(whole, row_keyed_dropout(x, 0.25, true, BatchRows{8, 0})));
  EXPECT_FALSE(torch::equal(whole.narrow(0, 0, 50), whole.narrow(0, 50, 50)));  // rows differ
  EXPECT_TRUE(torch::equal(row_keyed_dropout(x, 0.25, false, BatchRows{7, 0}), x));
  EXPECT_NE(batch_rows_seed(17, 1, 0), batch_rows_seed(17, 1, 128));
  EXPECT_NE(batch_rows_seed(17, 1, 0), batch_rows_seed(17, 2, 0));
}

// A team of 2 or 3 threads steps the model exactly as one thread stepping on the whole batch
// would (up to float rounding), with dropout on and a batch that does not split evenly.
TEST(ThreadSharing, StepsLikeOneThreadOnTheWholeBatch) {
  for (const int size : {2, 3}) {
    SCOPED_TRACE(size);
    const ModelConfig config = small_deepcnn(0.3);
    torch::manual_seed(5);
    SequenceModel one = build_model(config);
    torch::manual_seed(5);
    SequenceModel shared = build_model(config);
    torch::optim::SGD one_sgd(one->parameters(), torch::optim::SGDOptions(0.1));
    torch::optim::SGD shared_sgd(shared->parameters(), torch::optim::SGDOptions(0.1));
    const std::unique_ptr<GradientSharing> team = thread_sharing(*shared, config, size);
    ASSERT_EQ(team->count(), size);
    const LossFn mse = [](const torch::Tensor& p, const torch::Tensor& y) { return torch::mse_loss(p, y); };
    for (int step = 0; step < 3; ++step) {
      const torch::Tensor x = random_onehot(13, 24), y = torch::randn({13, 1});
      const BatchRows rows{batch_rows_seed(3, 1, step * 13), 0};
      one->batch_rows = rows;
      one_sgd.zero_grad();
      const torch::Tensor loss = mse(one->forward(x), y);
      loss.backward();
      one_sgd.step();
      const double team_sum = sharded_step(*team, shared_sgd, x, y, mse, rows).loss_sum;
      EXPECT_NEAR(team_sum, loss.item<double>() * 13, 1e-4 * team_sum);
      const auto a = one->parameters(), b = shared->parameters();
      for (std::size_t k = 0; k < a.size(); ++k)
        EXPECT_TRUE(torch::allclose(a[k], b[k], 1e-4, 1e-6)) << "step " << step << ", parameter " << k;
      // Every replica sees the updated weights: they share the model's storage.
      std::vector<int> same(static_cast<std::size_t>(size), 0);
      team->for_each_share([&](int i, SequenceModelImpl& replica) {
        same[static_cast<std::size_t>(i)] = torch::equal(replica.parameters().back(), b.back());
      });
      EXPECT_EQ(same, std::vector<int>(static_cast<std::size_t>(size), 1));
    }
  }
}

// Threads predict whole blocks of rows, as one thread does: the same values, bit for bit.
TEST(ThreadSharing, PredictsWhatTheModelPredicts) {
  const ModelConfig config = small_deepcnn(0.1);
  SequenceModel model = build_model(config);
  model->eval();
  const SequenceData data = simulate_kmers({.seed = 7, .random = 601, .length = 24});
  const std::vector<float> one = predict_sequences(*model, data, 24, 4096, torch::kCPU);
  const std::unique_ptr<GradientSharing> team = thread_sharing(*model, config, 3);
  EXPECT_EQ(team->predict_all(data, 24), one);
  EXPECT_EQ(serial_sharing(*model, torch::kCPU)->predict_all(data, 24), one);
}

TEST(ThreadTeam, AThreadsErrorReachesTheCallerAndTheTeamGoesOn) {
  const ModelConfig config = small_deepcnn(0);
  SequenceModel model = build_model(config);
  ThreadTeam team(*model, config, 2);
  EXPECT_THROW(team.run([](int i) {
    if (i == 1) throw std::runtime_error("shard 1 failed");
  }),
               std::runtime_error);
  std::vector<int> ran(2, 0);
  team.run([&](int i) { ran[static_cast<std::size_t>(i)] = 1; });
  EXPECT_EQ(ran, (std::vector<int>{1, 1}));
}

TEST(ThreadTeam, RestoresTheIntraOpThreadCount) {
  torch::set_num_threads(2);
  {
    const ModelConfig config = small_deepcnn(0);
    SequenceModel model = build_model(config);
    ThreadTeam team(*model, config, 2);
    EXPECT_EQ(torch::get_num_threads(), 1);
  }
  EXPECT_EQ(torch::get_num_threads(), 2);
}

// Whole runs: the thread count and how threads are used change only float rounding, dropout
// included (its masks are keyed by the batch and row, not drawn from a shared generator).
TEST(ThreadTeam, TrainingIsTheSameWithOneOrSeveralThreads) {
  SimulateOptions s;
  s.k = 6;
  const SequenceData data = simulate_kmers(s);
  TrainOptions o;
  o.arch = "deepcnn";
  o.hparams = {{"filters", 16}, {"dropout", 0.2}};
  o.optimizer = Optimizer::adam;
  o.lr = 0.003;
  o.epochs = 2;
  o.batch_size = 64;
  Progress quiet = Progress::silent();
  const TrainResult one = train_model(data, o, quiet);
  for (const char* threading : {"batch", "ops"}) {
    SCOPED_TRACE(threading);
    o.threads = 3;
    o.threading = parse_threading(threading);
    const TrainResult many = train_model(data, o, quiet);
    ASSERT_EQ(many.history.size(), one.history.size());
    for (std::size_t e = 0; e < one.history.size(); ++e) {
      EXPECT_NEAR(many.history[e].train_loss, one.history[e].train_loss, 1e-4 * one.history[e].train_loss);
      EXPECT_NEAR(many.history[e].val_loss, one.history[e].val_loss, 1e-4 * one.history[e].val_loss);
    }
    ASSERT_EQ(many.predictions.size(), one.predictions.size());
    for (std::size_t i = 0; i < one.predictions.size(); i += 97)
      EXPECT_NEAR(many.predictions[i], one.predictions[i], 1e-3) << "row " << i;
  }
  EXPECT_THROW(parse_threading("rows"), UsageError);
}

}  // namespace
}  // namespace dnacnn

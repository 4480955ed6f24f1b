// The fused CPU engine against LibTorch's own ops: gradients against autograd, and SGD/Adam steps
// against torch::optim on the same batches.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "dnacnn/models/architectures.hpp"
#include "dnacnn/data/dataset.hpp"
#include "models/models.hpp"
#include "dnacnn/core/random.hpp"
#include "train/fused/fused_trainer.hpp"
#include "models/input_layer.hpp"
#include "models/tensors.hpp"

namespace dnacnn {
namespace {

struct Batch {
  SequenceData data;
  std::vector<std::uint8_t> codes;
  std::vector<float> targets;  // rows x targets
  torch::Tensor x, y;
};

Batch random_batch(int rows, int length, int targets, std::uint64_t seed) {
  Rng rng(seed);
  Batch b;
  for (int i = 0; i < rows; ++i) {
    std::string s;
    for (int j = 0; j < length; ++j) s += "ACGTN"[rng.below(10) == 0 ? 4 : rng.below(4)];  // some N
    b.data.seqs.push_back(s);
    for (int t = 0; t < targets; ++t) b.targets.push_back(static_cast<float>(10 + 5 * rng.normal()));
  }
  std::vector<std::int64_t> all(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) all[static_cast<std::size_t>(i)] = i;
  b.codes = encode_codes(b.data, length, all).codes;
  b.x = onehot_of_codes(codes_tensor(encode_codes(b.data, length)));
  b.y = torch::from_blob(b.targets.data(), {rows, targets}, torch::kFloat32).clone();
  return b;
}

struct Case {
  std::string arch;
  std::map<std::string, double> hparams;
  int length, targets;
};

ModelConfig config_for(const Case& c) {
  std::vector<std::string> names;
  for (int t = 0; t < c.targets; ++t) names.push_back("t" + std::to_string(t));
  return make_model_config(c.arch, c.length, c.hparams, names);
}

class FusedVsTorch : public ::testing::TestWithParam<Case> {};

TEST_P(FusedVsTorch, GradientsMatchAutograd) {
  const Case c = GetParam();
  const ModelConfig config = config_for(c);
  torch::manual_seed(1);
  SequenceModel model = build_model(config);
  const Batch b = random_batch(37, c.length, c.targets, 9);

  FusedTrainer fused(config, Optimizer::sgd, 0.01, *model);
  const auto grads = fused.gradients(b.codes.data(), b.targets.data(), 37);

  model->zero_grad();
  torch::mse_loss(model->forward(b.x), b.y).backward();
  ASSERT_EQ(grads.size(), model->named_parameters().size());
  for (const auto& [name, g] : grads) {
    const torch::Tensor expected = model->named_parameters()[name].grad().contiguous();
    ASSERT_EQ(static_cast<std::int64_t>(g.size()), expected.numel()) << name;
    const torch::Tensor got = torch::from_blob(const_cast<float*>(g.data()), expected.sizes(), torch::kFloat32);
    EXPECT_TRUE(torch::allclose(got, expected, 1e-4, 1e-5)) << name << "\nfused:\n" << got << "\nautograd:\n" << expected;
  }
}

TEST_P(FusedVsTorch, OptimiserStepsMatchTorchOptim) {
  const Case c = GetParam();
  const ModelConfig config = config_for(c);
  for (const std::string opt : {"sgd", "adam"}) {
    torch::manual_seed(2);
    SequenceModel reference = build_model(config);
    torch::manual_seed(2);
    SequenceModel candidate = build_model(config);
    std::unique_ptr<torch::optim::Optimizer> torch_opt;
    if (opt == "sgd")
      torch_opt = std::make_unique<torch::optim::SGD>(reference->parameters(), torch::optim::SGDOptions(0.01));
    else
      torch_opt = std::make_unique<torch::optim::Adam>(reference->parameters(), torch::optim::AdamOptions(0.01));
    FusedTrainer fused(config, parse_optimizer(opt), 0.01, *candidate);
    for (int step = 0; step < 5; ++step) {
      const Batch b = random_batch(16, c.length, c.targets, 100 + static_cast<std::uint64_t>(step));
      torch_opt->zero_grad();
      const torch::Tensor loss = torch::mse_loss(reference->forward(b.x), b.y);
      loss.backward();
      torch_opt->step();
      std::vector<std::int64_t> rows(16);
      for (int i = 0; i < 16; ++i) rows[static_cast<std::size_t>(i)] = i;
      const double sse = fused.step(b.codes.data(), b.targets.data(), rows.data(), 16);
      EXPECT_NEAR(sse / (16.0 * c.targets), loss.item<double>(), 1e-4 * std::max(1.0, loss.item<double>())) << opt;
    }
    fused.write_back(*candidate);
    for (const auto& item : reference->named_parameters()) {
      const torch::Tensor got = candidate->named_parameters()[item.key()];
      EXPECT_TRUE(torch::allclose(got, item.value(), 1e-4, 1e-5)) << opt << " " << item.key();
    }
  }
}

TEST_P(FusedVsTorch, PredictionsMatchTheModule) {
  const Case c = GetParam();
  const ModelConfig config = config_for(c);
  torch::manual_seed(3);
  SequenceModel model = build_model(config);
  FusedTrainer fused(config, Optimizer::sgd, 0.01, *model);
  const Batch b = random_batch(8, c.length, c.targets, 4);
  const torch::Tensor expected = model->forward(b.x).detach();
  std::vector<float> out(static_cast<std::size_t>(c.targets));
  for (int i = 0; i < 8; ++i) {
    fused.predict_one(b.codes.data() + i * c.length, out.data());
    for (int t = 0; t < c.targets; ++t) EXPECT_NEAR(out[static_cast<std::size_t>(t)], expected[i][t].item<float>(), 1e-4);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Architectures, FusedVsTorch,
    ::testing::Values(Case{"cnn", {}, 8, 1},                                   // the notebook CNN
                      Case{"cnn", {{"filters", 5}, {"kernel_size", 4}}, 11, 2},  // odd sizes, two targets
                      Case{"cnn", {{"filters", 16}, {"kernel_size", 12}}, 30, 1},
                      Case{"cnn", {{"filters", 64}, {"kernel_size", 1}}, 6, 1},
                      Case{"linear", {}, 8, 1}, Case{"linear", {}, 13, 3}),
    [](const auto& info) { return info.param.arch + std::to_string(info.index); });

// Binary tasks: BCE on logits with a positive weight, against torch's own loss and autograd, for
// one and several targets; also the reverse-complement rows the engine adds for --rc-augment.
class FusedBce : public ::testing::TestWithParam<Case> {};

TEST_P(FusedBce, LossAndGradientsMatchAutograd) {
  const Case c = GetParam();
  const ModelConfig config = config_for(c);
  torch::manual_seed(5);
  SequenceModel model = build_model(config);
  Batch b = random_batch(29, c.length, c.targets, 12);
  for (float& y : b.targets) y = y > 10 ? 1.0f : 0.0f;
  b.y = torch::from_blob(b.targets.data(), {29, c.targets}, torch::kFloat32).clone();
  const float pos_weight = 2.5f;
  namespace F = torch::nn::functional;
  model->zero_grad();
  const torch::Tensor loss = F::binary_cross_entropy_with_logits(
      model->forward(b.x), b.y, F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(torch::full({1}, pos_weight)));
  loss.backward();

  FusedTrainer fused(config, Optimizer::sgd, 0.01, *model, FusedLoss{true, pos_weight});
  EXPECT_NEAR(fused.sum_loss(b.codes.data(), b.targets.data(), 29) / (29.0 * c.targets), loss.item<double>(), 1e-5);
  for (const auto& [name, g] : fused.gradients(b.codes.data(), b.targets.data(), 29)) {
    const torch::Tensor expected = model->named_parameters()[name].grad().contiguous();
    const torch::Tensor got = torch::from_blob(const_cast<float*>(g.data()), expected.sizes(), torch::kFloat32);
    EXPECT_TRUE(torch::allclose(got, expected, 1e-4, 1e-6)) << name << "\nfused:\n" << got << "\nautograd:\n" << expected;
  }
}

INSTANTIATE_TEST_SUITE_P(Architectures, FusedBce,
                         ::testing::Values(Case{"cnn", {}, 8, 1}, Case{"cnn", {{"filters", 5}, {"kernel_size", 4}}, 11, 3},
                                           Case{"linear", {}, 9, 2}),
                         [](const auto& info) { return info.param.arch + std::to_string(info.index); });

TEST(FusedRc, ReverseComplementRowsFollowTheOriginals) {
  const BaseCodes both = with_reverse_complements(encode_codes(sequences_from_strings({"ACGTN", "AACCG"}, "t"), 5));
  const BaseCodes expected = encode_codes(sequences_from_strings({"ACGTN", "AACCG", "NACGT", "CGGTT"}, "t"), 5);
  EXPECT_EQ(both.rows, 4);
  EXPECT_EQ(both.codes, expected.codes);
}

}  // namespace
}  // namespace dnacnn

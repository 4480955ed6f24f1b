// The one-hot convolution kernel against LibTorch's conv1d + relu + max_pool1d: values and the
// gradients of weight and bias, for several filter counts (the compile-time widths and the generic
// one), kernel sizes (odd and even 'same' padding), pools, and inputs with N.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "dnacnn/models/architectures.hpp"
#include "models/models.hpp"
#include "models/onehot_conv.hpp"

namespace dnacnn {
namespace {

// One-hot (N, L, 4) with about 10% N rows (all zero).
torch::Tensor random_onehot(std::int64_t n, std::int64_t length) {
  const torch::Tensor codes = torch::randint(0, 5, {n, length}, torch::kLong);
  torch::Tensor x = torch::zeros({n, length, 5});
  x.scatter_(2, codes.unsqueeze(2), 1.0f);
  return x.narrow(2, 0, 4).contiguous();
}

torch::Tensor reference(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b, std::int64_t pool) {
  torch::Tensor h = torch::relu(torch::conv1d(x.permute({0, 2, 1}), w, b, /*stride=*/1, "same"));
  return pool > 1 ? torch::max_pool1d(h, pool) : h;
}

struct Case {
  std::int64_t filters, kernel, pool, length;
};

class OneHotConvTest : public ::testing::TestWithParam<Case> {};

TEST_P(OneHotConvTest, MatchesConv1dReluMaxPoolInValuesAndGradients) {
  const Case c = GetParam();
  torch::manual_seed(3);
  const torch::Tensor x = random_onehot(37, c.length);  // not a multiple of the kernel's chunk of 8
  const torch::Tensor w0 = torch::randn({c.filters, 4, c.kernel}) * 0.5;
  const torch::Tensor b0 = torch::randn({c.filters}) * 0.5;
  const torch::Tensor upstream = torch::randn({37, c.filters, c.length / c.pool});

  const torch::Tensor w1 = w0.clone().requires_grad_(), b1 = b0.clone().requires_grad_();
  const torch::Tensor expected = reference(x, w1, b1, c.pool);
  (expected * upstream).sum().backward();

  const std::optional<torch::Tensor> codes = onehot_codes(x);
  ASSERT_TRUE(codes.has_value());
  const torch::Tensor w2 = w0.clone().requires_grad_(), b2 = b0.clone().requires_grad_();
  const torch::Tensor got = onehot_conv_relu_pool(*codes, w2, b2, c.pool);
  (got * upstream).sum().backward();

  ASSERT_EQ(got.sizes(), expected.sizes());
  EXPECT_TRUE(torch::allclose(got, expected.detach(), 1e-4, 1e-5)) << (got - expected).abs().max().item<float>();
  EXPECT_TRUE(torch::allclose(w2.grad(), w1.grad(), 1e-3, 1e-4)) << (w2.grad() - w1.grad()).abs().max().item<float>();
  EXPECT_TRUE(torch::allclose(b2.grad(), b1.grad(), 1e-3, 1e-4)) << (b2.grad() - b1.grad()).abs().max().item<float>();
}

INSTANTIATE_TEST_SUITE_P(Shapes, OneHotConvTest,
                         ::testing::Values(Case{64, 15, 4, 200}, Case{32, 3, 2, 41}, Case{128, 8, 3, 50},
                                           Case{5, 1, 1, 9}, Case{16, 6, 1, 30}));

TEST(OneHotConv, GradientsDoNotDependOnTheThreadCount) {
  torch::manual_seed(5);
  const torch::Tensor x = random_onehot(50, 60);
  const auto grads = [&](int threads) {
    torch::set_num_threads(threads);
    torch::manual_seed(6);
    const torch::Tensor w1 = torch::randn({64, 4, 7}).requires_grad_(), b1 = torch::randn({64}).requires_grad_();
    onehot_conv_relu_pool(*onehot_codes(x), w1, b1, 2).sum().backward();
    return w1.grad().clone();
  };
  const int threads = torch::get_num_threads();
  const torch::Tensor one = grads(1), two = grads(2);
  torch::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one, two));
}

TEST(OneHotConv, OnlyStrictOneHotInputTakesTheGatherPath) {
  const torch::Tensor x = random_onehot(3, 10);
  EXPECT_TRUE(onehot_codes(x).has_value());
  EXPECT_FALSE(onehot_codes(x * 0.5).has_value());                            // soft input
  EXPECT_FALSE(onehot_codes(torch::ones({3, 10, 4})).has_value());            // two channels on
  EXPECT_FALSE(onehot_codes(x.clone().requires_grad_()).has_value());         // input gradients wanted
  EXPECT_FALSE(onehot_codes(x.to(torch::kFloat64)).has_value());
  const torch::Tensor codes = *onehot_codes(x);
  EXPECT_TRUE(torch::equal(codes.to(torch::kLong), torch::where(x.sum(2) > 0, x.argmax(2), torch::full({}, 4L))));
}

// The deepcnn model gives the same outputs and parameter gradients whether its first layer takes the gather path (one-hot
// input) or LibTorch's (the same input asking for its gradient, as attribution does).
TEST(OneHotConv, DeepCnnForwardIsTheSameOnBothPaths) {
  torch::manual_seed(9);
  for (const std::int64_t blocks : {1, 3}) {
    const std::map<std::string, double> hparams = {
        {"filters", 32}, {"kernel_size", 9}, {"blocks", static_cast<double>(blocks)}, {"pool", 4}};
    SequenceModel model = build_model(make_model_config("deepcnn", 64, hparams));
    model->eval();
    const torch::Tensor x = random_onehot(20, 64);
    const auto run = [&](const torch::Tensor& input) {  // the outputs, then every parameter's gradient
      model->zero_grad();
      const torch::Tensor out = model->forward(input);
      out.square().sum().backward();
      std::vector<torch::Tensor> all{out.detach()};
      for (const auto& p : model->parameters()) all.push_back(p.grad().clone());
      return all;
    };
    const std::vector<torch::Tensor> fast = run(x), generic = run(x.clone().requires_grad_());
    for (std::size_t i = 0; i < fast.size(); ++i)
      EXPECT_TRUE(torch::allclose(fast[i], generic[i], 1e-3, 1e-4)) << "blocks " << blocks << ", tensor " << i;
  }
}

}  // namespace
}  // namespace dnacnn

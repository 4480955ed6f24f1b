// Every model's first layer on base codes against LibTorch's ops on the same input as one-hot:
// the gather convolution (conv1d + relu + max_pool1d; values and the gradients of weight and bias)
// for several filter counts (the compile-time widths and the generic one), kernel sizes, pools,
// 'same' (odd and even kernels) and 'valid' padding and inputs with N; the linear model's gather;
// and each architecture's outputs and gradients on codes against the one-hot input attribution uses.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "dnacnn/models/architectures.hpp"
#include "models/input_layer.hpp"
#include "models/models.hpp"

namespace dnacnn {
namespace {

// Codes (N, L) with about 20% N.
torch::Tensor random_codes(std::int64_t n, std::int64_t length) {
  return torch::randint(0, 5, {n, length}, torch::kLong).to(torch::kUInt8);
}

torch::Tensor reference(const torch::Tensor& codes, const torch::Tensor& w, const torch::Tensor& b, std::int64_t pool,
                        InputPadding padding) {
  const torch::Tensor x = onehot_of_codes(codes).permute({0, 2, 1});
  torch::Tensor h = torch::relu(padding == InputPadding::same ? torch::conv1d(x, w, b, /*stride=*/1, "same")
                                                              : torch::conv1d(x, w, b));
  return pool > 1 ? torch::max_pool1d(h, pool) : h;
}

struct Case {
  std::int64_t filters, kernel, pool, length;
  InputPadding padding;
};

class OneHotConvTest : public ::testing::TestWithParam<Case> {};

TEST_P(OneHotConvTest, MatchesConv1dReluMaxPoolInValuesAndGradients) {
  const Case c = GetParam();
  torch::manual_seed(3);
  const torch::Tensor codes = random_codes(37, c.length);  // not a multiple of the kernel's chunk of 8
  const torch::Tensor w0 = torch::randn({c.filters, 4, c.kernel}) * 0.5;
  const torch::Tensor b0 = torch::randn({c.filters}) * 0.5;

  const torch::Tensor w1 = w0.clone().requires_grad_(), b1 = b0.clone().requires_grad_();
  const torch::Tensor expected = reference(codes, w1, b1, c.pool, c.padding);
  const torch::Tensor upstream = torch::randn(expected.sizes());
  (expected * upstream).sum().backward();

  const torch::Tensor w2 = w0.clone().requires_grad_(), b2 = b0.clone().requires_grad_();
  const torch::Tensor got = onehot_conv_relu_pool(codes, w2, b2, c.pool, c.padding);
  (got * upstream).sum().backward();

  ASSERT_EQ(got.sizes(), expected.sizes());
  EXPECT_TRUE(torch::allclose(got, expected.detach(), 1e-4, 1e-5)) << (got - expected).abs().max().item<float>();
  EXPECT_TRUE(torch::allclose(w2.grad(), w1.grad(), 1e-3, 1e-4)) << (w2.grad() - w1.grad()).abs().max().item<float>();
  EXPECT_TRUE(torch::allclose(b2.grad(), b1.grad(), 1e-3, 1e-4)) << (b2.grad() - b1.grad()).abs().max().item<float>();
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, OneHotConvTest,
    ::testing::Values(Case{64, 15, 4, 200, InputPadding::same}, Case{32, 3, 2, 41, InputPadding::same},
                      Case{128, 8, 3, 50, InputPadding::same}, Case{5, 1, 1, 9, InputPadding::same},
                      Case{16, 6, 1, 30, InputPadding::same}, Case{32, 3, 1, 8, InputPadding::valid},
                      Case{7, 4, 1, 11, InputPadding::valid}, Case{64, 9, 4, 60, InputPadding::valid},
                      Case{3, 8, 1, 8, InputPadding::valid}));

TEST(OneHotConv, GradientsDoNotDependOnTheThreadCount) {
  torch::manual_seed(5);
  const torch::Tensor codes = random_codes(50, 60);
  const auto grads = [&](int threads) {
    torch::set_num_threads(threads);
    torch::manual_seed(6);
    const torch::Tensor w1 = torch::randn({64, 4, 7}).requires_grad_(), b1 = torch::randn({64}).requires_grad_();
    onehot_conv_relu_pool(codes, w1, b1, 2, InputPadding::same).sum().backward();
    return w1.grad().clone();
  };
  const int threads = torch::get_num_threads();
  const torch::Tensor one = grads(1), two = grads(2);
  torch::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one, two));
}

TEST(InputLayer, OneHotOfCodesHasAZeroRowForN) {
  const torch::Tensor codes = torch::tensor({0, 1, 2, 3, 4}, torch::kUInt8).view({1, 5});
  const torch::Tensor x = onehot_of_codes(codes);
  ASSERT_EQ(x.sizes().vec(), (std::vector<std::int64_t>{1, 5, 4}));
  EXPECT_EQ(x.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::equal(x[0].narrow(0, 0, 4), torch::eye(4)));
  EXPECT_EQ(x[0][4].sum().item<float>(), 0.0f);
}

// Every architecture gives the same outputs and parameter gradients on codes (what every caller
// passes) as on the same input as one-hot floats asking for their gradient (what attribution passes).
TEST(InputLayer, EveryArchitectureIsTheSameOnCodesAndOnOneHot) {
  const std::vector<std::pair<std::string, std::map<std::string, double>>> cases = {
      {"linear", {}},
      {"cnn", {}},
      {"cnn", {{"filters", 5}, {"kernel_size", 4}}},
      {"deepcnn", {{"filters", 32}, {"kernel_size", 9}, {"blocks", 1}, {"pool", 4}}},
      {"deepcnn", {{"filters", 32}, {"kernel_size", 9}, {"blocks", 3}, {"pool", 4}}}};
  torch::manual_seed(9);
  for (const auto& [arch, hparams] : cases) {
    SequenceModel model = build_model(make_model_config(arch, 64, hparams));
    model->eval();
    const torch::Tensor codes = random_codes(20, 64);
    const auto run = [&](const torch::Tensor& input) {  // the outputs, then every parameter's gradient
      model->zero_grad();
      const torch::Tensor out = model->forward(input);
      out.square().sum().backward();
      std::vector<torch::Tensor> all{out.detach()};
      for (const auto& p : model->parameters()) all.push_back(p.grad().clone());
      return all;
    };
    const std::vector<torch::Tensor> gathered = run(codes), generic = run(onehot_of_codes(codes).requires_grad_());
    for (std::size_t i = 0; i < gathered.size(); ++i)
      EXPECT_TRUE(torch::allclose(gathered[i], generic[i], 1e-3, 1e-4)) << arch << ", tensor " << i;
  }
}

}  // namespace
}  // namespace dnacnn

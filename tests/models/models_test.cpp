// The networks: shapes, forward passes against independent references (LibTorch functional ops
// and plain loops), gradients against finite differences, parameter counts, config validation.
#include "models/models.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <set>

#include "dnacnn/data/simulate.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/data/dataset.hpp"
#include "dnacnn/core/device.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/infer/predict.hpp"
#include "train/fused/fused_trainer.hpp"  // src/: the training engine's loops, checked against autograd here
#include "models/tensors.hpp"        // src/: export_weights
#include "test_support.hpp"

namespace dnacnn {
namespace {

// One intra-op thread per test process: ctest runs tests side by side.
class SingleThread : public ::testing::Environment {
 public:
  void SetUp() override { set_thread_count(1); }
};
[[maybe_unused]] auto* const kSingleThread = ::testing::AddGlobalTestEnvironment(new SingleThread);

std::map<std::string, torch::Tensor> params_of(SequenceModelImpl& m) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& p : m.named_parameters(true)) out[p.key()] = p.value();
  return out;
}

// Random one-hot input (batch, length, 4), with some all-zero (N) positions.
torch::Tensor random_onehot(std::int64_t batch, std::int64_t length, std::uint64_t seed,
                            torch::ScalarType dtype = torch::kFloat32) {
  torch::manual_seed(seed);
  const torch::Tensor idx = torch::randint(0, 5, {batch, length});  // 4 = N
  return torch::one_hot(idx, 5).narrow(2, 0, 4).to(dtype);
}

ModelConfig cnn_config(std::int64_t length, std::int64_t filters, std::int64_t kernel,
                       std::vector<std::string> targets = {"score"}) {
  return make_model_config("cnn", length, {{"filters", static_cast<double>(filters)},
                                           {"kernel_size", static_cast<double>(kernel)}},
                           targets);
}

TEST(Models, OutputShapes) {
  for (const char* arch : {"linear", "cnn"}) {
    torch::manual_seed(1);
    const SequenceModel m = build_model(make_model_config(arch, 8, {}));
    const torch::Tensor y = m->forward(random_onehot(5, 8, 2));
    EXPECT_EQ(y.sizes().vec(), (std::vector<std::int64_t>{5, 1})) << arch;
    EXPECT_EQ(y.scalar_type(), torch::kFloat32);
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
    const torch::Tensor one = m->forward(random_onehot(1, 8, 3));
    EXPECT_EQ(one.sizes().vec(), (std::vector<std::int64_t>{1, 1})) << arch;
  }
  // Several targets: (batch, targets).
  const SequenceModel m = build_model(cnn_config(10, 4, 3, {"a", "b", "c"}));
  EXPECT_EQ(m->forward(random_onehot(7, 10, 4)).sizes().vec(), (std::vector<std::int64_t>{7, 3}));
}

TEST(Models, NotebookParameterNamesAndShapes) {
  const SequenceModel cnn = build_model(make_model_config("cnn", 8, {}));
  const auto p = params_of(*cnn);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p.at("conv.weight").sizes().vec(), (std::vector<std::int64_t>{32, 4, 3}));
  EXPECT_EQ(p.at("conv.bias").sizes().vec(), (std::vector<std::int64_t>{32}));
  EXPECT_EQ(p.at("linear.weight").sizes().vec(), (std::vector<std::int64_t>{1, 32 * 6}));
  EXPECT_EQ(p.at("linear.bias").sizes().vec(), (std::vector<std::int64_t>{1}));
  const SequenceModel lin = build_model(make_model_config("linear", 8, {}));
  const auto q = params_of(*lin);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q.at("lin.weight").sizes().vec(), (std::vector<std::int64_t>{1, 32}));
  EXPECT_EQ(q.at("lin.bias").sizes().vec(), (std::vector<std::int64_t>{1}));
}

TEST(Models, CnnForwardMatchesFunctionalOps) {
  torch::manual_seed(11);
  const SequenceModel m = build_model(cnn_config(9, 6, 4, {"a", "b"}));
  const auto p = params_of(*m);
  const torch::Tensor x = random_onehot(13, 9, 12);
  torch::NoGradGuard no_grad;
  // Conv1d wants (batch, channels, length); flatten (filters, positions) filter-major like PyTorch.
  const torch::Tensor h = torch::relu(torch::conv1d(x.permute({0, 2, 1}), p.at("conv.weight"), p.at("conv.bias")));
  const torch::Tensor ref = torch::nn::functional::linear(h.reshape({13, -1}), p.at("linear.weight"), p.at("linear.bias"));
  const torch::Tensor got = m->forward(x);
  ASSERT_EQ(got.sizes(), ref.sizes());
  EXPECT_TRUE(torch::allclose(got, ref, 1e-5, 1e-6)) << (got - ref).abs().max().item<float>();
}

TEST(Models, CnnForwardMatchesPlainLoops) {
  torch::manual_seed(21);
  const std::int64_t L = 8, F = 5, K = 3, P = L - K + 1, B = 6, T = 2;
  const SequenceModel m = build_model(cnn_config(L, F, K, {"a", "b"}));
  const auto p = params_of(*m);
  const torch::Tensor x = random_onehot(B, L, 22);
  const auto cw = p.at("conv.weight").accessor<float, 3>();
  const auto cb = p.at("conv.bias").accessor<float, 1>();
  const auto lw = p.at("linear.weight").accessor<float, 2>();
  const auto lb = p.at("linear.bias").accessor<float, 1>();
  const auto xa = x.accessor<float, 3>();
  torch::Tensor got;
  {
    torch::NoGradGuard no_grad;
    got = m->forward(x);
  }
  const auto ga = got.accessor<float, 2>();
  for (std::int64_t b = 0; b < B; ++b) {
    for (std::int64_t t = 0; t < T; ++t) {
      double out = lb[t];
      for (std::int64_t f = 0; f < F; ++f) {
        for (std::int64_t pos = 0; pos < P; ++pos) {
          double pre = cb[f];
          for (std::int64_t c = 0; c < 4; ++c)
            for (std::int64_t k = 0; k < K; ++k) pre += static_cast<double>(cw[f][c][k]) * xa[b][pos + k][c];
          out += static_cast<double>(lw[t][f * P + pos]) * std::max(pre, 0.0);
        }
      }
      EXPECT_NEAR(ga[b][t], out, 1e-4) << "row " << b << " target " << t;
    }
  }
}

TEST(Models, LinearForwardMatchesPlainLoops) {
  torch::manual_seed(31);
  const std::int64_t L = 7, B = 5;
  const SequenceModel m = build_model(make_model_config("linear", L, {}));
  const auto p = params_of(*m);
  const torch::Tensor x = random_onehot(B, L, 32);
  torch::Tensor got;
  {
    torch::NoGradGuard no_grad;
    got = m->forward(x);
  }
  const auto w = p.at("lin.weight").accessor<float, 2>();
  const float bias = p.at("lin.bias").item<float>();
  const auto xa = x.accessor<float, 3>();
  for (std::int64_t b = 0; b < B; ++b) {
    double out = bias;
    for (std::int64_t i = 0; i < L; ++i)
      for (std::int64_t c = 0; c < 4; ++c) out += static_cast<double>(w[0][4 * i + c]) * xa[b][i][c];  // position-major
    EXPECT_NEAR(got[b][0].item<float>(), out, 1e-5) << b;
  }
}

TEST(Models, LinearSeesOnlyPositionWiseBases) {
  // Swapping which base is at a position changes exactly one weight's contribution.
  torch::manual_seed(41);
  const SequenceModel m = build_model(make_model_config("linear", 4, {}));
  const auto w = params_of(*m).at("lin.weight");
  torch::NoGradGuard no_grad;
  const auto a = m->forward(random_onehot(1, 4, 1).zero_().index_put_({0, 2, 1}, 1.0f));  // C at position 2
  const auto b = m->forward(random_onehot(1, 4, 1).zero_().index_put_({0, 2, 3}, 1.0f));  // T at position 2
  EXPECT_NEAR((a - b).item<float>(), (w[0][4 * 2 + 1] - w[0][4 * 2 + 3]).item<float>(), 1e-6);
}

// Mean squared error of a model on (x, y), everything in double.
double loss_of(SequenceModelImpl& m, const torch::Tensor& x, const torch::Tensor& y) {
  return torch::mse_loss(m.forward(x), y).item<double>();
}

void expect_gradients_match_finite_differences(SequenceModelImpl& m, const torch::Tensor& x, const torch::Tensor& y) {
  m.zero_grad();
  torch::mse_loss(m.forward(x), y).backward();
  const double eps = 1e-6;
  int checked = 0;
  for (auto& item : m.named_parameters(true)) {
    torch::Tensor p = item.value();
    ASSERT_TRUE(p.grad().defined()) << item.key();
    const torch::Tensor grad = p.grad().clone();
    const torch::Tensor flat = p.data().view({-1});  // perturbed outside autograd
    for (std::int64_t i = 0; i < flat.size(0); ++i) {
      double plus = 0, minus = 0;
      {
        torch::NoGradGuard no_grad;
        const double orig = flat[i].item<double>();
        flat[i] = orig + eps;
        plus = loss_of(m, x, y);
        flat[i] = orig - eps;
        minus = loss_of(m, x, y);
        flat[i] = orig;
      }
      const double numeric = (plus - minus) / (2 * eps);
      const double analytic = grad.view({-1})[i].item<double>();
      EXPECT_NEAR(analytic, numeric, 1e-6 + 1e-5 * std::abs(numeric)) << item.key() << "[" << i << "]";
      ++checked;
    }
  }
  std::int64_t total = 0;
  for (const auto& q : m.parameters()) total += q.numel();
  EXPECT_EQ(checked, total);  // every element of every parameter
}

TEST(Models, CnnGradientsMatchFiniteDifferences) {
  torch::manual_seed(51);
  const SequenceModel m = build_model(cnn_config(6, 3, 3));
  m->to(torch::kFloat64);
  const torch::Tensor x = random_onehot(10, 6, 52, torch::kFloat64);
  torch::manual_seed(53);
  const torch::Tensor y = torch::randn({10, 1}, torch::kFloat64) * 3 + 15;
  expect_gradients_match_finite_differences(*m, x, y);
}

TEST(Models, LinearGradientsMatchFiniteDifferences) {
  torch::manual_seed(61);
  const SequenceModel m = build_model(make_model_config("linear", 5, {}));
  m->to(torch::kFloat64);
  const torch::Tensor x = random_onehot(9, 5, 62, torch::kFloat64);
  const torch::Tensor y = torch::linspace(10, 20, 9, torch::kFloat64).reshape({9, 1});
  expect_gradients_match_finite_differences(*m, x, y);
}

TEST(Models, CnnGradientsMatchFunctionalReference) {
  torch::manual_seed(71);
  const SequenceModel m = build_model(cnn_config(8, 32, 3));
  const torch::Tensor x = random_onehot(64, 8, 72);
  const torch::Tensor y = torch::randn({64, 1}) + 15;
  m->zero_grad();
  torch::mse_loss(m->forward(x), y).backward();
  // The same computation on detached copies of the weights, written with functional ops.
  std::map<std::string, torch::Tensor> ref;
  for (const auto& [name, p] : params_of(*m)) ref[name] = p.detach().clone().requires_grad_(true);
  const torch::Tensor h = torch::relu(torch::conv1d(x.transpose(1, 2), ref.at("conv.weight"), ref.at("conv.bias")));
  const torch::Tensor out = h.flatten(1).matmul(ref.at("linear.weight").t()) + ref.at("linear.bias");
  (out - y).pow(2).mean().backward();
  for (const auto& [name, p] : params_of(*m))
    EXPECT_TRUE(torch::allclose(p.grad(), ref.at(name).grad(), 1e-4, 1e-5)) << name;
}

TEST(Models, ParameterCountMatchesModule) {
  const std::vector<ModelConfig> configs{
      make_model_config("linear", 8, {}),
      make_model_config("linear", 100, {}, {"a", "b"}),
      make_model_config("cnn", 8, {}),
      cnn_config(8, 5, 8),
      cnn_config(30, 7, 5, {"a", "b", "c"}),
      cnn_config(1, 1, 1),
  };
  for (const ModelConfig& c : configs) {
    const SequenceModel m = build_model(c);
    std::int64_t real = 0;
    for (const auto& p : m->parameters()) real += p.numel();
    EXPECT_EQ(find_architecture(c.arch).parameter_count(c), real) << c.arch << " L=" << c.length;
    EXPECT_EQ(checked_parameter_count(c), real);
  }
  // The notebook's models: 4*8+1 and 32*(4*3+1) + 32*6+1.
  EXPECT_EQ(checked_parameter_count(make_model_config("linear", 8, {})), 33);
  EXPECT_EQ(checked_parameter_count(make_model_config("cnn", 8, {})), 609);
}

// deepcnn with bins = 3 pools each third of the sequence on its own (max, then mean, per filter),
// which is what lets it tell where a motif sits; checked against LibTorch's adaptive pooling.
TEST(Models, DeepCnnBinsPoolEachStretchSeparately) {
  // 11 positions in 3 bins: [0,4), [3,8), [7,11), the stretches of LibTorch's adaptive pooling.
  const ModelConfig c = make_model_config(
      "deepcnn", 11, {{"blocks", 1}, {"bins", 3}, {"filters", 4}, {"hidden", 5}, {"dropout", 0}});
  torch::manual_seed(5);
  const SequenceModel m = build_model(c);
  std::int64_t real = 0;
  for (const auto& p : m->parameters()) real += p.numel();
  EXPECT_EQ(checked_parameter_count(c), real);
  EXPECT_EQ(real, 4 * (4 * 3 + 1) + (2 * 4 * 3 + 1) * 5 + (5 + 1));

  const torch::Tensor x = random_onehot(6, 11, 2);
  auto p = params_of(*m);
  const torch::Tensor h =
      torch::relu(torch::conv1d(x.permute({0, 2, 1}), p["convs.0.weight"], p["convs.0.bias"], 1, 1));  // 'same'
  const torch::Tensor pooled = torch::cat({std::get<0>(torch::adaptive_max_pool1d(h, 3)).flatten(1),
                                           torch::adaptive_avg_pool1d(h, 3).flatten(1)},
                                          1);
  const torch::Tensor expected = torch::linear(
      torch::relu(torch::linear(pooled, p["hidden.weight"], p["hidden.bias"])), p["out.weight"], p["out.bias"]);
  m->eval();
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(m->forward(x), expected, 1e-5, 1e-6));
  EXPECT_THROW(make_model_config("deepcnn", 2, {{"bins", 3}, {"blocks", 1}}), UsageError);  // more bins than positions
}

TEST(Models, SameSeedSameInitialWeights) {
  const ModelConfig c = make_model_config("cnn", 8, {});
  torch::manual_seed(5);
  const auto a = params_of(*build_model(c));
  torch::manual_seed(5);
  const auto b = params_of(*build_model(c));
  torch::manual_seed(6);
  const auto d = params_of(*build_model(c));
  for (const auto& [name, t] : a) {
    EXPECT_TRUE(torch::equal(t, b.at(name))) << name;
    EXPECT_FALSE(torch::equal(t, d.at(name))) << name;
  }
}

TEST(Models, KernelLongerThanSequenceIsUsageError) {
  EXPECT_THROW_MSG(cnn_config(4, 8, 5), UsageError, "kernel size 5 is longer than the sequences (4 bp)");
  EXPECT_NO_THROW(cnn_config(5, 8, 5));  // equal is fine: one position
  ModelConfig c = make_model_config("cnn", 8, {});
  c.hparams["kernel_size"] = 9;
  EXPECT_THROW(build_model(c), UsageError);
  EXPECT_THROW(find_architecture("cnn").parameter_count(c), UsageError);
}

TEST(Models, NonPositiveSizesAreUsageErrors) {
  EXPECT_THROW(cnn_config(8, 0, 3), UsageError);
  EXPECT_THROW(cnn_config(8, 4, 0), UsageError);
}

TEST(Models, NonIntegerHyperParametersAreErrors) {
  EXPECT_THROW_MSG(make_model_config("cnn", 8, {{"filters", 2.5}}), Error, "whole number");
  EXPECT_THROW_MSG(make_model_config("cnn", 8, {{"filters", -3}}), Error, "whole number");
}

// "linear, cnn, ..." in registry order: the list an unknown name must be answered with.
std::string known_names() {
  std::string names;
  for (const auto& info : architecture_infos()) names += (names.empty() ? "" : ", ") + info.name;
  return names;
}

TEST(Models, UnknownArchitectureListsNames) {
  ASSERT_EQ(known_names().rfind("linear, cnn", 0), 0u) << known_names();
  // --model also takes the zoo's names and spec files (dnacnn/models/model_spec.hpp).
  EXPECT_THROW_MSG(make_model_config("transformer", 8, {}), UsageError,
                   "unknown model 'transformer' (known: " + known_names() + ", deepbind, deepsea, basset, danq, bpnet; or a spec file");
  EXPECT_THROW_MSG(find_architecture("rnn"), UsageError, known_names());
  ModelConfig c = make_model_config("cnn", 8, {});
  c.arch = "resnet";
  EXPECT_THROW_MSG(build_model(c), UsageError, "known: " + known_names());
}

TEST(Models, UnknownHyperParameterIsUsageError) {
  EXPECT_THROW_MSG(make_model_config("cnn", 8, {{"dropout", 0.5}}), UsageError, "takes no hyper-parameter 'dropout'");
  EXPECT_THROW_MSG(make_model_config("linear", 8, {{"filters", 4}}), UsageError, "'filters'");
}

TEST(Models, ArchitectureInfos) {
  const auto& infos = architecture_infos();
  ASSERT_GE(infos.size(), 2u);
  EXPECT_EQ(infos[0].name, "linear");
  EXPECT_EQ(infos[1].name, "cnn");
  EXPECT_EQ(infos[1].defaults.at("filters"), 32);
  EXPECT_EQ(infos[1].defaults.at("kernel_size"), 3);
  EXPECT_TRUE(infos[0].defaults.empty());
  std::set<std::string> names;
  for (const auto& info : infos) {
    EXPECT_TRUE(names.insert(info.name).second) << "duplicate " << info.name;
    EXPECT_FALSE(info.summary.empty()) << info.name;
    EXPECT_TRUE(static_cast<bool>(info.parameter_count)) << info.name;
    EXPECT_EQ(find_architecture(info.name).name, info.name);
    EXPECT_EQ(find_architecture(info.name).defaults, info.defaults);
  }
}

// Every registered architecture, with its defaults: shapes, parameter count, every parameter
// trained, and weights that survive export -> Predictor.
TEST(Models, EveryArchitectureBehaves) {
  for (const auto& info : architecture_infos()) {
    SCOPED_TRACE(info.name);
    const ModelConfig c = make_model_config(info.name, 12, {}, {"a", "b"});
    torch::manual_seed(3);
    const SequenceModel m = build_model(c);
    std::int64_t real = 0;
    for (const auto& p : m->parameters()) real += p.numel();
    EXPECT_EQ(checked_parameter_count(c), real);

    const torch::Tensor x = random_onehot(9, 12, 4);
    m->train();
    m->zero_grad();
    const torch::Tensor y = m->forward(x);
    ASSERT_EQ(y.sizes().vec(), (std::vector<std::int64_t>{9, 2}));
    torch::mse_loss(y, torch::full({9, 2}, 15.0f)).backward();
    for (const auto& p : m->named_parameters(true)) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key() << " gets no gradient";
      EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<float>(), 0.0f) << p.key() << " gets a zero gradient";
    }

    m->eval();
    torch::Tensor expected;
    {
      torch::NoGradGuard no_grad;
      expected = m->forward(x);
    }
    EXPECT_TRUE(torch::allclose(predict_in_batches(*m, x, 4, torch::kCPU), expected, 1e-5, 1e-6));  // eval: no dropout
    // Through the exported weights, as a saved model would be loaded.
    std::vector<std::string> seqs;
    const auto xa = x.accessor<float, 3>();
    for (std::int64_t b = 0; b < 9; ++b) {
      std::string s;
      for (std::int64_t i = 0; i < 12; ++i) {
        char base = 'N';
        for (int ch = 0; ch < 4; ++ch)
          if (xa[b][i][ch] == 1.0f) base = "ACGT"[ch];
        s += base;
      }
      seqs.push_back(s);
    }
    const std::vector<float> predicted =
        Predictor::from_stored({c, export_weights(*m)}, "memory").predict(sequences_from_strings(seqs, "t"));
    ASSERT_EQ(predicted.size(), 18u);
    for (std::int64_t i = 0; i < 18; ++i) EXPECT_NEAR(predicted[static_cast<std::size_t>(i)], expected.view({-1})[i].item<float>(), 1e-5);
  }
}

TEST(Models, AbsurdSizesAreRefusedBeforeAllocation) {
  ModelConfig c = make_model_config("cnn", 8, {});
  c.length = 1'000'000;
  c.hparams["filters"] = 1'000'000;
  EXPECT_THROW_MSG(checked_parameter_count(c), Error, "limit 200000000");
  EXPECT_THROW_MSG(build_model(c), Error, "parameters (limit");
  EXPECT_THROW(make_model_config("cnn", 1'000'000, {{"filters", 1e6}}), Error);
  ModelConfig l = make_model_config("linear", 8, {});
  l.length = 100'000'000;
  EXPECT_THROW(checked_parameter_count(l), Error);
  // Just under the limit is accepted (and not built here).
  ModelConfig ok = make_model_config("linear", 8, {});
  ok.length = (kMaxParameters - 1) / 4;
  EXPECT_LE(checked_parameter_count(ok), kMaxParameters);
}

TEST(Models, PredictInBatchesMatchesOneForwardPass) {
  torch::manual_seed(81);
  const SequenceModel m = build_model(make_model_config("cnn", 8, {}));
  m->eval();
  const torch::Tensor x = random_onehot(100, 8, 82);
  torch::Tensor full;
  {
    torch::NoGradGuard no_grad;
    full = m->forward(x);
  }
  for (std::int64_t batch : {1, 7, 100, 4096}) {
    const torch::Tensor got = predict_in_batches(*m, x, batch, torch::kCPU);
    ASSERT_EQ(got.sizes().vec(), (std::vector<std::int64_t>{100, 1}));
    EXPECT_TRUE(torch::allclose(got, full, 1e-5, 1e-6)) << "batch " << batch;
  }
}

// The promise behind `predict --shard`, `dnacnn merge` and --batch-size: a row's prediction is
// the same bits whenever it is predicted in the same block of kPredictBlockRows rows (blocks start
// at the data's first row), whatever else is predicted with it. LibTorch's kernels round a row by
// its place among the rows of its forward pass: deepcnn failed this on AVX-512 before predictions
// went by fixed blocks.
TEST(Models, PredictionOfARowDependsOnlyOnItsBlock) {
  for (const char* arch : {"cnn", "deepcnn", "linear"}) {
    SCOPED_TRACE(arch);
    torch::manual_seed(83);
    const SequenceModel m = build_model(make_model_config(arch, 64, {}));
    m->eval();
    const torch::Tensor x = random_onehot(600, 64, 84);
    const torch::Tensor all = predict_in_batches(*m, x, 4096, torch::kCPU);
    for (const auto& [first, rows] : std::vector<std::pair<std::int64_t, std::int64_t>>{
             {0, 256}, {256, 344}, {512, 88}, {256, 256}}) {
      const torch::Tensor part = predict_in_batches(*m, x.narrow(0, first, rows), 4096, torch::kCPU);
      EXPECT_TRUE(torch::equal(part, all.narrow(0, first, rows))) << first << "+" << rows;
    }
    const SequenceData data = simulate_kmers({.seed = 5, .random = 600, .length = 64});
    const std::vector<float> whole = predict_sequences(*m, data, 64, 4096, torch::kCPU);
    for (std::int64_t batch : {1, 100, 256, 300})  // chunks are rounded up to whole blocks
      EXPECT_EQ(predict_sequences(*m, data, 64, batch, torch::kCPU), whole) << "batch " << batch;
  }
}

// `dnacnn motifs` reads the filters the registry points at: a (filters, 4, width) weight.
TEST(Models, RegistryNamesEachFirstConvolution) {
  for (const ArchitectureInfo& info : architecture_infos()) {
    const SequenceModel m = build_model(make_model_config(info.name, 32, {}));
    std::map<std::string, std::vector<std::int64_t>> shapes;
    for (const auto& p : m->named_parameters()) shapes[p.key()] = p.value().sizes().vec();
    if (info.first_conv.empty()) {
      EXPECT_EQ(info.name, "linear");
      continue;
    }
    ASSERT_TRUE(shapes.contains(info.first_conv + ".weight")) << info.name;
    EXPECT_EQ(shapes[info.first_conv + ".weight"].size(), 3u) << info.name;
    EXPECT_EQ(shapes[info.first_conv + ".weight"][1], 4) << info.name;
    EXPECT_TRUE(shapes.contains(info.first_conv + ".bias")) << info.name;
  }
}

// The registry says which architectures have fused kernels and names their parameters.
TEST(FusedTrainer, RegistryNamesTheArchitecturesWithFusedKernels) {
  EXPECT_TRUE(has_fused_kernels(make_model_config("cnn", 8, {})));
  EXPECT_TRUE(has_fused_kernels(make_model_config("linear", 8, {})));
  EXPECT_FALSE(has_fused_kernels(make_model_config("deepcnn", 8, {})));
  for (const char* arch : {"cnn", "linear"}) {  // every name is one of the module's parameters
    const ModelConfig config = make_model_config(arch, 8, {});
    const SequenceModel m = build_model(config);
    std::vector<std::string> names;
    for (const auto& p : m->named_parameters()) names.push_back(p.key());
    EXPECT_EQ(architecture_entry(arch).fused.parameters, names) << arch;
  }
}

}  // namespace
}  // namespace dnacnn

// Models built from specs: every zoo model's forward pass on codes and one-hot, parameter counts
// against the torch-free checker, the built-ins as specs computing exactly what their C++ modules
// compute (same initialisation, same outputs, dropout masks included), residual crops, gradients.
#include "models/spec_model.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "dnacnn/core/device.hpp"
#include "dnacnn/core/progress.hpp"
#include "dnacnn/data/simulate.hpp"
#include "dnacnn/train/train.hpp"
#include "dnacnn/models/architectures.hpp"
#include "models/input_layer.hpp"
#include "models/models.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

class SingleThread : public ::testing::Environment {
 public:
  void SetUp() override { set_thread_count(1); }
};
[[maybe_unused]] auto* const kSingleThread = ::testing::AddGlobalTestEnvironment(new SingleThread);

torch::Tensor random_codes(std::int64_t rows, std::int64_t length, std::uint64_t seed) {
  torch::manual_seed(seed);
  return torch::randint(0, 5, {rows, length}).to(torch::kUInt8);  // 4 = N
}

ModelConfig spec_config(const std::string& text, std::int64_t length, std::int64_t targets = 1) {
  ModelSpec spec = model_spec_from_json(nlohmann::json::parse(text), "test.json");
  spec.name = "test";
  return spec_model_config(spec, length, std::vector<std::string>(static_cast<std::size_t>(targets), "t"));
}

std::int64_t parameter_count(torch::nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

TEST(SpecModel, ZooModelsRunOnCodesAndOneHotAlike) {
  for (const ZooEntry& zoo : zoo_entries()) {
    for (std::int64_t length : {std::int64_t{8}, std::int64_t{60}}) {
      const ModelConfig config = make_model_config(zoo.name, length, {}, {"a", "b"});
      torch::manual_seed(3);
      const SequenceModel model = build_model(config);
      EXPECT_EQ(parameter_count(*model), checked_parameter_count(config)) << zoo.name;
      model->eval();
      torch::NoGradGuard no_grad;
      const torch::Tensor codes = random_codes(6, length, 9);
      const torch::Tensor from_codes = model->forward(codes);
      ASSERT_EQ(from_codes.sizes().vec(), (std::vector<std::int64_t>{6, 2})) << zoo.name << " at " << length;
      EXPECT_TRUE(torch::isfinite(from_codes).all().item<bool>()) << zoo.name;
      EXPECT_TRUE(torch::allclose(from_codes, model->forward(onehot_of_codes(codes)), 1e-5, 1e-5)) << zoo.name;
    }
  }
}

// The built-ins as specs build the same modules in the same order: the same initial weights and
// the same outputs, in training mode too (row-keyed dropout draws the same masks).
void expect_same_network(const std::string& arch, std::int64_t length) {
  torch::manual_seed(11);
  const SequenceModel builtin = build_model(make_model_config(arch, length, {}));
  torch::manual_seed(11);
  const SequenceModel spec = build_model(spec_model_config(zoo_spec(arch, length), length, {"score"}));
  const auto a = builtin->parameters(), b = spec->parameters();
  ASSERT_EQ(a.size(), b.size()) << arch;
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << arch << " parameter " << i;
  const torch::Tensor codes = random_codes(16, length, 5);
  for (const bool training : {false, true}) {
    builtin->train(training);
    spec->train(training);
    builtin->batch_rows = spec->batch_rows = BatchRows{batch_rows_seed(1, 2, 3), 40};
    EXPECT_TRUE(torch::equal(builtin->forward(codes), spec->forward(codes))) << arch << " training " << training;
  }
}

TEST(SpecModel, BuiltInsAsSpecsAreTheSameNetworks) {
  expect_same_network("cnn", 8);
  expect_same_network("deepcnn", 8);
  expect_same_network("deepcnn", 50);
  // The cnn-shaped spec trains on the fused engine, parameters in the kernels' order.
  const FusedLayout layout = fused_layout(spec_model_config(zoo_spec("cnn", 8), 8, {"score"}));
  EXPECT_EQ(layout.kernels, FusedLayout::Kernels::cnn);
  EXPECT_EQ(layout.parameters, (std::vector<std::string>{"layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias"}));
  EXPECT_EQ(fused_layout(make_model_config("deepsea", 8, {})).kernels, FusedLayout::Kernels::none);
}

TEST(SpecModel, ResidualBlocksCropTheSkipToTheCentre) {
  // h -> h[:, :, 1:9] + conv(h) with a valid width-3 convolution: checked against LibTorch's ops.
  const ModelConfig config = spec_config(R"([{"type": "conv1d", "filters": 3, "kernel": 1, "bias": false},
      {"type": "residual", "layers": [{"type": "conv1d", "filters": 3, "kernel": 3}]}, {"type": "flatten"}, {"type": "output"}])", 10);
  torch::manual_seed(2);
  const SequenceModel model = build_model(config);
  std::map<std::string, torch::Tensor> p;
  for (const auto& item : model->named_parameters()) p[item.key()] = item.value();
  ASSERT_EQ(p.size(), 5u);
  const torch::Tensor codes = random_codes(4, 10, 6);
  const torch::Tensor x = onehot_of_codes(codes).permute({0, 2, 1});
  const torch::Tensor h = torch::conv1d(x, p.at("layers.0.weight"));
  const torch::Tensor r = h.narrow(2, 1, 8) + torch::conv1d(h, p.at("layers.1.0.weight"), p.at("layers.1.0.bias"));
  const torch::Tensor expected = torch::linear(r.flatten(1), p.at("layers.3.weight"), p.at("layers.3.bias"));
  EXPECT_TRUE(torch::allclose(model->forward(codes), expected, 1e-5, 1e-6));
}

// A profile head over tiles of a long stretch gives what each tile's own window gives: exactly for
// a trunk of valid convolutions; with "same" padding the tiles' values differ only near the edges.
TEST(SpecModel, TiledProfileHeadMatchesWindowByWindow) {
  const std::int64_t P = 10, tiles = 5;
  for (const bool valid : {true, false}) {
    const std::string pad = valid ? "valid" : "same";
    const ModelConfig config = spec_config(
        R"([{"type": "conv1d", "filters": 5, "kernel": 5, "padding": ")" + pad + R"("}, {"type": "relu"},
            {"type": "conv1d", "filters": 5, "kernel": 3, "dilation": )" + (valid ? "2" : "8") + R"(, "padding": ")" + pad + R"("},
            {"type": "relu"},
            {"type": "profile_head", "length": 10, "kernel": 5}])",
        30, 2);
    torch::manual_seed(3);
    const SequenceModel model = build_model(config);
    model->eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor stretch = random_codes(1, tiles * P + 30 - P, 8);
    model->emit_profiles = true;
    model->profile_tiles = tiles;
    const torch::Tensor tiled = model->forward(stretch);
    model->profile_tiles = 0;
    ASSERT_EQ(tiled.sizes(), (std::vector<std::int64_t>{tiles, 2 + 2 * P}));
    std::vector<torch::Tensor> windows;
    for (std::int64_t k = 0; k < tiles; ++k) windows.push_back(stretch.narrow(1, k * P, 30));
    const torch::Tensor each = model->forward(torch::cat(windows, 0));
    model->emit_profiles = false;
    if (valid) {
      EXPECT_TRUE(torch::allclose(tiled, each, 1e-5, 1e-6)) << tiled - each;
    } else {
      EXPECT_FALSE(torch::allclose(tiled, each, 1e-5, 1e-6)) << "zero padding at the window edges counts";
      // the reach of "same" layers (2 + 8) meets the window's edge only from the profile's outer bases
      const torch::Tensor centre = (tiled - each).narrow(1, 2 + P / 2 - 1, 2).abs().max();
      EXPECT_LT(centre.item<float>(), 1e-5);
    }
  }
}

TEST(SpecModel, EveryParameterGetsAGradient) {
  const ModelConfig config = spec_config(R"([{"type": "conv1d", "filters": 6, "kernel": 5, "padding": "same", "dilation": 2},
      {"type": "gelu"}, {"type": "batchnorm"}, {"type": "avgpool", "size": 2},
      {"type": "residual", "layers": [{"type": "layernorm"}, {"type": "conv1d", "filters": 6, "kernel": 3, "padding": "same"}, {"type": "softplus"}]},
      {"type": "bilstm", "units": 4}, {"type": "tanh"},
      {"type": "concat", "branches": [[{"type": "globalmaxpool", "bins": 3}], [{"type": "globalavgpool"}, {"type": "exp"}]]},
      {"type": "dropout", "p": 0.2}, {"type": "dense", "units": 7}, {"type": "layernorm"}, {"type": "sigmoid"}, {"type": "output"}])",
                                         24, 2);
  torch::manual_seed(8);
  const SequenceModel model = build_model(config);
  model->train();
  model->forward(random_codes(12, 24, 4)).pow(2).sum().backward();
  for (const auto& item : model->named_parameters()) {
    ASSERT_TRUE(item.value().grad().defined()) << item.key();
    EXPECT_GT(item.value().grad().abs().sum().item<float>(), 0.0f) << item.key();
  }
}

}  // namespace
}  // namespace dnacnn

namespace dnacnn {
namespace {

// Every zoo model learns the notebook's 5-mers: the validation loss of the last epoch is below the
// first's and the test R² is positive.
TrainResult train_zoo(const std::string& model, const SequenceData& data, int epochs) {
  TrainOptions o;
  o.arch = model;
  o.epochs = epochs;
  o.batch_size = 32;
  o.optimizer = Optimizer::adam;
  o.lr = 0.003;
  Progress quiet = Progress::silent();
  return train_model(data, o, quiet);
}

void report(const std::string& model, const SequenceData& data, const TrainResult& r) {
  std::printf("%-10s %3lld bp: val loss %.3f -> %.3f, test R2 %.3f, %.1f s\n", model.c_str(),
              static_cast<long long>(data.common_length()), r.history.front().val_loss, r.history.back().val_loss,
              r.test.r2, r.train_seconds);
}

TEST(SpecModelTraining, ZooModelsLearnTheNotebooksData) {
  SimulateOptions kmers;
  kmers.k = 5;
  const SequenceData notebook = simulate_kmers(kmers);
  for (const ZooEntry& zoo : zoo_entries()) {
    const TrainResult r = train_zoo(zoo.name, notebook, 4);
    ASSERT_EQ(r.status, RunStatus::ok) << zoo.name;
    EXPECT_LT(r.history.back().val_loss, r.history.front().val_loss) << zoo.name;
    EXPECT_GT(r.test.r2, 0.0) << zoo.name;
    report(zoo.name, notebook, r);
  }
}

// The same on 200 bp sequences (minutes: `make test-long`).
TEST(LongSpecModelTraining, ZooModelsTrainOn200bp) {
  SimulateOptions random200;
  random200.random = 2000;
  random200.length = 200;
  const SequenceData data = simulate_kmers(random200);
  for (const ZooEntry& zoo : zoo_entries()) {
    const TrainResult r = train_zoo(zoo.name, data, 3);
    ASSERT_EQ(r.status, RunStatus::ok) << zoo.name;
    EXPECT_LT(r.history.back().val_loss, r.history.front().val_loss) << zoo.name;
    report(zoo.name, data, r);
  }
}

}  // namespace
}  // namespace dnacnn

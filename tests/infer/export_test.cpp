// dnacnn export --torchscript: the TorchScript module computes what dnacnn predicts, for every
// architecture and both tasks (loaded here with LibTorch's torch::jit::load; the CLI test also
// loads it in Python when python3-torch is installed).
#include "dnacnn/infer/export.hpp"

#include <gtest/gtest.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "dnacnn/models/architectures.hpp"
#include "dnacnn/core/error.hpp"
#include "models/models.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/core/random.hpp"
#include "models/input_layer.hpp"
#include "models/tensors.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

struct ExportCase {
  std::string arch;
  std::map<std::string, double> hparams;
  std::int64_t length;
  std::vector<std::string> targets;
  std::string task;
};

SequenceData random_sequences(int rows, std::int64_t length) {
  Rng rng(8);
  std::vector<std::string> seqs;
  for (int i = 0; i < rows; ++i) {
    std::string s;
    for (std::int64_t j = 0; j < length; ++j) s += "ACGTN"[rng.below(12) == 0 ? 4 : rng.below(4)];
    seqs.push_back(s);
  }
  return sequences_from_strings(seqs, "random");
}

class Export : public ::testing::TestWithParam<ExportCase> {};

TEST_P(Export, TorchScriptPredictsLikeDnacnn) {
  const ExportCase c = GetParam();
  TempDir dir;
  ModelConfig config = make_model_config(c.arch, c.length, c.hparams, c.targets);
  config.task = parse_task(c.task);
  torch::manual_seed(4);
  SequenceModel model = build_model(config);
  save_model(dir / "model", {config, export_weights(*model)});
  export_torchscript(dir / "model", dir / "model.pt");

  const SequenceData data = random_sequences(50, c.length);
  const std::vector<float> expected = Predictor::load(dir / "model").predict(data);
  torch::jit::Module loaded = torch::jit::load((dir / "model.pt").string());
  const torch::Tensor x = onehot_of_codes(codes_tensor(encode_codes(data, c.length)));
  const torch::Tensor out = loaded.forward({x}).toTensor();
  ASSERT_EQ(out.sizes().vec(), (std::vector<std::int64_t>{50, static_cast<std::int64_t>(c.targets.size())}));
  const std::vector<float> got = to_vector(out);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], 1e-5) << i;
  // The module carries its config.
  const auto config_json = nlohmann::json::parse(loaded.attr("dnacnn_config").toStringRef());
  EXPECT_EQ(config_json.at("task"), c.task);
  EXPECT_EQ(config_json.at("length"), c.length);
}

INSTANTIATE_TEST_SUITE_P(
    Architectures, Export,
    ::testing::Values(ExportCase{"linear", {}, 12, {"score"}, "regression"},
                      ExportCase{"cnn", {}, 8, {"score"}, "regression"},
                      ExportCase{"cnn", {{"filters", 6}, {"kernel_size", 5}}, 31, {"a", "b"}, "binary"},
                      ExportCase{"deepcnn", {{"filters", 8}, {"hidden", 8}, {"blocks", 3}}, 40, {"x", "y", "z"}, "regression"},
                      ExportCase{"deepcnn", {{"filters", 8}, {"hidden", 8}, {"kernel_size", 4}}, 21, {"p"}, "binary"},
                      ExportCase{"deepcnn", {{"filters", 8}, {"hidden", 8}, {"blocks", 2}, {"bins", 3}}, 23, {"q"}, "regression"},
                      // the zoo: specs (src/models/spec_torchscript.cpp)
                      ExportCase{"deepbind", {}, 30, {"a", "b"}, "regression"},
                      ExportCase{"deepsea", {}, 40, {"p"}, "binary"},
                      ExportCase{"basset", {}, 45, {"p", "q"}, "binary"},
                      ExportCase{"danq", {}, 40, {"s"}, "regression"},
                      ExportCase{"bpnet", {}, 20, {"s"}, "regression"}),
    [](const auto& info) { return info.param.arch + "_" + info.param.task + std::to_string(info.index); });

// Every layer type a spec has, with batchnorm statistics away from their initial 0 and 1.
TEST(Export, EveryLayerOfASpecExportsToTorchScript) {
  TempDir dir;
  const ModelSpec spec = model_spec_from_json(nlohmann::json::parse(R"([
      {"type": "conv1d", "filters": 6, "kernel": 4, "padding": "same", "dilation": 2}, {"type": "gelu"},
      {"type": "batchnorm"}, {"type": "avgpool", "size": 3, "stride": 2}, {"type": "layernorm"},
      {"type": "residual", "layers": [{"type": "conv1d", "filters": 6, "kernel": 3}, {"type": "softplus"}]},
      {"type": "maxpool", "size": 2}, {"type": "bilstm", "units": 3}, {"type": "tanh"},
      {"type": "concat", "branches": [[{"type": "globalmaxpool", "bins": 2}], [{"type": "globalavgpool"}, {"type": "exp"}],
                                      [{"type": "conv1d", "filters": 2, "kernel": 1, "bias": false}, {"type": "flatten"}]]},
      {"type": "dropout", "p": 0.3}, {"type": "dense", "units": 5}, {"type": "batchnorm"}, {"type": "layernorm"},
      {"type": "sigmoid"}, {"type": "relu"}, {"type": "output"}])"), "every.json");
  ModelConfig config = spec_model_config(spec, 33, {"a", "b"});
  torch::manual_seed(4);
  SequenceModel model = build_model(config);
  model->train();
  for (int i = 0; i < 3; ++i) model->forward(codes_tensor(encode_codes(random_sequences(20, 33), 33)));  // running stats move
  model->eval();
  save_model(dir / "model", {config, export_weights(*model)});
  export_torchscript(dir / "model", dir / "model.pt");
  const SequenceData data = random_sequences(30, 33);
  const std::vector<float> expected = Predictor::load(dir / "model").predict(data);
  torch::jit::Module loaded = torch::jit::load((dir / "model.pt").string());
  const torch::Tensor x = onehot_of_codes(codes_tensor(encode_codes(data, 33)));
  const std::vector<float> got = to_vector(loaded.forward({x}).toTensor());
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], 1e-5) << i;
}

// A profile model exports its count head (log(1 + count) per track), what `dnacnn predict` writes.
TEST(Export, AProfileModelsCountHeadExportsToTorchScript) {
  TempDir dir;
  const ModelSpec spec = model_spec_from_json(nlohmann::json::parse(R"([
      {"type": "conv1d", "filters": 6, "kernel": 5, "padding": "same"}, {"type": "relu"},
      {"type": "residual", "layers": [{"type": "conv1d", "filters": 6, "kernel": 3, "dilation": 2, "padding": "same"}, {"type": "relu"}]},
      {"type": "profile_head", "length": 12, "kernel": 7}])"), "profile.json");
  const ModelConfig config = spec_model_config(spec, 30, {"s+", "s-"});
  torch::manual_seed(6);
  SequenceModel model = build_model(config);
  model->eval();
  save_model(dir / "model", {config, export_weights(*model)});
  export_torchscript(dir / "model", dir / "model.pt");
  const SequenceData data = random_sequences(9, 30);
  const std::vector<float> expected = Predictor::load(dir / "model").predict(data);
  torch::jit::Module loaded = torch::jit::load((dir / "model.pt").string());
  const torch::Tensor x = onehot_of_codes(codes_tensor(encode_codes(data, 30)));
  const torch::Tensor got = loaded.forward({x}).toTensor();
  ASSERT_EQ(got.sizes(), (std::vector<std::int64_t>{9, 2}));
  const std::vector<float> values = to_vector(got);
  for (std::size_t i = 0; i < values.size(); ++i) EXPECT_NEAR(values[i], expected[i], 1e-5) << i;
}

TEST(Export, DamagedModelsAreClearErrors) {
  TempDir dir;
  const ModelConfig config = make_model_config("cnn", 8, {}, {"score"});
  torch::manual_seed(1);
  SequenceModel model = build_model(config);
  save_model(dir / "m", {config, export_weights(*model)});
  const std::string weights = test::read_file(dir / "m" / "weights.safetensors");
  test::write_file(dir / "m" / "weights.safetensors", weights.substr(0, weights.size() - 100));
  EXPECT_THROW_MSG(export_torchscript(dir / "m", dir / "m.pt"), Error, (dir / "m" / "weights.safetensors").string());
  EXPECT_FALSE(std::filesystem::exists(dir / "m.pt"));
  EXPECT_THROW_MSG(export_torchscript(dir / "nothing", dir / "m.pt"), Error, "not a model directory");
}

}  // namespace
}  // namespace dnacnn

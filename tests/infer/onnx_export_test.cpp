// dnacnn export --onnx: every architecture (built-ins, the zoo, a spec with every layer type),
// both tasks, run in a real ONNX runtime (onnxruntime-node, tests/infer/onnx_run.js), gives what
// `dnacnn predict` gives (Predictor) within 1e-4, for batches of 1 and 7 (the batch is dynamic).
// Each model is also checked with onnx's own checker.
#include "dnacnn/infer/onnx_export.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"
#include "dnacnn/core/random.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/models/model_store.hpp"
#include "models/input_layer.hpp"
#include "models/models.hpp"
#include "models/tensors.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

struct OnnxCase {
  std::string arch;  // a built-in or zoo name, or a spec file
  std::map<std::string, double> hparams;
  std::int64_t length;
  std::vector<std::string> targets;
  std::string task;
};

SequenceData random_sequences(int rows, std::int64_t length) {
  Rng rng(9);
  std::vector<std::string> seqs;
  for (int i = 0; i < rows; ++i) {
    std::string s;
    for (std::int64_t j = 0; j < length; ++j) s += "ACGTN"[rng.below(12) == 0 ? 4 : rng.below(4)];
    seqs.push_back(s);
  }
  return sequences_from_strings(seqs, "random");
}

// An untrained model with random weights whose batchnorm statistics a few training-mode forwards
// have moved away from 0 and 1, saved as `dir`.
void save_random_model(const OnnxCase& c, const std::filesystem::path& dir) {
  ModelConfig config = c.arch.ends_with(".json") ? spec_model_config(read_model_spec(c.arch), c.length, c.targets)
                                                 : make_model_config(c.arch, c.length, c.hparams, c.targets);
  config.task = parse_task(c.task);
  torch::manual_seed(5);
  SequenceModel model = build_model(config);
  model->train();
  for (int i = 0; i < 3; ++i) model->forward(codes_tensor(encode_codes(random_sequences(16, c.length), c.length)));
  model->eval();
  save_model(dir, {config, export_weights(*model)});
}

std::vector<OnnxCase> cases() {
  const std::string every_layer = std::string(DNACNN_FUZZ_DIR) + "/corpus/model_spec/every_layer.json";
  const std::string profile = std::string(DNACNN_FUZZ_DIR) + "/corpus/model_spec/profile_head.json";
  return {{"linear", {}, 12, {"score"}, "regression"},
          {"linear", {}, 9, {"a", "b"}, "binary"},
          {"cnn", {{"filters", 6}, {"kernel_size", 5}}, 31, {"a", "b"}, "binary"},
          {"deepcnn", {{"filters", 8}, {"hidden", 8}, {"blocks", 2}, {"bins", 3}}, 23, {"q", "r"}, "regression"},
          {"deepcnn", {{"filters", 8}, {"hidden", 8}, {"kernel_size", 4}}, 21, {"p"}, "binary"},
          {"deepbind", {}, 30, {"a", "b"}, "regression"},
          {"deepsea", {}, 40, {"p", "q", "r"}, "binary"},
          {"basset", {}, 45, {"p", "q"}, "binary"},
          {"danq", {}, 40, {"s"}, "regression"},
          {"bpnet", {}, 20, {"s", "t"}, "regression"},
          {every_layer, {}, 33, {"a", "b"}, "binary"},
          {every_layer, {}, 33, {"a", "b", "c"}, "regression"},
          {profile, {}, 30, {"s+", "s-"}, "regression"}};  // the count head's log(1 + count)
}

std::vector<float> onehot_rows(const SequenceData& data, std::int64_t length, std::int64_t first, std::int64_t rows) {
  const std::vector<float> all = to_vector(onehot_of_codes(codes_tensor(encode_codes(data, length))));
  const std::int64_t row = length * 4;
  return {all.begin() + first * row, all.begin() + (first + rows) * row};
}

TEST(OnnxExport, OnnxRuntimePredictsLikeDnacnn) {
  TempDir dir;
  nlohmann::json jobs = nlohmann::json::array();
  std::vector<std::vector<float>> expected;
  const std::vector<OnnxCase> all = cases();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const OnnxCase& c = all[i];
    const auto model = dir / ("model" + std::to_string(i));
    save_random_model(c, model);
    const std::string bytes = onnx_model_bytes(model);
    EXPECT_EQ(check_onnx_model(bytes), "") << c.arch;
    export_onnx(model, dir / ("model" + std::to_string(i) + ".onnx"));
    const SequenceData data = random_sequences(8, c.length);
    expected.push_back(Predictor::load(model).predict(data));
    jobs.push_back({{"model", (dir / ("model" + std::to_string(i) + ".onnx")).string()},
                    {"length", c.length},
                    {"batches", {onehot_rows(data, c.length, 0, 1), onehot_rows(data, c.length, 1, 7)}}});
  }
  test::write_file(dir / "jobs.json", jobs.dump());
  const std::string command = std::string(DNACNN_NODE) + " " + DNACNN_ONNX_RUNNER + " " + (dir / "jobs.json").string() +
                              " " + (dir / "out.json").string() + " 2>" + (dir / "node.err").string();
  ASSERT_EQ(std::system(command.c_str()), 0) << command << ": " << test::read_file(dir / "node.err");
  const auto results = nlohmann::json::parse(test::read_file(dir / "out.json"));
  ASSERT_EQ(results.size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const OnnxCase& c = all[i];
    SCOPED_TRACE(c.arch + " " + c.task);
    EXPECT_EQ(results[i]["inputs"], nlohmann::json({"x"}));
    EXPECT_EQ(results[i]["outputs"], nlohmann::json({"y"}));
    const auto targets = static_cast<std::int64_t>(c.targets.size());
    std::vector<float> got;
    for (const auto& [run, rows] : {std::pair{0, 1}, std::pair{1, 7}}) {
      EXPECT_EQ(results[i]["runs"][run]["dims"], nlohmann::json({rows, targets}));
      for (float v : results[i]["runs"][run]["values"]) got.push_back(v);
    }
    ASSERT_EQ(got.size(), expected[i].size());
    for (std::size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], expected[i][k], 1e-4) << "value " << k;
    if (c.task == "binary")  // probabilities, not logits
      for (float v : got) EXPECT_TRUE(v > 0 && v < 1) << v;
  }
}

TEST(OnnxExport, CarriesTheInterfaceAndConfig) {
  TempDir dir;
  save_random_model({"cnn", {}, 8, {"score"}, "binary"}, dir / "m");
  const std::string bytes = onnx_model_bytes(dir / "m");
  // The config and the input's name and dynamic batch are in the file for every runtime to read.
  EXPECT_NE(bytes.find("dnacnn_config"), std::string::npos);
  EXPECT_NE(bytes.find("\"task\":\"binary\""), std::string::npos);
  EXPECT_NE(bytes.find("batch"), std::string::npos);
}

TEST(OnnxExport, DamagedModelsAndUnwritableOutputsAreClearErrors) {
  TempDir dir;
  save_random_model({"deepcnn", {{"filters", 8}, {"hidden", 8}}, 20, {"score"}, "regression"}, dir / "m");
  // Weights of another shape than the config's: named, nothing written.
  auto weights = io::read_safetensors(dir / "m" / "weights.safetensors");
  weights[0].shape = {weights[0].shape[0], static_cast<std::int64_t>(weights[0].values.size()) / weights[0].shape[0]};
  io::write_safetensors(dir / "m" / "weights.safetensors", weights);
  EXPECT_THROW_MSG(export_onnx(dir / "m", dir / "m.onnx"), Error,
                   (dir / "m" / "weights.safetensors").string() + ": tensor '" + weights[0].name + "' has shape");
  EXPECT_FALSE(std::filesystem::exists(dir / "m.onnx"));
  const std::string file = test::read_file(dir / "m" / "weights.safetensors");
  test::write_file(dir / "m" / "weights.safetensors", file.substr(0, file.size() - 100));
  EXPECT_THROW_MSG(export_onnx(dir / "m", dir / "m.onnx"), Error, (dir / "m" / "weights.safetensors").string());
  EXPECT_THROW_MSG(export_onnx(dir / "nothing", dir / "m.onnx"), Error, "not a model directory");

  save_random_model({"linear", {}, 8, {"score"}, "regression"}, dir / "ok");
  EXPECT_THROW_MSG(export_onnx(dir / "ok", dir / "no" / "such" / "dir" / "m.onnx"), Error, (dir / "no").string());
  EXPECT_FALSE(std::filesystem::exists(dir / "no"));
}

}  // namespace
}  // namespace dnacnn

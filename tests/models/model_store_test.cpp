// Model files: config.json + weights.safetensors written by save_model, loaded by Predictor, and
// every way a damaged or foreign model directory must be refused with a clear Error.
#include "dnacnn/models/model_store.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "dnacnn/models/architectures.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/data/simulate.hpp"
#include "dnacnn/train/train.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

SequenceData small_data() {
  SimulateOptions o;
  o.k = 5;
  return simulate_kmers(o);
}

TrainResult train_small(const SequenceData& data, const std::string& arch) {
  TrainOptions o;
  o.arch = arch;
  o.epochs = 3;
  o.batch_size = 32;
  o.hparams = arch == "cnn" ? std::map<std::string, double>{{"filters", 8}} : std::map<std::string, double>{};
  Progress quiet = Progress::silent();
  return train_model(data, o, quiet);
}

// A saved CNN in `dir` (trained once per test: it takes a fraction of a second).
struct SavedModel {
  SequenceData data = small_data();
  TrainResult result = train_small(data, "cnn");
  explicit SavedModel(const fs::path& dir) { save_model(dir, {result.config, result.weights}); }
};

nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(test::read_file(p)); }
void write_json(const fs::path& p, const nlohmann::json& j) { test::write_file(p, j.dump(2)); }

std::string load_error(const fs::path& dir) {
  return test::thrown_message<Error>([&] { Predictor::load(dir); });
}

void expect_bitwise_equal(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
}

TEST(ModelStore, SaveLoadPredictIsBitwiseIdentical) {
  for (const char* arch : {"cnn", "linear"}) {
    TempDir dir;
    const SequenceData data = small_data();
    const TrainResult r = train_small(data, arch);
    ASSERT_EQ(r.status, RunStatus::ok);
    save_model(dir / "model", {r.config, r.weights});
    EXPECT_EQ(test::list_dir(dir / "model"), (std::vector<std::string>{"config.json", "weights.safetensors"}));
    const Predictor p = Predictor::load(dir / "model");
    EXPECT_EQ(p.config().arch, arch);
    EXPECT_EQ(p.config().length, 5);
    expect_bitwise_equal(p.predict(data), r.predictions);
    // Batch size does not change the numbers either.
    expect_bitwise_equal(p.predict(data, 100), r.predictions);
    // In-memory predictor from the same weights: same numbers.
    expect_bitwise_equal(Predictor::from_stored({r.config, r.weights}, "memory").predict(data), r.predictions);
  }
}

TEST(ModelStore, LoadModelRoundTripsConfigAndWeights) {
  TempDir dir;
  const SavedModel saved(dir / "m");
  const StoredModel loaded = load_model(dir / "m");
  EXPECT_EQ(loaded.config.arch, "cnn");
  EXPECT_EQ(loaded.config.length, 5);
  EXPECT_EQ(loaded.config.hparams, saved.result.config.hparams);
  EXPECT_EQ(loaded.config.targets, (std::vector<std::string>{"score"}));
  ASSERT_EQ(loaded.weights.size(), saved.result.weights.size());
  for (std::size_t i = 0; i < loaded.weights.size(); ++i) {
    const auto& w = saved.result.weights[i];
    const auto it = std::find_if(loaded.weights.begin(), loaded.weights.end(),
                                 [&](const io::NamedTensor& t) { return t.name == w.name; });
    ASSERT_NE(it, loaded.weights.end()) << w.name;
    EXPECT_EQ(it->shape, w.shape);
    expect_bitwise_equal(it->values, w.values);
  }
}

TEST(ModelStore, ConfigJsonContents) {
  TempDir dir;
  const SavedModel saved(dir / "m");
  const nlohmann::json j = read_json(dir / "m" / "config.json");
  EXPECT_EQ(j.at("format"), "dnacnn-model");
  EXPECT_EQ(j.at("format_version"), kModelFormatVersion);
  EXPECT_EQ(j.at("arch"), "cnn");
  EXPECT_EQ(j.at("length"), 5);
  EXPECT_EQ(j.at("alphabet"), "ACGT");
  EXPECT_EQ(j.at("task"), "regression");
  EXPECT_EQ(j.at("targets"), nlohmann::json::array({"score"}));
  // Whole numbers are JSON integers, not 8.0.
  EXPECT_TRUE(j.at("hparams").at("filters").is_number_integer());
  EXPECT_EQ(j.at("hparams").at("filters"), 8);
  EXPECT_EQ(j.at("hparams").at("kernel_size"), 3);
}

TEST(ModelStore, HparamsJsonKeepsFractions) {
  const nlohmann::json j = hparams_json({{"a", 32}, {"b", 0.5}, {"c", -2}});
  EXPECT_TRUE(j.at("a").is_number_integer());
  EXPECT_EQ(j.at("b").get<double>(), 0.5);
  EXPECT_EQ(j.at("c"), -2);
}

TEST(ModelStore, TruncatedWeights) {
  TempDir dir;
  const SavedModel saved(dir.path());
  const std::string bytes = test::read_file(dir / "weights.safetensors");
  test::write_file(dir / "weights.safetensors", bytes.substr(0, bytes.size() - 10));
  const std::string msg = load_error(dir.path());
  EXPECT_NE(msg.find("weights.safetensors"), std::string::npos) << msg;
  EXPECT_NE(msg.find("invalid weights file"), std::string::npos) << msg;
}

TEST(ModelStore, MissingWeightsFile) {
  TempDir dir;
  const SavedModel saved(dir.path());
  fs::remove(dir / "weights.safetensors");
  EXPECT_NE(load_error(dir.path()).find("weights.safetensors"), std::string::npos);
}

TEST(ModelStore, WrongShape) {
  TempDir dir;
  const SavedModel saved(dir.path());
  auto weights = io::read_safetensors(dir / "weights.safetensors");
  for (auto& w : weights)
    if (w.name == "conv.weight") w.shape = {8, 3, 4};  // same element count, wrong shape
  io::write_safetensors(dir / "weights.safetensors", weights);
  const std::string msg = load_error(dir.path());
  EXPECT_NE(msg.find("tensor 'conv.weight' has shape [8,3,4], the model config needs [8,4,3]"), std::string::npos) << msg;
}

TEST(ModelStore, ConfigDisagreesWithWeights) {
  TempDir dir;
  const SavedModel saved(dir.path());
  nlohmann::json j = read_json(dir / "config.json");
  j["hparams"]["filters"] = 16;  // the weights have 8
  write_json(dir / "config.json", j);
  EXPECT_NE(load_error(dir.path()).find("has shape"), std::string::npos);
}

TEST(ModelStore, MissingTensor) {
  TempDir dir;
  const SavedModel saved(dir.path());
  auto weights = io::read_safetensors(dir / "weights.safetensors");
  std::erase_if(weights, [](const io::NamedTensor& w) { return w.name == "linear.bias"; });
  io::write_safetensors(dir / "weights.safetensors", weights);
  const std::string msg = load_error(dir.path());
  EXPECT_NE(msg.find("weights lack tensor 'linear.bias'"), std::string::npos) << msg;
}

TEST(ModelStore, ExtraTensor) {
  TempDir dir;
  const SavedModel saved(dir.path());
  auto weights = io::read_safetensors(dir / "weights.safetensors");
  weights.push_back({"backdoor.weight", {2}, {1, 2}});
  io::write_safetensors(dir / "weights.safetensors", weights);
  const std::string msg = load_error(dir.path());
  EXPECT_NE(msg.find("weights hold tensor 'backdoor.weight' that the model config does not have"), std::string::npos)
      << msg;
}

TEST(ModelStore, GarbageConfig) {
  TempDir dir;
  const SavedModel saved(dir.path());
  test::write_file(dir / "config.json", "\x80\x81 not json {");
  const std::string msg = load_error(dir.path());
  EXPECT_NE(msg.find("config.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not valid JSON"), std::string::npos) << msg;
  test::write_file(dir / "config.json", "");
  EXPECT_NE(load_error(dir.path()).find("not valid JSON"), std::string::npos);
}

TEST(ModelStore, ForeignConfig) {
  TempDir dir;
  const SavedModel saved(dir.path());
  // A Hugging Face style config: valid JSON, not ours.
  write_json(dir / "config.json", {{"architectures", {"BertModel"}}, {"hidden_size", 768}});
  EXPECT_NE(load_error(dir.path()).find("not a dnacnn model config"), std::string::npos);
  write_json(dir / "config.json", nlohmann::json::array({1, 2}));
  EXPECT_NE(load_error(dir.path()).find("not a dnacnn model config"), std::string::npos);
}

TEST(ModelStore, UnsupportedFormatVersion) {
  TempDir dir;
  const SavedModel saved(dir.path());
  nlohmann::json j = read_json(dir / "config.json");
  j["format_version"] = kModelFormatVersion + 1;
  write_json(dir / "config.json", j);
  const std::string msg = load_error(dir.path());
  EXPECT_NE(msg.find("format_version 2 is not supported (this build reads 1)"), std::string::npos) << msg;
}

TEST(ModelStore, MissingOrMistypedKeys) {
  TempDir dir;
  const SavedModel saved(dir.path());
  const nlohmann::json good = read_json(dir / "config.json");
  for (const char* key : {"arch", "length", "alphabet", "targets", "task", "hparams", "format_version"}) {
    nlohmann::json j = good;
    j.erase(key);
    write_json(dir / "config.json", j);
    const std::string msg = load_error(dir.path());
    EXPECT_NE(msg.find("invalid model config"), std::string::npos) << key << ": " << msg;
  }
  nlohmann::json j = good;
  j["length"] = "five";
  write_json(dir / "config.json", j);
  EXPECT_NE(load_error(dir.path()).find("missing or mistyped key"), std::string::npos);
}

TEST(ModelStore, ValuesOutOfRange) {
  TempDir dir;
  const SavedModel saved(dir.path());
  const nlohmann::json good = read_json(dir / "config.json");
  const std::vector<std::pair<nlohmann::json, std::string>> cases{
      {{{"length", 0}}, "length 0 out of range"},
      {{{"length", -5}}, "out of range"},
      {{{"alphabet", "ACGU"}}, "alphabet 'ACGU' is not supported"},
      {{{"task", "classification"}}, "task 'classification' is not supported"},
      {{{"targets", nlohmann::json::array()}}, "no targets"},
      {{{"arch", "transformer"}}, "unknown model architecture 'transformer'"},
      {{{"hparams", {{"filters", 8}}}}, "no hyper-parameter 'kernel_size'"},
      {{{"hparams", {{"filters", 8.5}, {"kernel_size", 3}}}}, "whole number"},
  };
  for (const auto& [patch, expected] : cases) {
    nlohmann::json j = good;
    j.update(patch);
    write_json(dir / "config.json", j);
    const std::string msg = load_error(dir.path());
    EXPECT_NE(msg.find(expected), std::string::npos) << patch.dump() << ": " << msg;
  }
}

TEST(ModelStore, AbsurdConfigIsRefusedBeforeReadingWeights) {
  TempDir dir;
  const SavedModel saved(dir.path());
  nlohmann::json j = read_json(dir / "config.json");
  j["length"] = 1'000'000;
  j["hparams"]["filters"] = 1'000'000'000;
  write_json(dir / "config.json", j);
  test::write_file(dir / "weights.safetensors", "garbage");  // never reached
  const std::string msg = load_error(dir.path());
  EXPECT_NE(msg.find("parameters (limit"), std::string::npos) << msg;
}

TEST(ModelStore, NotAModelDirectory) {
  TempDir dir;
  EXPECT_NE(load_error(dir / "missing").find("not a model directory"), std::string::npos);
  test::write_file(dir / "file", "x");
  EXPECT_NE(load_error(dir / "file").find("not a model directory"), std::string::npos);
  EXPECT_NE(load_error(dir.path()).find("cannot read model config"), std::string::npos);  // empty directory
}

TEST(ModelStore, PredictChecksSequenceLength) {
  TempDir dir;
  const SavedModel saved(dir.path());
  const Predictor p = Predictor::load(dir.path());
  EXPECT_THROW_MSG(p.predict(sequences_from_strings({"ACGTA", "ACGTAC"}, "input")), Error,
                   "sequence has 6 bases, the model expects 5");
}

TEST(ModelStore, EvaluateMatchesMetricsOfPredictions) {
  TempDir dir;
  const SavedModel saved(dir.path());
  const Predictor p = Predictor::load(dir.path());
  const RegressionMetrics m = evaluate(p, saved.data).at(0).regression;
  const RegressionMetrics expected = regression_metrics(saved.data.targets, saved.result.predictions);
  EXPECT_EQ(m.n, 1024);
  EXPECT_DOUBLE_EQ(m.mse, expected.mse);
  EXPECT_DOUBLE_EQ(m.r2, expected.r2);
  EXPECT_DOUBLE_EQ(m.pearson, expected.pearson);
  EXPECT_DOUBLE_EQ(m.spearman, expected.spearman);
  EXPECT_THROW_MSG(evaluate(p, sequences_from_strings({"ACGTA"}, "no targets")), Error, "needs a target column");
}

TEST(ModelStore, UnsupportedDeviceIsUsageError) {
  TempDir dir;
  const SavedModel saved(dir.path());
  EXPECT_THROW(Predictor::load(dir.path(), "tpu"), UsageError);
}

}  // namespace
}  // namespace dnacnn

// Architectures as data from the command line: `models` lists the zoo, `models --spec` prints a
// spec to start from, `train --model FILE.json` trains it and every command that takes a model
// takes it (predict, evaluate, attribute, motifs, export, resume); bad specs are one line, exit 2.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using clitest::dnacnn;
using clitest::expect_one_line_error;
using clitest::floats;
using clitest::read_json;
using clitest::read_tsv;
using clitest::simulate;
using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;
using json = nlohmann::json;

// A small Basset-like spec: convolutions with batchnorm, pooling, a residual block, a dense head.
constexpr const char* kBassetLike = R"({"name": "small-basset", "layers": [
  {"type": "conv1d", "filters": 8, "kernel": 3, "padding": "same"}, {"type": "batchnorm"}, {"type": "relu"},
  {"type": "residual", "layers": [{"type": "conv1d", "filters": 8, "kernel": 3, "padding": "same"}, {"type": "relu"}]},
  {"type": "maxpool", "size": 2}, {"type": "flatten"}, {"type": "dense", "units": 16}, {"type": "relu"},
  {"type": "dropout", "p": 0.1}, {"type": "output"}]})";

TEST(CliSpec, ModelsListsTheZooAndPrintsSpecs) {
  const RunResult list = dnacnn({"models"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  for (const char* needle : {"deepbind", "deepsea", "basset", "danq", "bpnet", "Zhou & Troyanskaya 2015",
                             "Kelley et al. 2016", "--hparam filters=32", "FILE.json"})
    EXPECT_NE(list.out.find(needle), std::string::npos) << needle << "\n" << list.out;
  const RunResult spec = dnacnn({"models", "--spec", "deepsea"});
  ASSERT_EQ(spec.exit_code, 0) << spec.err;
  const json j = json::parse(spec.out);
  EXPECT_EQ(j.at("name"), "deepsea");
  EXPECT_EQ(j.at("layers").at(0), (json{{"type", "conv1d"}, {"filters", 320}, {"kernel", 8}, {"padding", "valid"}}));
  EXPECT_NE(spec.err.find("at 1000 bp"), std::string::npos) << spec.err;
  const RunResult short_spec = dnacnn({"models", "--spec", "cnn", "--length", "8"});
  ASSERT_EQ(short_spec.exit_code, 0) << short_spec.err;
  EXPECT_NE(short_spec.err.find("cnn: 609 parameters at 8 bp"), std::string::npos) << short_spec.err;
  expect_one_line_error(dnacnn({"models", "--spec", "alexnet"}), 2, "dnacnn models: unknown model 'alexnet' (known: linear, cnn, deepcnn, deepbind");
}

TEST(CliSpec, ASpecFileTrainsAndEveryCommandTakesItsModel) {
  TempDir dir;
  const fs::path data = simulate(dir, 5);
  test::write_file(dir / "net.json", kBassetLike);
  const fs::path run = dir / "run";
  RunResult r = dnacnn({"train", "--data", data.string(), "--model", (dir / "net.json").string(), "--out", run.string(),
                        "--epochs", "6", "--batch-size", "32", "--optimizer", "adam", "--lr", "0.005", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json config = read_json(run / "model" / "config.json");
  EXPECT_EQ(config.at("arch"), "small-basset");
  EXPECT_EQ(config.at("spec").at("layers").size(), 10u);
  EXPECT_GT(read_json(run / "metrics.json").at("models").at("small-basset").at("test").at("r2").get<double>(), 0.3);
  const std::string model = (run / "model").string();

  // predict gives the run's own predictions
  r = dnacnn({"predict", "--model", model, "--in", data.string(), "--out", (dir / "p.tsv").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<float> predicted = floats(read_tsv(dir / "p.tsv").at("score"));
  const std::vector<float> in_run = floats(read_tsv(run / "predictions.tsv").at("predicted"));
  ASSERT_EQ(predicted.size(), in_run.size());
  for (std::size_t i = 0; i < predicted.size(); ++i) EXPECT_NEAR(predicted[i], in_run[i], 1e-4) << i;
  r = dnacnn({"evaluate", "--model", model, "--data", data.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).at("n"), 1024);
  r = dnacnn({"attribute", "--model", model, "--in", data.string(), "--method", "ism", "--out", (dir / "attr").string(),
              "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::read_lines(dir / "attr" / "attributions.tsv").size(), 1u + 1024u * 5u);
  r = dnacnn({"motifs", "--model", model, "--data", data.string(), "--out", (dir / "motifs").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_tsv(dir / "motifs" / "filters.tsv").at("filter").size(), 8u);  // the first convolution's filters
  r = dnacnn({"export", "--model", model, "--torchscript", (dir / "m.pt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "m.pt"));

  // The run keeps the spec: it resumes (training longer) with the file gone.
  fs::remove(dir / "net.json");
  r = dnacnn({"train", "--resume", run.string(), "--epochs", "7", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::read_lines(run / "history.tsv").size(), 8u);
}

TEST(CliSpec, BadSpecsAreOneLineNamingTheFileAndLayer) {
  TempDir dir;
  const fs::path data = simulate(dir, 4);
  const auto train_with = [&](const std::string& spec) {
    test::write_file(dir / "bad.json", spec);
    return dnacnn({"train", "--data", data.string(), "--model", (dir / "bad.json").string(), "--out",
                   (dir / "run").string(), "--quiet"});
  };
  const std::string prefix = "dnacnn train: " + (dir / "bad.json").string() + ": ";
  expect_one_line_error(train_with(R"([{"type": "maxpool", "size": 2}, {"type": "maxpool", "size": 3}, {"type": "flatten"}, {"type": "output"}])"),
                        2, prefix + "layer 1 (maxpool): size 3 is more than the 2 positions it gets");
  expect_one_line_error(train_with(R"([{"type": "conv1d", "filters": 8, "width": 3}])"), 2,
                        prefix + "layer 0 (conv1d): no field 'width'");
  expect_one_line_error(train_with(R"([{"type": "conv1d", "filters": 8, "kernel": 3}, {"type": "relu"}])"), 2,
                        prefix + "layer 1 (relu): the last layer must be {\"type\": \"output\"}");
  expect_one_line_error(train_with("[{\"type\": \"relu\"},"), 2, prefix + "not valid JSON at byte");
  expect_one_line_error(dnacnn({"train", "--data", data.string(), "--model", (dir / "none.json").string(), "--out",
                                (dir / "run").string()}),
                        2, "dnacnn train: " + (dir / "none.json").string() + ": cannot read model spec");
  expect_one_line_error(dnacnn({"train", "--data", data.string(), "--model", "deepsea", "--filters", "8", "--out",
                                (dir / "run").string()}),
                        2, "dnacnn train: model 'deepsea' is a spec and takes no --hparam");
  expect_one_line_error(dnacnn({"train", "--data", data.string(), "--model", "mlp", "--out", (dir / "run").string()}), 2,
                        "dnacnn train: unknown model 'mlp' (known: linear, cnn, deepcnn, deepbind, deepsea, basset, danq, bpnet");
  EXPECT_FALSE(fs::exists(dir / "run"));
}

}  // namespace
}  // namespace dnacnn

// Profile models from the command line, small and fast (make test): train --profile writes the
// profile scores and example loci, evaluate --profile scores the same way, scan writes every base's
// predicted reads where the model's windows put them, and wrong combinations are usage errors.
// LongProfileModel (profile_cli_test.cpp, make test-long) checks that the footprints are learnt.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using clitest::dnacnn;
using clitest::read_json;
using clitest::read_tsv;
using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;
using json = nlohmann::json;

const std::string kPython = "/usr/bin/python3";

class ProfileModelCli : public ::testing::Test {
 protected:
  // Simulated stranded reads (2 chromosomes; chr2 held out) and a bpnet profile model trained
  // for 2 epochs on 200 bp windows predicting their central 100 bases: made once.
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const RunResult s = test::run_program(
        kPython, {std::string(DNACNN_EXAMPLES_DIR) + "/signal/simulate_footprints.py", "--out", sim().string(), "--quiet",
                  "--chrom-sizes", "120000,60000", "--sites-per-mb", "500", "--seed", "3"});
    ASSERT_EQ(s.exit_code, 0) << s.err;
    const RunResult c = dnacnn({"coverage", "--bam", (sim() / "reads.bam").string(), "--genome", genome(), "--strand",
                                "--out", (sim() / "cov.bw").string(), "--quiet"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    const RunResult t = dnacnn(train_args(run()));
    ASSERT_EQ(t.exit_code, 0) << t.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path sim() { return *dir_ / "sim"; }
  static fs::path run() { return *dir_ / "run"; }
  static std::string genome() { return (sim() / "genome.fa").string(); }
  static std::string tracks() { return (sim() / "cov.plus.bw").string() + "," + (sim() / "cov.minus.bw").string(); }
  static std::vector<std::string> train_args(const fs::path& out) {
    return {"train", "--bed", (sim() / "peaks.narrowPeak").string(), "--genome", genome(), "--bigwig", tracks(),
            "--profile", "--length", "200", "--output-length", "100", "--model", "bpnet", "--test-chroms", "chr2",
            "--epochs", "2", "--batch-size", "16", "--optimizer", "adam", "--lr", "0.004", "--seed", "1", "--quiet",
            "--out", out.string()};
  }
  static TempDir* dir_;
};
TempDir* ProfileModelCli::dir_ = nullptr;

TEST_F(ProfileModelCli, TrainWritesProfileScoresPerTrackAndExampleLoci) {
  const json m = read_json(run() / "metrics.json");
  const json& model = m.at("models").begin().value();
  EXPECT_GT(model.at("count_weight").get<double>(), 0) << "median total count / 10";
  for (const char* split : {"train", "test"}) {
    ASSERT_TRUE(model.at("profile").contains(split)) << model.dump(1);
    const json& scores = model.at("profile").at(split);
    ASSERT_EQ(scores.size(), 2u) << "a profile per strand";
    for (const auto& [track, s] : scores.items()) {
      SCOPED_TRACE(std::string(split) + " " + track);
      EXPECT_GT(s.at("n").get<int>(), 5);
      for (const char* k : {"pearson", "jsd", "shuffled_pearson", "shuffled_jsd"}) EXPECT_TRUE(std::isfinite(s.at(k).get<double>()));
      EXPECT_GT(s.at("jsd").get<double>(), 0);
      EXPECT_LE(s.at("jsd").get<double>(), std::sqrt(std::log(2.0)) + 1e-9);
    }
  }
  EXPECT_FALSE(model.at("profile").contains("val")) << "no --val-chroms: no val scores rather than zeros";
  const json config = read_json(run() / "model" / "config.json");
  EXPECT_EQ(config.at("loss"), "multinomial");
  EXPECT_EQ(config.at("spec").at("layers").back().at("type"), "profile_head");
  // The example loci: both tracks over the 100 predicted bases, observed and predicted reads.
  const auto ex = read_tsv(run() / "profile_examples.tsv");
  ASSERT_EQ(ex.at("offset").size(), 4u * 2u * 100u) << "4 regions x 2 tracks x 100 bases";
  for (const auto& v : ex.at("predicted")) EXPECT_GE(std::stod(v), 0);
  for (const auto& v : ex.at("split")) EXPECT_EQ(v, "test");
}

TEST_F(ProfileModelCli, EvaluateScoresProfilesAsTrainingDid) {
  const std::string bed = (*dir_ / "chr2.narrowPeak").string();
  const RunResult awk = test::run_program("/usr/bin/awk", {"$1 == \"chr2\"", (sim() / "peaks.narrowPeak").string()});
  test::write_file(bed, awk.out);
  const RunResult r = dnacnn({"evaluate", "--model", run().string(), "--bed", bed, "--genome", genome(), "--bigwig",
                              tracks(), "--profile", "--output-length", "100"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json got = json::parse(r.out).at("profile");
  const json want = read_json(run() / "metrics.json").at("models").begin().value().at("profile").at("test");
  for (const auto& [track, s] : want.items()) {
    EXPECT_EQ(got.at(track).at("n"), s.at("n")) << track;
    EXPECT_NEAR(got.at(track).at("pearson").get<double>(), s.at("pearson").get<double>(), 1e-6) << track;
    EXPECT_NEAR(got.at(track).at("jsd").get<double>(), s.at("jsd").get<double>(), 1e-6) << track;
  }
  const RunResult wrong = dnacnn({"evaluate", "--model", run().string(), "--bed", bed, "--genome", genome(), "--bigwig",
                                  tracks(), "--profile", "--output-length", "50"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("the model predicts profiles of 100 bases"), std::string::npos) << wrong.err;
}

// At step = the profile's length, window i predicts bases [i x 100, (i + 1) x 100): the bigWig's
// values there sum to the predicted total, expm1 of what `predict` gives for that window.
TEST_F(ProfileModelCli, ScanTilesTheGenomeWithEachWindowsPredictedReads) {
  test::write_file(*dir_ / "chr2.bed", "chr2\t0\t60000\n");
  const fs::path out = *dir_ / "scan" / "pred.bw";
  fs::create_directories(out.parent_path());
  const RunResult r = dnacnn({"scan", "--model", run().string(), "--genome", genome(), "--regions",
                              (*dir_ / "chr2.bed").string(), "--out", out.string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(test::list_dir(out.parent_path()).size(), 2u);
  // Windows 200 bp centred on bins 100 bp wide: [50, 250) predicts [100, 200), and so on.
  // (the last window hangs 50 bases off chr2's end: scan pads it with N, as here)
  const RunResult fa = test::run_program("/usr/bin/samtools", {"faidx", genome(), "chr2:51-250", "chr2:30051-30250",
                                                                "chr2:59851-60000"});
  ASSERT_EQ(fa.exit_code, 0) << fa.err;
  test::write_file(*dir_ / "windows.fa", fa.out.substr(0, fa.out.rfind('\n')) + std::string(50, 'N') + "\n");
  const RunResult p = dnacnn({"predict", "--model", run().string(), "--in", (*dir_ / "windows.fa").string(),
                              "--out", (*dir_ / "windows.tsv").string()});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const auto predicted = read_tsv(*dir_ / "windows.tsv");
  const RunResult py = test::run_program(
      kPython, {"-c",
                "import sys, pyBigWig\n"
                "for path in sys.argv[1:]:\n"
                "    bw = pyBigWig.open(path)\n"
                "    assert bw.chroms() == {'chr1': 120000, 'chr2': 60000}, bw.chroms()\n"
                "    v = bw.values('chr2', 0, 60000)\n"
                "    assert min(v) >= 0 and len(v) == 60000\n"
                "    print(path, sum(v[100:200]), sum(v[30100:30200]), sum(v[59900:60000]))\n",
                (out.parent_path() / "pred.cov+.bw").string(), (out.parent_path() / "pred.cov-.bw").string()});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const auto lines = test::split(py.out, '\n');
  for (std::size_t t = 0; t < 2; ++t) {
    const auto f = test::split(lines[t], ' ');
    const std::string column = t == 0 ? "cov+" : "cov-";
    for (std::size_t w = 0; w < 3; ++w) {
      const double want = std::expm1(std::stod(predicted.at(column)[w]));
      EXPECT_NEAR(std::stod(f[1 + w]), want, 1e-3 * want + 1e-3) << column << " window " << w;
    }
  }
}

TEST_F(ProfileModelCli, WrongCombinationsAreUsageErrors) {
  const std::string peaks = (sim() / "peaks.narrowPeak").string();
  const auto fails = [](std::vector<std::string> args, const std::string& says) {
    const RunResult r = dnacnn(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
  };
  std::vector<std::string> cnn = train_args(*dir_ / "cnn");
  *(std::find(cnn.begin(), cnn.end(), "--model") + 1) = "cnn";
  fails(cnn, "needs a model ending in a profile_head");
  EXPECT_FALSE(fs::exists(*dir_ / "cnn"));
  std::vector<std::string> poisson = train_args(*dir_ / "poisson");
  poisson.insert(poisson.end(), {"--loss", "poisson"});
  fails(poisson, "--profile trains with --loss multinomial, not poisson");
  fails({"train", "--bed", peaks, "--genome", genome(), "--profile", "--out", (*dir_ / "x").string()},
        "--profile goes with --bigwig");
  fails({"train", "--bed", peaks, "--genome", genome(), "--bigwig", tracks(), "--count-weight", "2", "--out",
         (*dir_ / "x").string()},
        "--count-weight applies to profile models");
  fails({"scan", "--model", run().string(), "--genome", genome(), "--step", "150", "--out", (*dir_ / "s.bw").string()},
        "--step 150 is longer than the model's profile (100 bases)");
}

// `models --spec bpnet --output-length N` prints what `train --profile` builds, as a file to edit.
TEST(ProfileModelSpecCli, ModelsPrintsBpnetWithItsHeads) {
  const RunResult r = dnacnn({"models", "--spec", "bpnet", "--length", "400", "--output-length", "200", "--targets", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json spec = json::parse(r.out);
  EXPECT_EQ(spec.at("layers").back(), json({{"type", "profile_head"}, {"length", 200}, {"kernel", 75}}));
  EXPECT_EQ(spec.at("layers").size(), 11u);
  const RunResult summary = dnacnn({"models", "--spec", "bpnet", "--length", "400", "--output-length", "200", "--summary"});
  EXPECT_NE(summary.out.find("profile_head"), std::string::npos) << summary.out;
  const RunResult cnn = dnacnn({"models", "--spec", "cnn", "--output-length", "20"});
  EXPECT_EQ(cnn.exit_code, 2);
  EXPECT_NE(cnn.err.find("--output-length goes with --spec bpnet"), std::string::npos) << cnn.err;
}

// Scalar targets with a Poisson loss: the network gives the log rate, predictions are rates on
// the counts' scale (the output bias starts at the log mean count), and the fused engine, which
// has only MSE, is not chosen.
TEST_F(ProfileModelCli, PoissonLossPredictsRatesOnTheCountsScale) {
  const RunResult t = dnacnn({"train", "--bed", (sim() / "peaks.narrowPeak").string(), "--genome", genome(), "--bigwig",
                              tracks(), "--target", "sum", "--length", "200", "--loss", "poisson", "--model", "cnn",
                              "--epochs", "3", "--batch-size", "16", "--optimizer", "adam", "--lr", "0.001", "--test-chroms",
                              "chr2", "--quiet", "--out", (*dir_ / "poisson").string()});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(read_json(*dir_ / "poisson" / "model" / "config.json").at("loss"), "poisson");
  EXPECT_EQ(read_json(*dir_ / "poisson" / "run.json").at("params").at("engine"), "torch");
  const auto p = read_tsv(*dir_ / "poisson" / "predictions.tsv");
  for (const std::string track : {"cov+", "cov-"}) {
    double actual = 0, predicted = 0;
    for (const auto& v : p.at(track + "_actual")) actual += std::stod(v);
    for (const auto& v : p.at(track + "_predicted")) {
      EXPECT_GT(std::stod(v), 0) << track;
      predicted += std::stod(v);
    }
    EXPECT_GT(predicted, actual / 3) << track;
    EXPECT_LT(predicted, actual * 3) << track;
  }
  const RunResult fused = dnacnn({"train", "--bed", (sim() / "peaks.narrowPeak").string(), "--genome", genome(),
                                  "--bigwig", tracks(), "--length", "200", "--loss", "poisson", "--model", "cnn",
                                  "--engine", "fused", "--batch-size", "16", "--out", (*dir_ / "fused").string()});
  EXPECT_EQ(fused.exit_code, 2);
  EXPECT_NE(fused.err.find("--engine fused trains with the MSE loss"), std::string::npos) << fused.err;
}

}  // namespace
}  // namespace dnacnn

// Ensembles from the command line: `train --folds K` trains K models on rotating folds with
// cross-validated metrics; predict, evaluate, scan and variants take several models (or a folds run)
// and average them; a folds run resumes and replays from its run.json.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_support.hpp"
#include "genome_fixture.hpp"
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

RunResult train_folds(const TempDir& dir, const fs::path& data, const std::string& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"train", "--data", data.string(), "--out", (dir / out).string(), "--folds", "3",
                                "--epochs", "3", "--batch-size", "32", "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return dnacnn(args);
}

double r2(const std::vector<float>& actual, const std::vector<float>& predicted) {
  double mean = 0;
  for (float a : actual) mean += a;
  mean /= static_cast<double>(actual.size());
  double ss_res = 0, ss_tot = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    ss_res += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
    ss_tot += (actual[i] - mean) * (actual[i] - mean);
  }
  return 1 - ss_res / ss_tot;
}

TEST(CliFolds, EachRowIsTestedOnceAndTheMetricsAreCrossValidated) {
  TempDir dir;
  const fs::path data = simulate(dir, 5);
  const RunResult r = train_folds(dir, data, "run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path run = dir / "run";
  const json plan = read_json(run / "folds.json");
  ASSERT_EQ(plan.at("folds"), 3);
  EXPECT_EQ(plan.at("fold_by"), "random");
  // Fold i's own run tests on fold i and validates on fold i+1: every row in exactly one test fold.
  std::vector<std::map<std::string, std::vector<std::string>>> fold_rows;
  for (int k = 0; k < 3; ++k) fold_rows.push_back(read_tsv(run / ("fold-" + std::to_string(k)) / "predictions.tsv"));
  const auto oof = read_tsv(run / "predictions.tsv");
  ASSERT_EQ(oof.at("fold").size(), 1024u);
  std::vector<int> tested(3, 0);
  for (std::size_t i = 0; i < 1024; ++i) {
    int test_folds = 0;
    for (int k = 0; k < 3; ++k) {
      const std::string& split = fold_rows[k].at("split")[i];
      if (split == "test") {
        ++test_folds;
        EXPECT_EQ(oof.at("fold")[i], std::to_string(k)) << "row " << i;
        EXPECT_EQ(oof.at("predicted")[i], fold_rows[k].at("predicted")[i]) << "row " << i;
        EXPECT_EQ(fold_rows[(k + 2) % 3].at("split")[i], "val") << "fold k-1 validates on fold k, row " << i;
      }
    }
    EXPECT_EQ(test_folds, 1) << "row " << i;
    ++tested[std::stoi(oof.at("fold")[i])];
  }
  const json cnn = read_json(run / "metrics.json").at("models").at("cnn");
  EXPECT_EQ(cnn.at("test").at("n"), 1024);
  EXPECT_NEAR(cnn.at("test").at("r2").get<double>(), r2(floats(oof.at("actual")), floats(oof.at("predicted"))), 1e-5);
  double mean_r2 = 0;
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(plan.at("models").at(k).at("test_rows"), tested[k]);
    EXPECT_EQ(cnn.at("fold_test").at(k).at("n"), tested[k]);
    const json fold_metrics = read_json(run / ("fold-" + std::to_string(k)) / "metrics.json").at("models").at("cnn");
    EXPECT_DOUBLE_EQ(cnn.at("fold_test").at(k).at("r2").get<double>(), fold_metrics.at("test").at("r2").get<double>());
    mean_r2 += cnn.at("fold_test").at(k).at("r2").get<double>() / 3;
  }
  EXPECT_NEAR(cnn.at("fold_mean").at("r2").get<double>(), mean_r2, 1e-12);
  EXPECT_GT(cnn.at("fold_sd").at("r2").get<double>(), 0);
  // The report shows the folds side by side.
  const std::string report = test::read_file(run / "report.html");
  for (int k = 0; k < 3; ++k) EXPECT_NE(report.find("cnn (fold-" + std::to_string(k) + ")"), std::string::npos) << k;
}

TEST(CliFolds, AnEnsemblePredictsTheMeanOfItsModels) {
  TempDir dir;
  const fs::path data = simulate(dir, 5);
  ASSERT_EQ(train_folds(dir, data, "run").exit_code, 0);
  test::write_file(dir / "in.tsv", "id\tseq\na\tTATAA\nb\tGCGCG\nc\tACGTA\n");
  std::vector<std::vector<float>> each;
  for (int k = 0; k < 3; ++k) {
    const RunResult p = dnacnn({"predict", "--model", (dir / "run" / ("fold-" + std::to_string(k))).string(), "--in",
                                (dir / "in.tsv").string(), "--out", (dir / ("p" + std::to_string(k) + ".tsv")).string()});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    each.push_back(floats(read_tsv(dir / ("p" + std::to_string(k) + ".tsv")).at("score")));
  }
  EXPECT_NE(each[0], each[1]) << "the folds trained on different rows";
  // The folds run, and the three models named one by one (a run, a model directory, a run).
  for (const auto& models : {std::vector<std::string>{(dir / "run").string()},
                             std::vector<std::string>{(dir / "run/fold-0").string(), (dir / "run/fold-1/model").string(),
                                                      (dir / "run/fold-2").string()}}) {
    std::vector<std::string> args{"predict", "--model"};
    args.insert(args.end(), models.begin(), models.end());
    args.insert(args.end(), {"--in", (dir / "in.tsv").string(), "--out", (dir / "mean.tsv").string()});
    const RunResult p = dnacnn(args);
    ASSERT_EQ(p.exit_code, 0) << p.err;
    const std::vector<float> mean = floats(read_tsv(dir / "mean.tsv").at("score"));
    ASSERT_EQ(mean.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(mean[i], (each[0][i] + each[1][i] + each[2][i]) / 3, 1e-4) << i;
  }
  const RunResult e = dnacnn({"evaluate", "--model", (dir / "run").string(), "--data", data.string()});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(json::parse(e.out).at("ensemble_models"), 3);
  // Models that read other inputs do not average.
  ASSERT_EQ(dnacnn({"train", "--data", simulate(dir, 4, "k4.tsv").string(), "--out", (dir / "k4").string(), "--epochs",
                    "1", "--quiet"}).exit_code, 0);
  expect_one_line_error(dnacnn({"predict", "--model", (dir / "run").string(), (dir / "k4").string(), "--in",
                                (dir / "in.tsv").string()}),
                        2, "dnacnn predict: the ensemble's models differ: model 1 has input length 5, model 4 has 4");
}

TEST(CliFolds, AFoldsRunResumesAndReplaysFromItsRunJson) {
  TempDir dir;
  const fs::path data = simulate(dir, 5);
  ASSERT_EQ(train_folds(dir, data, "run", {"--model", "linear"}).exit_code, 0);
  const fs::path run = dir / "run";
  const std::string fold2_weights = test::read_file(run / "fold-2" / "model" / "weights.safetensors");
  const auto scores = [](json metrics) {  // all but the time it took
    metrics["models"]["linear"].erase("train_seconds");
    return metrics;
  };
  const json metrics = scores(read_json(run / "metrics.json"));
  // As if killed while fold 2 trained: fold 2 and the ensemble's files are missing.
  fs::remove_all(run / "fold-2");
  fs::remove(run / "metrics.json");
  fs::remove(run / "predictions.tsv");
  const RunResult resumed = dnacnn({"train", "--resume", run.string(), "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(test::read_file(run / "fold-2" / "model" / "weights.safetensors"), fold2_weights);
  EXPECT_EQ(scores(read_json(run / "metrics.json")), metrics);
  // run.json trains the whole ensemble again, the same models.
  EXPECT_FALSE(read_json(run / "run.json").at("params").contains("fold"));
  const RunResult again = dnacnn({"train", "--config", (run / "run.json").string(), "--out", (dir / "again").string(), "--quiet"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(test::read_file(dir / "again" / "fold-2" / "model" / "weights.safetensors"), fold2_weights);
  EXPECT_EQ(read_json(dir / "again" / "folds.json"), read_json(run / "folds.json"));
}

TEST(CliFolds, FoldOptionsThatCannotWork) {
  TempDir dir;
  const fs::path data = simulate(dir, 4);
  expect_one_line_error(train_folds(dir, data, "r", {"--val-frac", "0.1"}), 2,
                        "dnacnn train: --folds 3 splits the data itself (test fold i, validation fold i+1); drop --val-frac");
  expect_one_line_error(train_folds(dir, data, "r", {"--fold-by", "chrom"}), 1, "dnacnn train: ");
  expect_one_line_error(dnacnn({"train", "--data", data.string(), "--out", (dir / "r").string(), "--folds", "2"}), 2,
                        "dnacnn train: --folds: Value 2 not in range 3 to 100");
}

// BED input folds by chromosome: each model is tested on whole chromosomes it never saw; scan and
// variants average an ensemble as predict does.
struct FoldsGenome : ::testing::Test {
  TempDir dir;
  test::TestGenome genome = test::write_test_genome(dir.path(), true);
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

TEST_F(FoldsGenome, ChromosomeFoldsHoldOutWholeChromosomes) {
  std::string bed;
  const std::map<std::string, int> sizes{{"chr1", 2000}, {"chr2", 1200}, {"chr3", 700}};
  for (const auto& [chrom, size] : sizes)
    for (int start = 10; start + 40 < size; start += 37)
      bed += chrom + "\t" + std::to_string(start) + "\t" + std::to_string(start + 30) + "\tr\t" + std::to_string(start % 7) + "\n";
  test::write_file(dir / "sig.bed", bed);
  const RunResult r = dnacnn({"train", "--bed", path("sig.bed"), "--genome", genome.fasta.string(), "--target-col", "score",
                              "--model", "linear", "--folds", "3", "--epochs", "2", "--batch-size", "8", "--out",
                              path("run"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json plan = read_json(dir / "run" / "folds.json");
  EXPECT_EQ(plan.at("fold_by"), "chrom");
  std::set<std::string> held_out;
  for (int k = 0; k < 3; ++k) {
    const json chroms = plan.at("models").at(k).at("test_chroms");
    ASSERT_EQ(chroms.size(), 1u) << "three chromosomes, three folds";
    held_out.insert(chroms.at(0).get<std::string>());
    const auto rows = read_tsv(dir / "run" / ("fold-" + std::to_string(k)) / "predictions.tsv");
    for (std::size_t i = 0; i < rows.at("id").size(); ++i)
      EXPECT_EQ(rows.at("split")[i] == "test", rows.at("id")[i].starts_with(chroms.at(0).get<std::string>() + ":"))
          << rows.at("id")[i];
  }
  EXPECT_EQ(held_out, (std::set<std::string>{"chr1", "chr2", "chr3"}));
  expect_one_line_error(dnacnn({"train", "--bed", path("sig.bed"), "--genome", genome.fasta.string(), "--target-col",
                                "score", "--folds", "4", "--out", path("r4")}),
                        2, "dnacnn train: --folds 4 --fold-by chrom: the data have only 3 chromosome(s)");
}

TEST_F(FoldsGenome, ScanAndVariantsAverageAnEnsemble) {
  const test::LinearModel a = test::write_linear_model(dir / "a", 20, 3);
  const test::LinearModel b = test::write_linear_model(dir / "b", 20, 4);
  const std::string& chr1 = genome.seqs.at("chr1");
  test::write_file(dir / "r.bed", "chr1\t0\t100\n");
  RunResult r = dnacnn({"scan", "--model", path("a"), path("b"), "--genome", genome.fasta.string(), "--regions",
                        path("r.bed"), "--step", "20", "--out", path("t.tsv"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto track = read_tsv(dir / "t.tsv");
  ASSERT_FALSE(track.at("start").empty());
  for (std::size_t i = 0; i < track.at("start").size(); ++i) {
    const std::string window = chr1.substr(std::stoul(track.at("start")[i]), 20);
    EXPECT_NEAR(std::stod(track.at("score")[i]), (a.predict(window) + b.predict(window)) / 2, 1e-4) << i;
  }
  test::write_file(dir / "v.vcf", "##fileformat=VCFv4.2\n##contig=<ID=chr1>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                                  "chr1\t50\tv\t" + chr1.substr(49, 1) + "\t" + (chr1[49] == 'A' ? "C" : "A") + "\t.\t.\t.\n");
  r = dnacnn({"variants", "--model", path("a"), path("b"), "--vcf", path("v.vcf"), "--genome", genome.fasta.string(),
              "--out", path("e.tsv"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = dnacnn({"variants", "--model", path("a"), "--vcf", path("v.vcf"), "--genome", genome.fasta.string(), "--out",
              path("ea.tsv"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = dnacnn({"variants", "--model", path("b"), "--vcf", path("v.vcf"), "--genome", genome.fasta.string(), "--out",
              path("eb.tsv"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto both = read_tsv(dir / "e.tsv"), ea = read_tsv(dir / "ea.tsv"), eb = read_tsv(dir / "eb.tsv");
  for (const char* col : {"score_ref", "score_alt", "score_diff"})
    EXPECT_NEAR(std::stod(both.at(col).at(0)), (std::stod(ea.at(col).at(0)) + std::stod(eb.at(col).at(0))) / 2, 1e-4) << col;
}

}  // namespace
}  // namespace dnacnn

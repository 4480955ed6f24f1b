// `dnacnn design` as a user runs it: on the notebook's CNN (every 8-mer is in the data set, so the
// optimum under the model is known exactly), on a linear model with two targets (a weighted
// objective's optimum is known in closed form), on a binary model trained on a planted motif, and
// with bad input. Every output sequence is checked against the constraints asked for.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "cli_support.hpp"
#include "dnacnn/core/random.hpp"
#include "dnacnn/models/model_store.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using clitest::dnacnn;
using clitest::expect_one_line_error;
using clitest::floats;
using clitest::read_tsv;
using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;

std::string revcomp(std::string s) {
  std::reverse(s.begin(), s.end());
  for (char& c : s) c = c == 'A' ? 'T' : c == 'C' ? 'G' : c == 'G' ? 'C' : 'A';
  return s;
}

bool contains_either_strand(const std::string& seq, const std::string& motif) {
  return seq.find(motif) != std::string::npos || seq.find(revcomp(motif)) != std::string::npos;
}

// The notebook's CNN on all 65,536 8-mers, and its prediction for every one of them.
class CliDesign : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const fs::path data = clitest::simulate(*dir_, 8);
    const RunResult trained = dnacnn({"train", "--data", data.string(), "--model", "cnn", "--out", (*dir_ / "run").string(), "--quiet"});
    ASSERT_EQ(trained.exit_code, 0) << trained.err;
    model_ = new std::string((*dir_ / "run" / "model").string());
    const RunResult predicted = dnacnn({"predict", "--model", *model_, "--in", data.string(), "--with-seq", "--out",
                                        (*dir_ / "all.tsv").string(), "--quiet"});
    ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
    auto cols = read_tsv(*dir_ / "all.tsv");
    scores_ = new std::map<std::string, float>;
    const std::vector<float> values = floats(cols["score"]);
    for (std::size_t i = 0; i < values.size(); ++i) (*scores_)[cols["seq"][i]] = values[i];
  }
  static void TearDownTestSuite() {
    delete scores_;
    delete model_;
    delete dir_;
  }
  static float best() {
    return std::max_element(scores_->begin(), scores_->end(), [](auto& a, auto& b) { return a.second < b.second; })->second;
  }
  static float worst() {
    return std::min_element(scores_->begin(), scores_->end(), [](auto& a, auto& b) { return a.second < b.second; })->second;
  }
  // Runs design into a fresh directory; returns designs.tsv's columns.
  static std::map<std::string, std::vector<std::string>> design(const std::string& name, std::vector<std::string> args) {
    const fs::path out = *dir_ / name;
    args.insert(args.begin(), {"design", "--model", *model_, "--out", out.string(), "--quiet"});
    const RunResult r = dnacnn(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return read_tsv(out / "designs.tsv");
  }
  static TempDir* dir_;
  static std::string* model_;
  static std::map<std::string, float>* scores_;
};
TempDir* CliDesign::dir_ = nullptr;
std::string* CliDesign::model_ = nullptr;
std::map<std::string, float>* CliDesign::scores_ = nullptr;

constexpr float kTolerance = 1e-4f;

TEST_F(CliDesign, BeamReachesTheBestEightMerAndWritesEveryOutput) {
  auto d = design("beam", {"--method", "beam", "--beam-width", "16", "--rounds", "8", "--n", "4", "--seed", "3", "--logos", "2"});
  ASSERT_EQ(d["id"].size(), 4u);
  const std::vector<float> final_scores = floats(d["final_score"]);
  EXPECT_GE(*std::max_element(final_scores.begin(), final_scores.end()), best() - kTolerance);
  for (std::size_t i = 0; i < final_scores.size(); ++i) {
    // The scores are the model's own (as `predict` gives them), of the sequences written.
    EXPECT_NEAR(final_scores[i], scores_->at(d["sequence"][i]), kTolerance) << d["sequence"][i];
    EXPECT_NEAR(std::stof(d["start_score"][i]), scores_->at(d["start_sequence"][i]), kTolerance);
    EXPECT_NEAR(std::stof(d["score"][i]), final_scores[i], kTolerance);  // the target column
    int hamming = 0;
    for (std::size_t p = 0; p < 8; ++p) hamming += d["sequence"][i][p] != d["start_sequence"][i][p];
    EXPECT_EQ(std::stoi(d["edits"][i]), hamming);
  }
  const fs::path out = *dir_ / "beam";
  auto trajectory = read_tsv(out / "trajectory.tsv");
  ASSERT_EQ(trajectory["round"].size(), 4u * 9u);  // rounds 0..8 of each design
  for (std::size_t row = 1; row < trajectory["round"].size(); ++row) {
    if (trajectory["id"][row] == trajectory["id"][row - 1]) {
      EXPECT_GE(std::stof(trajectory["score"][row]), std::stof(trajectory["score"][row - 1]));
    }
  }
  for (const char* f : {"design.json", "report.html", "charts/trajectory.vl.json", "logos/1_design1_edits.svg",
                        "logos/1_design1_attribution.svg", "logos/2_design2_edits.svg"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  EXPECT_FALSE(fs::exists(out / "logos" / "3_design3_edits.svg"));
  const std::string report = test::read_file(out / "report.html");
  for (const char* needle : {"Best score per round", "ISM of the objective", "<mark>", "design1"})
    EXPECT_NE(report.find(needle), std::string::npos) << needle;
  EXPECT_GT(clitest::read_json(out / "design.json").at("mutants_scored").get<long>(), 0);
}

TEST_F(CliDesign, EvolveClimbsToLocalOptima) {
  auto d = design("evolve", {"--n", "24", "--rounds", "12", "--seed", "5", "--logos", "0"});
  for (std::size_t i = 0; i < d["id"].size(); ++i) {
    const std::string& seq = d["sequence"][i];
    const float score = std::stof(d["final_score"][i]);
    EXPECT_GE(score, std::stof(d["start_score"][i]) - kTolerance);
    // No single-base change of a design scores higher (the run stopped before 12 rounds).
    for (std::size_t p = 0; p < 8; ++p)
      for (char b : std::string("ACGT")) {
        std::string mutant = seq;
        mutant[p] = b;
        EXPECT_LE(scores_->at(mutant), score + kTolerance) << seq << " -> " << mutant;
      }
  }
}

TEST_F(CliDesign, MinimizeReachesTheLowestEightMer) {
  auto d = design("min", {"--minimize", "--method", "beam", "--beam-width", "16", "--rounds", "8", "--n", "4", "--logos", "0"});
  const std::vector<float> final_scores = floats(d["final_score"]);
  EXPECT_LE(*std::min_element(final_scores.begin(), final_scores.end()), worst() + kTolerance);
}

TEST_F(CliDesign, TargetValueIsApproached) {
  const float target = (best() + worst()) / 2;
  auto d = design("target", {"--target", std::to_string(target), "--n", "8", "--logos", "0"});
  float nearest = 1e9f;
  for (std::size_t i = 0; i < d["id"].size(); ++i) {
    const float start = std::stof(d["start_score"][i]), end = std::stof(d["final_score"][i]);
    EXPECT_LE(std::fabs(end - target), std::fabs(start - target) + kTolerance);
    nearest = std::min(nearest, std::fabs(end - target));
  }
  EXPECT_LT(nearest, 0.5f);
}

// GC range, forbidden motifs (either strand) and kept bases hold in every design of every method.
TEST_F(CliDesign, ConstraintsHoldInEveryDesign) {
  const std::vector<std::string> constraints{"--gc-range", "0.375,0.625", "--forbid", "GCGC,TTTT", "--keep", "1:2",
                                             "--n", "12", "--logos", "1"};
  for (const std::string method : {"evolve", "beam", "gradient"}) {
    std::vector<std::string> args = constraints;
    args.insert(args.end(), {"--method", method, "--steps", "40", "--beam-width", "4", "--rounds", "6"});
    auto d = design("constrained-" + method, args);
    ASSERT_EQ(d["id"].size(), 12u) << method;
    for (std::size_t i = 0; i < d["id"].size(); ++i)
      for (const std::string& seq : {d["sequence"][i], d["start_sequence"][i]}) {
        const auto gc = std::count_if(seq.begin(), seq.end(), [](char c) { return c == 'G' || c == 'C'; });
        EXPECT_GE(gc, 3) << method << " " << seq;
        EXPECT_LE(gc, 5) << method << " " << seq;
        for (const char* motif : {"GCGC", "TTTT", "AAAA"}) EXPECT_EQ(seq.find(motif), std::string::npos) << method << " " << seq;
        EXPECT_EQ(seq.substr(0, 2), d["start_sequence"][i].substr(0, 2)) << method;
        EXPECT_GE(std::stof(d["final_score"][i]), std::stof(d["start_score"][i]) - kTolerance) << method;
      }
  }
  // --start with --max-edits: at most K bases change, whatever the method.
  test::write_file(*dir_ / "starts.tsv", "id\tseq\nlow\tGCGCGCGC\nmid\tACGTACGT\n");
  for (const std::string method : {"evolve", "gradient"}) {  // beam shares evolve's mutant rules
    auto d = design("edits-" + method, {"--start", (*dir_ / "starts.tsv").string(), "--max-edits", "2", "--method", method,
                                        "--steps", "40", "--logos", "0"});
    ASSERT_EQ(d["id"], (std::vector<std::string>{"low", "mid"}));
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_LE(std::stoi(d["edits"][i]), 2) << method;
      EXPECT_GT(std::stof(d["final_score"][i]), std::stof(d["start_score"][i])) << method << " " << d["sequence"][i];
    }
  }
}

TEST_F(CliDesign, GradientDesignImproves) {
  auto d = design("gradient", {"--method", "gradient", "--n", "8", "--steps", "60", "--logos", "0"});
  std::vector<float> all;
  for (const auto& [seq, s] : *scores_) all.push_back(s);
  std::sort(all.begin(), all.end());
  const float top_percentile = all[all.size() * 99 / 100];
  const std::vector<float> final_scores = floats(d["final_score"]);
  for (std::size_t i = 0; i < final_scores.size(); ++i) EXPECT_GE(final_scores[i], std::stof(d["start_score"][i]) - kTolerance);
  EXPECT_GE(*std::max_element(final_scores.begin(), final_scores.end()), top_percentile);
}

TEST_F(CliDesign, BadInputIsOneLineExitTwo) {
  const std::string out = (*dir_ / "bad").string();
  const auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"design", "--model", *model_, "--out", out, "--force"};
    args.insert(args.end(), extra.begin(), extra.end());
    return dnacnn(args);
  };
  RunResult r = run({"--objective", "score - 0.5*enhancer"});
  expect_one_line_error(r, 2, "dnacnn design: --objective: unknown target 'enhancer' (the model's targets: score)");
  r = run({"--gc-range", "0.4,0.45"});
  expect_one_line_error(r, 2, "dnacnn design: --gc-range 0.4,0.45: no sequence of 8 bases has a GC fraction in it");
  expect_one_line_error(run({"--length", "10"}), 2, "dnacnn design: --length 10: the model reads sequences of 8 bases");
  expect_one_line_error(run({"--minimize", "--target", "3"}), 2, "dnacnn design: give one of");
  expect_one_line_error(run({"--method", "anneal"}), 2, "dnacnn design: --method must be evolve, beam or gradient");
  test::write_file(*dir_ / "short.fa", ">a\nACGTACGT\n>b\nACGTA\n");
  expect_one_line_error(run({"--start", (*dir_ / "short.fa").string()}), 1,
                        "dnacnn design: " + (*dir_ / "short.fa").string() + ":3: sequence 'b' has 5 bases, the model reads 8");
  test::write_file(*dir_ / "gc.fa", ">a\nGGGGGGGG\n");
  expect_one_line_error(run({"--start", (*dir_ / "gc.fa").string(), "--gc-range", "0.25,0.75"}), 1,
                        "dnacnn design: " + (*dir_ / "gc.fa").string() + ":1: start sequence 'a' breaks the constraints: GC 1");
  EXPECT_FALSE(fs::exists(out));  // refused commands leave no directory behind
}

// A linear model with two targets: the optimum of w1 . x - 0.5 w2 . x is, at every position, the
// base with the largest w1 - 0.5 w2; greedy evolution reaches it exactly (the objective is separable).
TEST(CliDesignObjective, WeightedSumOfTwoTargets) {
  TempDir dir;
  constexpr std::int64_t kLength = 12;
  Rng rng(4);
  StoredModel m;
  m.config.arch = "linear";
  m.config.length = kLength;
  m.config.targets = {"t1", "t2"};
  std::vector<float> w(2 * 4 * kLength);
  for (float& v : w) v = static_cast<float>(rng.uniform() * 2 - 1);
  m.weights = {{"lin.weight", {2, 4 * kLength}, w}, {"lin.bias", {2}, {0.5f, -0.25f}}};
  save_model(dir / "model", m);
  std::string expected;
  for (std::int64_t p = 0; p < kLength; ++p) {
    int best = 0;
    for (int b = 1; b < 4; ++b) {
      const auto value = [&](int base) { return w[static_cast<std::size_t>(4 * p + base)] - 0.5 * w[static_cast<std::size_t>(4 * kLength + 4 * p + base)]; };
      if (value(b) > value(best)) best = b;
    }
    expected += "ACGT"[best];
  }
  const RunResult r = dnacnn({"design", "--model", (dir / "model").string(), "--out", (dir / "d").string(), "--objective",
                              "t1 - 0.5*t2", "--n", "3", "--rounds", "40", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto d = read_tsv(dir / "d" / "designs.tsv");
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(d["sequence"][i], expected);
    EXPECT_NEAR(std::stof(d["final_score"][i]), std::stof(d["t1"][i]) - 0.5f * std::stof(d["t2"][i]), 1e-4);
  }
  // Several targets and no --objective: the user has to say which.
  expect_one_line_error(dnacnn({"design", "--model", (dir / "model").string(), "--out", (dir / "e").string()}), 2,
                        "dnacnn design: the model has 2 targets (t1, t2): say what to optimise with --objective");
}

// A binary model trained on 200 bp sequences labelled by a planted motif: designs contain it. A third
// of the sequences carry the motif, a third a copy with one base changed (so the model has to learn
// every base of it), a third nothing; the model is DeepBind-like (convolution, global max-pool).
TEST(CliDesignPlanted, DesignsContainThePlantedMotif) {
  TempDir dir;
  const std::string motif = "GATAAGC";
  Rng rng(11);
  std::string table = "seq\tlabel\n";
  for (int i = 0; i < 3000; ++i) {
    std::string seq(200, 'A');
    for (char& c : seq) c = "ACGT"[rng.below(4)];
    if (i % 3 != 2) {
      std::string copy = motif;
      if (i % 3 == 1) {
        const std::size_t q = rng.below(motif.size());
        copy[q] = "ACGT"[(std::string("ACGT").find(motif[q]) + 1 + rng.below(3)) % 4];
      }
      seq.replace(rng.below(200 - motif.size()), motif.size(), copy);
    }
    table += seq + '\t' + (seq.find(motif) != std::string::npos ? "1" : "0") + '\n';
  }
  test::write_file(dir / "planted.tsv", table);
  test::write_file(dir / "spec.json", R"({"name": "motif-finder", "layers": [
    {"type": "conv1d", "filters": 16, "kernel": 9, "padding": "valid"}, {"type": "relu"}, {"type": "globalmaxpool"},
    {"type": "dense", "units": 16}, {"type": "relu"}, {"type": "output"}]})");
  const RunResult trained = dnacnn({"train", "--data", (dir / "planted.tsv").string(), "--task", "binary", "--model",
                                    (dir / "spec.json").string(), "--optimizer", "adam", "--lr", "0.01", "--epochs", "15",
                                    "--batch-size", "32", "--out", (dir / "run").string(), "--quiet"});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const std::string model = (dir / "run" / "model").string();
  const RunResult r = dnacnn({"design", "--model", model, "--out", (dir / "d").string(), "--n", "4", "--length", "200",
                              "--rounds", "20", "--logos", "1", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto d = read_tsv(dir / "d" / "designs.tsv");
  ASSERT_EQ(d["sequence"].size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(d["sequence"][i].size(), 200u);
    EXPECT_TRUE(contains_either_strand(d["sequence"][i], motif)) << d["sequence"][i];
    EXPECT_GT(std::stof(d["label"][i]), 0.9f);  // the probability, as `predict` gives it
  }
  EXPECT_EQ(clitest::read_json(dir / "d" / "design.json").at("score_scale"), "logit");
  // A binary model's --target is a probability.
  expect_one_line_error(dnacnn({"design", "--model", model, "--out", (dir / "e").string(), "--target", "1.5"}), 2,
                        "dnacnn design: --target 1.5: the model is binary, its output is a probability between 0 and 1");
}

}  // namespace
}  // namespace dnacnn

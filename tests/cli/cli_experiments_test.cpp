// In-silico experiments from the command line: marginalize (a motif written into backgrounds),
// --spacing (two motifs at every gap) and ablate (occurrences shuffled, masked or randomised), on a
// linear model whose effects are known exactly and on the notebook's CNN, whose TAT and GCG must
// show effects of the right sign and size.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <tuple>

#include "cli_support.hpp"
#include "genome_fixture.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using clitest::dnacnn;
using clitest::expect_one_line_error;
using clitest::read_json;
using clitest::read_tsv;
using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;
using json = nlohmann::json;

struct Experiments : ::testing::Test {
  TempDir dir;
  test::LinearModel linear = test::write_linear_model(dir / "linear", 12, 7);
  std::string path(const std::string& name) const { return (dir / name).string(); }
  // A few backgrounds with every base somewhere, written as a table.
  std::vector<std::string> backgrounds{"ACGTACGTACGT", "TTTTGGGGCCCC", "GATTACAGATTA", "CCCAAATTTGGG"};
  std::string write_backgrounds() const {
    std::string text = "id\tseq\n";
    for (std::size_t i = 0; i < backgrounds.size(); ++i) text += "b" + std::to_string(i) + "\t" + backgrounds[i] + "\n";
    test::write_file(dir / "bg.tsv", text);
    return path("bg.tsv");
  }
  static std::string with(std::string s, const std::string& motif, std::size_t at) { return s.replace(at, motif.size(), motif); }
};

TEST_F(Experiments, MarginalEffectsOnALinearModelAreExact) {
  const RunResult r = dnacnn({"marginalize", "--model", linear.dir.string(), "--motif", "GATC", "--motif", "aan",
                              "--background", write_backgrounds(), "--out", path("m"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto effects = read_tsv(dir / "m" / "effects.tsv");
  ASSERT_EQ(effects.at("id").size(), 8u);
  double mean = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(effects.at("id")[i], "b" + std::to_string(i));
    EXPECT_EQ(effects.at("position")[i], "4") << "centred: (12 - 4) / 2";
    const double expected = linear.predict(with(backgrounds[i], "GATC", 4)) - linear.predict(backgrounds[i]);
    EXPECT_NEAR(std::stod(effects.at("effect")[i]), expected, 1e-4) << i;
    EXPECT_NEAR(std::stod(effects.at("before")[i]), linear.predict(backgrounds[i]), 1e-4) << i;
    mean += expected / 4;
    // N writes no base: the third position of AAN contributes nothing
    std::string n_written = with(backgrounds[i], "AAN", 4);
    EXPECT_NEAR(std::stod(effects.at("after")[4 + i]), linear.predict(n_written), 1e-4) << i;
  }
  const json summary = read_json(dir / "m" / "summary.json");
  EXPECT_NEAR(summary.at("mean_effect").get<double>(), mean, 1e-4);
  EXPECT_EQ(summary.at("n"), 4);
  EXPECT_EQ(summary.at("motifs").size(), 2u);
  EXPECT_EQ(summary.at("motifs").at(1).at("motif"), "aan");
  EXPECT_NE(test::read_file(dir / "m" / "report.html").find("\"effects\""), std::string::npos);
}

TEST_F(Experiments, SpacingOfALinearModelIsAdditiveAtEveryGap) {
  const RunResult r = dnacnn({"marginalize", "--model", linear.dir.string(), "--motif", "GAT", "--motif", "CC",
                              "--background", "50", "--seed", "3", "--spacing", "7", "--out", path("s"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto spacing = read_tsv(dir / "s" / "spacing.tsv");
  ASSERT_EQ(spacing.at("gap").size(), 8u);
  for (std::size_t g = 0; g < 8; ++g) {
    EXPECT_EQ(spacing.at("gap")[g], std::to_string(g));
    EXPECT_EQ(std::stol(spacing.at("second_start")[g]) - std::stol(spacing.at("first_start")[g]), 3 + static_cast<long>(g));
    EXPECT_NEAR(std::stod(spacing.at("mean_effect")[g]), std::stod(spacing.at("additive")[g]), 1e-4) << "gap " << g;
    EXPECT_EQ(spacing.at("n")[g], "50");
  }
  expect_one_line_error(dnacnn({"marginalize", "--model", linear.dir.string(), "--motif", "GAT", "--motif", "CC",
                                "--spacing", "8", "--out", path("s2")}),
                        2, "dnacnn marginalize: --spacing 8 (GAT and CC with up to 8 bases between): 13 bases");
}

TEST_F(Experiments, AblationMasksShufflesAndCountsOccurrences) {
  test::write_file(dir / "in.tsv", "id\tseq\nx\tGATCAAAAGATC\ny\tCCCCCCCCCCCC\nz\tTTTTGATCTTTT\n");
  RunResult r = dnacnn({"ablate", "--model", linear.dir.string(), "--motif", "GATC", "--in", path("in.tsv"), "--method",
                        "mask", "--out", path("a"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto effects = read_tsv(dir / "a" / "effects.tsv");
  EXPECT_EQ(effects.at("occurrences"), (std::vector<std::string>{"2", "0", "1"}));
  EXPECT_NEAR(std::stod(effects.at("effect")[0]), linear.predict("NNNNAAAANNNN") - linear.predict("GATCAAAAGATC"), 1e-4);
  EXPECT_EQ(effects.at("effect")[1], "0");
  EXPECT_NEAR(std::stod(effects.at("effect")[2]), linear.predict("TTTTNNNNTTTT") - linear.predict("TTTTGATCTTTT"), 1e-4);
  EXPECT_EQ(read_json(dir / "a" / "summary.json").at("n"), 2) << "the sequences holding the motif";
  // A motif of one base shuffles into itself: no effect. GATC is its own reverse complement; AAAA's is TTTT.
  r = dnacnn({"ablate", "--model", linear.dir.string(), "--motif", "AAAA", "--in", path("in.tsv"), "--out", path("b"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto same = read_tsv(dir / "b" / "effects.tsv");
  EXPECT_EQ(same.at("occurrences"), (std::vector<std::string>{"1", "0", "2"})) << "TTTT on the other strand";
  for (const auto& e : same.at("effect")) EXPECT_EQ(std::stod(e), 0.0);
  r = dnacnn({"ablate", "--model", linear.dir.string(), "--motif", "AAAA", "--forward-only", "--in", path("in.tsv"),
              "--out", path("c"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_tsv(dir / "c" / "effects.tsv").at("occurrences"), (std::vector<std::string>{"1", "0", "0"}));
}

TEST_F(Experiments, BadInputIsOneLine) {
  const std::string m = linear.dir.string();
  expect_one_line_error(dnacnn({"marginalize", "--model", m, "--motif", "GAXC", "--out", path("x")}), 2,
                        "dnacnn marginalize: --motif GAXC: 'X' is not a base");
  expect_one_line_error(dnacnn({"marginalize", "--model", m, "--out", path("x")}), 2, "dnacnn marginalize: give a motif");
  expect_one_line_error(dnacnn({"marginalize", "--model", m, "--motif", "GA", "--spacing", "3", "--out", path("x")}), 2,
                        "dnacnn marginalize: --spacing needs two motifs");
  expect_one_line_error(dnacnn({"marginalize", "--model", m, "--motif", "ACGTACGTACGTA", "--out", path("x")}), 2,
                        "dnacnn marginalize: --motif ACGTACGTACGTA: 13 bases from position 0 do not fit the model's 12 bp input");
  expect_one_line_error(dnacnn({"marginalize", "--model", m, "--motif", "GA", "--target", "nope", "--out", path("x")}), 2,
                        "dnacnn marginalize: --target 'nope' is not one of the model's targets (score)");
  expect_one_line_error(dnacnn({"ablate", "--model", m, "--motif", "GA", "--in", path("missing.tsv"), "--out", path("y")}),
                        1, "dnacnn ablate: ");
}

// The notebook's rule adds 10 for TAT and takes 10 for GCG: a trained CNN shows both, and ablating
// TAT (as written: the rule reads one strand) costs about 10.
TEST(ExperimentsNotebook, TatAndGcgHaveTheRuleEffects) {
  TempDir dir;
  const fs::path data = clitest::simulate(dir, 8);
  const RunResult t = dnacnn({"train", "--data", data.string(), "--model", "cnn", "--out", (dir / "nb").string(), "--quiet"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  RunResult r = dnacnn({"marginalize", "--model", (dir / "nb").string(), "--motif", "TAT", "--motif", "GCG", "--background",
                        "400", "--out", (dir / "m").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json motifs = read_json(dir / "m" / "summary.json").at("motifs");
  // Inserting TAT also replaces three average bases (mean score 15.5) by T, A, T: about -0.6 on top of +10.
  EXPECT_GT(motifs.at(0).at("mean_effect").get<double>(), 7.5);
  EXPECT_LT(motifs.at(0).at("mean_effect").get<double>(), 11);
  EXPECT_LT(motifs.at(1).at("mean_effect").get<double>(), -8);
  EXPECT_GT(motifs.at(1).at("mean_effect").get<double>(), -12);
  r = dnacnn({"ablate", "--model", (dir / "nb").string(), "--motif", "TAT", "--forward-only", "--method", "random",
              "--in", data.string(), "--out", (dir / "a").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json ablated = read_json(dir / "a" / "summary.json");
  EXPECT_LT(ablated.at("mean_effect").get<double>(), -7);
  EXPECT_GT(ablated.at("n").get<int>(), 2000);
}


// Issue #21's walkthrough (docs/interpretation.md): two planted motifs of opposite effect, GATAAG
// (+5) and CACGTG (-5), in 20,000 random 100 bp sequences; a DeepBind-like model; DeepSHAP with
// hypothetical contributions; discover against a database names both; marginalize gives each its
// sign and most of its size. Long (about a minute on the 2-core machine): `make test-long`.
TEST(LongPlantedMotifs, DeepshapDiscoverAndMarginalizeFindBoth) {
  TempDir dir;
  test::write_file(dir / "rule.json", R"({"name": "gata-ebox", "base_scores": {"A": 0, "C": 0, "G": 0, "T": 0},
    "motifs": [{"pattern": "GATAAG", "effect": 5}, {"pattern": "CACGTG", "effect": -5}]})");
  std::string db = "MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\nBackground letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n";
  for (const auto& [id, name, consensus] : {std::tuple{"MA0035.4", "GATA1", "TGATAAGA"}, {"MA0058.3", "MAX", "CCACGTGG"},
                                            {"MA0139.1", "CTCF", "CCGCGAGGGC"}, {"MA0099.3", "FOS::JUN", "TGACTCA"}}) {
    db += std::string("MOTIF ") + id + " " + name + "\nletter-probability matrix: alength= 4 w= " +
          std::to_string(std::string(consensus).size()) + " nsites= 20 E= 0\n";
    for (const char c : std::string(consensus))
      for (const char b : std::string("ACGT")) db += std::string(b == c ? "0.85" : "0.05") + (b == 'T' ? "\n" : " ");
    db += "\n";
  }
  test::write_file(dir / "db.meme", db);
  const auto run = [&](std::vector<std::string> args) {
    if (args.front() != "simulate") args.push_back("--quiet");
    const RunResult r = dnacnn(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  };
  const std::string data = (dir / "data.tsv").string(), model = (dir / "run").string();
  run({"simulate", "--random", "20000", "--length", "100", "--rule", (dir / "rule.json").string(), "--noise", "0.3",
       "--seed", "3", "--out", data});
  run({"train", "--data", data, "--model", "deepbind", "--epochs", "25", "--optimizer", "adam", "--lr", "0.003",
       "--threads", "2", "--out", model});
  std::string some;  // the header and the first 2,000 sequences
  const std::vector<std::string> lines = test::read_lines(dir / "data.tsv");
  for (std::size_t i = 0; i < 2001 && i < lines.size(); ++i) some += lines[i] + "\n";
  test::write_file(dir / "some.tsv", some);
  run({"attribute", "--model", model, "--in", (dir / "some.tsv").string(), "--method", "deepshap", "--hypothetical",
       "--logos", "0", "--out", (dir / "attr").string()});
  run({"discover", "--attributions", (dir / "attr").string(), "--db", (dir / "db.meme").string(), "--out",
       (dir / "disc").string()});
  const auto patterns = read_tsv(dir / "disc" / "patterns.tsv");
  bool gata = false, ebox = false;
  for (std::size_t i = 0; i < patterns.at("pattern").size(); ++i) {
    const std::string& sign = patterns.at("sign")[i];
    const std::string& consensus = patterns.at("consensus")[i];
    const std::string& name = patterns.at("best_match_name")[i];
    gata |= sign == "positive" && consensus.find("GATAAG") != std::string::npos && name == "GATA1";
    ebox |= sign == "negative" && consensus.find("CACGTG") != std::string::npos && name == "MAX";
  }
  EXPECT_TRUE(gata) << test::read_file(dir / "disc" / "patterns.tsv");
  EXPECT_TRUE(ebox) << test::read_file(dir / "disc" / "patterns.tsv");
  run({"marginalize", "--model", model, "--motif", "GATAAG", "--motif", "CACGTG", "--background", "500", "--out",
       (dir / "marg").string()});
  const json motifs = read_json(dir / "marg" / "summary.json").at("motifs");
  EXPECT_GT(motifs.at(0).at("mean_effect").get<double>(), 2.5) << motifs;
  EXPECT_LT(motifs.at(1).at("mean_effect").get<double>(), -2.5) << motifs;
}

}  // namespace
}  // namespace dnacnn

// Scoring rules: the positional preset (exercise Q1), zones, rule files and motif groups.
#include "dnacnn/data/scoring_rule.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;
using test::thrown_message;
using test::write_file;

// An 8-mer has 6 start positions for a 3-base motif: 0-1 are the first third, 4-5 the last.
TEST(PositionalRule, TatIsWorthMoreInTheFirstThird) {
  const ScoringRule r = ScoringRule::positional();
  EXPECT_DOUBLE_EQ(r.score("TATAAAAA"), (11 + 20 + 11 + 20 * 5) / 8.0 + 20);  // start 0
  EXPECT_DOUBLE_EQ(r.score("ATATAAAA"), (11 + 20 + 11 + 20 * 5) / 8.0 + 20);  // start 1: still the first third
  EXPECT_DOUBLE_EQ(r.score("AATATAAA"), (11 + 20 + 11 + 20 * 5) / 8.0 + 5);   // start 2: middle third
  EXPECT_DOUBLE_EQ(r.score("AAAAATAT"), (11 + 20 + 11 + 20 * 5) / 8.0 + 5);   // start 5: last third
  EXPECT_DOUBLE_EQ(r.score("AAAAAAAA"), 20);
}

TEST(PositionalRule, GcgCountsOnlyInTheLastThird) {
  const ScoringRule r = ScoringRule::positional();
  const double gcg = (14 + 17 + 14 + 20 * 5) / 8.0;
  EXPECT_DOUBLE_EQ(r.score("GCGAAAAA"), gcg);       // start 0: no effect
  EXPECT_DOUBLE_EQ(r.score("AAAGCGAA"), gcg);       // start 3: middle, no effect
  EXPECT_DOUBLE_EQ(r.score("AAAAGCGA"), gcg - 10);  // start 4: last third
  EXPECT_DOUBLE_EQ(r.score("AAAAAGCG"), gcg - 10);  // start 5
}

TEST(PositionalRule, TheStrongestOccurrenceCounts) {
  const ScoringRule r = ScoringRule::positional();
  // TAT at 0 (+20) and at 4 (+5): the motif counts once, with +20 whichever comes first.
  const double bases = (11 + 20 + 11 + 20 + 11 + 20 + 11 + 20) / 8.0;
  EXPECT_DOUBLE_EQ(r.score("TATATATA"), bases + 20);
  // GCG at 0 (no effect) and at 5 (-10).
  EXPECT_DOUBLE_EQ(r.score("GCGAAGCG"), (14 + 17 + 14 + 20 + 20 + 14 + 17 + 14) / 8.0 - 10);
}

TEST(PositionalRule, MotifGroupsSayWhere) {
  const ScoringRule r = ScoringRule::positional();
  EXPECT_EQ(r.motif_group("AAAAAAAA"), "none");
  EXPECT_EQ(r.motif_group("TATAAAAA"), "TAT@first third");
  EXPECT_EQ(r.motif_group("AAATATAA"), "TAT");  // outside the zones: the motif's own effect (+5)
  EXPECT_EQ(r.motif_group("GCGAAAAA"), "none");  // no effect there
  EXPECT_EQ(r.motif_group("TATAGCGA"), "TAT@first third + GCG@last third");
}

TEST(NotebookRule, MotifGroupsAreTheFourCombinations) {
  const ScoringRule r = ScoringRule::notebook();
  EXPECT_EQ(r.motif_group("AAAAAAAA"), "none");
  EXPECT_EQ(r.motif_group("AATATAAA"), "TAT");
  EXPECT_EQ(r.motif_group("AAGCGAAA"), "GCG");
  EXPECT_EQ(r.motif_group("ATATGCGA"), "TAT + GCG");
}

TEST(RuleFile, RoundTripsThroughJson) {
  for (const ScoringRule& rule : {ScoringRule::notebook(), ScoringRule::positional()}) {
    const ScoringRule back = scoring_rule_from_json(scoring_rule_to_json(rule), "rule.json");
    EXPECT_EQ(back.name, rule.name);
    for (const char* s : {"TATAAAAA", "AAAAGCGA", "AATATGCG", "CCCCCCCC", "TATAGCGA"})
      EXPECT_DOUBLE_EQ(back.score(s), rule.score(s)) << rule.name << " " << s;
  }
}

TEST(RuleFile, ReadsAUserRule) {
  TempDir dir;
  write_file(dir / "my.json", R"({"base_scores": {"A": 1, "C": 2, "G": 3, "T": 4},
    "motifs": [{"pattern": "acg", "effect": 1, "zones": [{"from": 0.5, "to": 1, "effect": 7, "name": "right"}]}]})");
  const ScoringRule r = load_scoring_rule((dir / "my.json").string());
  EXPECT_EQ(r.name, "my");
  EXPECT_EQ(r.motifs.at(0).pattern, "ACG");  // upper-cased
  EXPECT_DOUBLE_EQ(r.score("ACGAA"), (1 + 2 + 3 + 1 + 1) / 5.0 + 1);  // start 0 of 3: outside the zone
  EXPECT_DOUBLE_EQ(r.score("AAACG"), (1 + 1 + 1 + 2 + 3) / 5.0 + 7);  // start 2 of 3: 2/3 >= 0.5
  EXPECT_EQ(r.motif_group("AAACG"), "ACG@right");
}

TEST(RuleFile, BadRulesSayWhatIsWrong) {
  TempDir dir;
  const auto message = [&](const std::string& text) {
    write_file(dir / "bad.json", text);
    return thrown_message<Error>([&] { load_scoring_rule((dir / "bad.json").string()); });
  };
  EXPECT_NE(message("{\"motifs\": [").find("not valid JSON"), std::string::npos);
  EXPECT_NE(message("[1, 2]").find("must be a JSON object"), std::string::npos);
  EXPECT_NE(message(R"({"base_scores": {"U": 1}})").find("unknown base \"U\""), std::string::npos);
  EXPECT_NE(message(R"({"base_scores": {"A": "x"}})").find("\"A\" must be a finite number"), std::string::npos);
  // a name that is not a string escaped as nlohmann's type_error (found by the rule_file campaign)
  EXPECT_NE(message(R"({"name": 28949840})").find("the rule: \"name\" must be a string"), std::string::npos);
  EXPECT_NE(message(R"({"motifs": [{"pattern": "TAT", "zones": [{"name": []}]}]})").find("motif 1: \"name\" must be a string"),
            std::string::npos);
  EXPECT_NE(message(R"({"motifs": [{"effect": 1}]})").find("motif 1: needs a \"pattern\""), std::string::npos);
  EXPECT_NE(message(R"({"motifs": [{"pattern": "TXT"}]})").find("pattern \"TXT\""), std::string::npos);
  EXPECT_NE(message(R"({"motifs": [{"pattern": "TAT", "zones": [{"from": 0.8, "to": 0.2}]}]})").find("0 <= from < to <= 1"),
            std::string::npos);
  EXPECT_NE(thrown_message<UsageError>([&] { load_scoring_rule((dir / "missing.json").string()); })
                .find("neither a preset (notebook, positional) nor a readable JSON file"),
            std::string::npos);
}

TEST(RuleFile, SidecarSitsNextToTheData) {
  EXPECT_EQ(rule_sidecar_path("runs/data.tsv"), "runs/data.rule.json");
  EXPECT_EQ(rule_sidecar_path("data.tsv.gz"), "data.rule.json");
  EXPECT_EQ(rule_sidecar_path("data.csv"), "data.rule.json");
  EXPECT_EQ(rule_sidecar_path("data"), "data.rule.json");
  TempDir dir;
  EXPECT_FALSE(rule_of_data(dir / "data.tsv", "").has_value());
  write_file(dir / "data.rule.json", scoring_rule_to_json(ScoringRule::positional()).dump());
  ASSERT_TRUE(rule_of_data(dir / "data.tsv", "").has_value());
  EXPECT_EQ(rule_of_data(dir / "data.tsv", "")->name, "positional");
  EXPECT_EQ(rule_of_data(dir / "data.tsv", "notebook")->name, "notebook");  // what the user says wins
}

}  // namespace
}  // namespace dnacnn

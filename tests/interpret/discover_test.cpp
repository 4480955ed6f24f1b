// Motif discovery from attributions: reading attributions.tsv, seqlets, patterns of both signs
// from planted motifs, database matches and the files written.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "attribution_fixture.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/interpret/discover.hpp"
#include "dnacnn/io/motif_formats.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

const std::string kPositive = "TGACTCAG", kNegative = "GATAAGG";

bool has(const std::string& consensus, const std::string& motif) {
  std::string upper = consensus;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.find(motif) != std::string::npos || upper.find(test::reverse_complement_text(motif)) != std::string::npos;
}

const Pattern* find_pattern(const DiscoverResult& r, int sign, const std::string& motif) {
  for (const Pattern& p : r.patterns)
    if (p.sign == sign && has(p.consensus, motif)) return &p;
  return nullptr;
}

TEST(AttributionTable, ReadsRowsAndCentresIsm) {
  TempDir dir;
  test::write_file(dir / "attributions.tsv",
                   "id\tpos\tbase\tA\tC\tG\tT\tattribution\n"
                   "a\t1\tA\t0\t-1\t-2\t-3\t1.5\n"
                   "a\t2\tC\t1\t0\t1\t2\t-1\n"
                   "b\t1\tN\t1\t1\t1\t1\t0\n");
  const AttributionSet set = read_attributions(dir / "attributions.tsv");
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set.ids[1], "b");
  EXPECT_EQ(set.length(0), 2u);
  EXPECT_EQ(set.base[0], 0);
  EXPECT_EQ(set.base[2], 4);
  EXPECT_FLOAT_EQ(set.actual[1], -1);
  EXPECT_TRUE(set.centred);  // the observed base's column is 0: ISM
  EXPECT_FLOAT_EQ(set.hyp[0], 1.5f);   // 0 - mean(0, -1, -2, -3)
  EXPECT_FLOAT_EQ(set.hyp[7], 1.0f);   // 2 - mean(1, 0, 1, 2)
  const AttributionSet raw = read_attributions(dir / "attributions.tsv", HypotheticalScores::as_is);
  EXPECT_FALSE(raw.centred);
  EXPECT_FLOAT_EQ(raw.hyp[3], -3);
}

TEST(AttributionTable, MalformedRowsAreLocated) {
  TempDir dir;
  const auto message = [&](const std::string& text) {
    test::write_file(dir / "attributions.tsv", text);
    return test::thrown_message<Error>([&] { read_attributions(dir / "attributions.tsv"); });
  };
  const std::string header = "id\tpos\tbase\tA\tC\tG\tT\tattribution\n";
  EXPECT_NE(message(header + "a\t1\tA\t0\t1\tx\t0\t1\n").find("attributions.tsv:2:11: G must be a finite number"), std::string::npos);
  EXPECT_NE(message(header + "a\t1\tA\t0\t1\t1\t0\n").find(":2:14: missing column 'attribution'"), std::string::npos);
  EXPECT_NE(message(header + "a\t1\tA\t0\t1\t1\t0\t1\na\t3\tA\t0\t1\t1\t0\t1\n").find(":3:3: pos 3 follows 1"), std::string::npos);
  EXPECT_NE(message("seq\tscore\nACGT\t1\n").find(":1:1: expected the header"), std::string::npos);
  EXPECT_NE(message(header).find("no attribution rows"), std::string::npos);
  EXPECT_NE(message(header + "a\t2\tA\t0\t1\t1\t0\t1\n").find(":2:3: sequence 'a' starts at pos 2"), std::string::npos);
}

// The engine on 600 planted sequences: both motifs, with their signs, about as many seqlets as
// planted, the PWM and CWM right at the motif's bases.
TEST(Discover, FindsPlantedMotifsOfBothSigns) {
  TempDir dir;
  const test::PlantedAttributions planted = test::write_planted_attributions(dir.path(), 600, 100, kPositive, kNegative);
  const AttributionSet set = read_attributions(dir / "attributions.tsv");
  EXPECT_FALSE(set.centred);
  Progress quiet(true);
  DiscoverOptions options;
  options.threads = 2;
  const DiscoverResult r = discover_patterns(set, options, quiet);
  for (const Pattern& p : r.patterns) std::cerr << p.name << " " << p.consensus << " " << p.members.size() << "\n";
  const Pattern* pos = find_pattern(r, 1, kPositive);
  const Pattern* neg = find_pattern(r, -1, kNegative);
  ASSERT_NE(pos, nullptr);
  ASSERT_NE(neg, nullptr);
  EXPECT_EQ(pos->name.rfind("pos_pattern_", 0), 0u);
  EXPECT_EQ(neg->name.rfind("neg_pattern_", 0), 0u);
  EXPECT_NEAR(double(pos->members.size()), planted.positive, 0.1 * planted.positive);
  EXPECT_NEAR(double(neg->members.size()), planted.negative, 0.1 * planted.negative);
  // Both strands: the reverse-complemented plantings joined the same pattern, as reverse members.
  const auto reversed = std::count_if(pos->members.begin(), pos->members.end(), [](const PatternMember& m) { return m.reverse; });
  const double rc_share = double(planted.reverse_positive) / planted.positive;
  EXPECT_GT(double(reversed) / double(pos->members.size()), 0.5 * std::min(rc_share, 1 - rc_share));
  // The CWM carries the sign; the PWM is near 1 at the motif's bases.
  for (const Pattern* p : {pos, neg}) {
    double sum = 0, top = 0;
    for (const Column& c : p->cwm) sum += c[0] + c[1] + c[2] + c[3];
    for (const Column& c : p->pwm) top = std::max(top, *std::max_element(c.begin(), c.end()));
    EXPECT_EQ(sum > 0 ? 1 : -1, p->sign) << p->name;
    EXPECT_GT(top, 0.95) << p->name;
    EXPECT_LE(p->pwm.size(), 12u) << p->name << " is trimmed to its core";
    EXPECT_GE(p->pwm.size(), 6u) << p->name;
  }
  // Members point at the planted bases.
  for (const PatternMember& m : neg->members) {
    EXPECT_GE(m.start, 50);
    EXPECT_LE(m.end, 100);
  }
}

// No motif: noise alone gives no pattern of 20 seqlets.
TEST(Discover, NoiseAloneGivesNoPattern) {
  TempDir dir;
  std::string rows = "id\tpos\tbase\tA\tC\tG\tT\tattribution\n";
  Rng rng(3);
  for (int i = 0; i < 300; ++i)
    for (int p = 0; p < 60; ++p) {
      const double v = 0.1 * rng.normal();
      rows += fmt::format("n{}\t{}\t{}\t{:.4g}\t0\t0\t0\t{:.4g}\n", i, p + 1, "ACGT"[rng.below(4)], v, v);
    }
  test::write_file(dir / "attributions.tsv", rows);
  Progress quiet(true);
  DiscoverOptions options;
  options.min_seqlets = 20;
  const DiscoverResult r = discover_patterns(read_attributions(dir / "attributions.tsv", HypotheticalScores::as_is), options, quiet);
  EXPECT_GT(r.stats.pos_seqlets + r.stats.neg_seqlets, 0) << "the top-fraction fallback still calls seqlets";
  EXPECT_TRUE(r.patterns.empty()) << r.patterns.size() << " patterns, the first " << r.patterns[0].consensus;
}

// run_discover: files, matches against a database, ISM input mean-centred.
TEST(Discover, WritesFilesAndNamesDatabaseMatches) {
  TempDir dir;
  test::write_planted_attributions(dir / "attr", 400, 80, kPositive, kNegative, 9, /*ism=*/true);
  Motif ap1{"MA0099.1", "AP1", {}, 20}, gata{"MA0035.1", "GATA1", {}, 20}, other{"MA0001.1", "CCCC", {}, 20};
  for (const auto& [m, text] : {std::pair{&ap1, kPositive}, std::pair{&gata, kNegative}, std::pair{&other, std::string("CCCCGCCC")}})
    for (char c : text) {
      Column col{0.02, 0.02, 0.02, 0.02};
      col[std::string_view("ACGT").find(c)] = 0.94;
      m->probs.push_back(col);
    }
  io::write_meme(dir / "db.meme", {other, ap1, gata});
  DiscoverRequest q;
  q.attributions = dir / "attr";
  q.out = dir / "out";
  q.database = dir / "db.meme";
  q.match.permutations = 50;
  Progress quiet(true);
  const DiscoverSummary s = run_discover(q, quiet);
  ASSERT_EQ(s.matches.size(), s.result.patterns.size());
  bool named_ap1 = false, named_gata = false;
  for (std::size_t k = 0; k < s.result.patterns.size(); ++k) {
    const Pattern& p = s.result.patterns[k];
    ASSERT_FALSE(s.matches[k].empty());
    if (p.sign > 0 && has(p.consensus, kPositive)) named_ap1 = s.matches[k][0].target_name == "AP1";
    if (p.sign < 0 && has(p.consensus, kNegative)) named_gata = s.matches[k][0].target_name == "GATA1";
  }
  EXPECT_TRUE(named_ap1);
  EXPECT_TRUE(named_gata);
  EXPECT_GT(s.peak_rss_mb, 0);
  for (const char* f : {"patterns.meme", "patterns.tsv", "seqlets.tsv", "discover.json", "report.html"})
    EXPECT_TRUE(std::filesystem::exists(q.out / f)) << f;
  const std::vector<Motif> back = io::read_motif_file(q.out / "patterns.meme");
  ASSERT_EQ(back.size(), s.result.patterns.size());
  EXPECT_EQ(back[0].id, s.result.patterns[0].name);
  EXPECT_EQ(back[0].nsites, static_cast<long>(s.result.patterns[0].members.size()));
  const std::vector<std::string> table = test::read_lines(q.out / "patterns.tsv");
  EXPECT_EQ(table[0], "pattern\tsign\tseqlets\tconsensus\tbest_match\tbest_match_name\tmatch_similarity\tmatch_pvalue");
  EXPECT_EQ(table.size(), s.result.patterns.size() + 1);
  const std::string name = s.result.patterns[0].name;
  for (const std::string& f : {"logos/" + name + ".pwm.svg", "logos/" + name + ".cwm.svg", "logos/" + name + ".hcwm.svg",
                              "patterns/" + name + ".tsv"})
    EXPECT_TRUE(std::filesystem::exists(q.out / f)) << f;
  EXPECT_NE(test::read_file(q.out / "report.html").find(name), std::string::npos);
}

TEST(Discover, OptionsOutOfRangeAreUsageErrors) {
  DiscoverOptions o;
  o.min_passing = 0.5;
  o.max_passing = 0.1;
  EXPECT_THROW_MSG(o.validate(), UsageError, "--min-passing");
  o = {};
  o.target_fdr = 0;
  EXPECT_THROW_MSG(o.validate(), UsageError, "--fdr");
}

}  // namespace
}  // namespace dnacnn

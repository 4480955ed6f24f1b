// The design objective's parser and the constraints (torch-free): what `dnacnn design` promises
// about every output sequence rests on these checks.
#include "dnacnn/design/objective.hpp"

#include <gtest/gtest.h>

#include "dnacnn/core/error.hpp"
#include "dnacnn/data/encode.hpp"
#include "dnacnn/data/sequence.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

std::vector<std::uint8_t> codes(std::string_view s) {
  std::vector<std::uint8_t> out;
  append_codes(s, out);
  return out;
}

TEST(DesignObjective, WeightedSumsOfTargetNames) {
  const std::vector<std::string> targets{"t1", "t2", "enhancer", "promoter"};
  Objective o = parse_objective("t1 - 0.5*t2", targets);
  EXPECT_EQ(o.weights, (std::vector<double>{1, -0.5, 0, 0}));
  o = parse_objective("2*enhancer+promoter", targets);
  EXPECT_EQ(o.weights, (std::vector<double>{0, 0, 2, 1}));
  o = parse_objective(" -t1 + t2*3 + 1.5 ", targets);
  EXPECT_EQ(o.weights, (std::vector<double>{-1, 3, 0, 0}));
  EXPECT_DOUBLE_EQ(o.offset, 1.5);
  o = parse_objective("t1 + t1", targets);
  EXPECT_EQ(o.weights[0], 2);
  EXPECT_TRUE(parse_objective("enhancer", targets).single_target());
  EXPECT_FALSE(parse_objective("2*enhancer", targets).single_target());
}

TEST(DesignObjective, LongestTargetNameWins) {
  const std::vector<std::string> targets{"a", "b", "a-b", "cell.type"};
  EXPECT_EQ(parse_objective("a-b", targets).weights, (std::vector<double>{0, 0, 1, 0}));
  EXPECT_EQ(parse_objective("a - b", targets).weights, (std::vector<double>{1, -1, 0, 0}));
  EXPECT_EQ(parse_objective("0.5 cell.type", targets).weights, (std::vector<double>{0, 0, 0, 0.5}));
}

TEST(DesignObjective, UnknownNamesAndBadSyntaxAreUsageErrors) {
  const std::vector<std::string> targets{"t1", "t2"};
  EXPECT_THROW_MSG(parse_objective("t1 - t3", targets), UsageError, "unknown target 't3' (the model's targets: t1, t2)");
  EXPECT_THROW_MSG(parse_objective("", targets), UsageError, "empty");
  EXPECT_THROW_MSG(parse_objective("t1 *", targets), UsageError, "--objective");
  EXPECT_THROW_MSG(parse_objective("t1 t2", targets), UsageError, "unexpected");
  EXPECT_THROW_MSG(parse_objective("t1 - t1", targets), UsageError, "no target");
  EXPECT_THROW_MSG(parse_objective("2 * 3", targets), UsageError, "expected a target name");
}

TEST(DesignObjective, GoalScoresAndFitness) {
  const Goal max{DesignGoal::maximize}, min{DesignGoal::minimize}, at{DesignGoal::target, 2.0};
  EXPECT_EQ(max.fitness(3), 3);
  EXPECT_EQ(min.fitness(3), -3);
  EXPECT_EQ(at.fitness(3), -1);
  const Goal probability{DesignGoal::target, 0.5, true};
  EXPECT_DOUBLE_EQ(probability.score(0), 0.5);
  EXPECT_DOUBLE_EQ(max.score(-4), -4);
}

TEST(DesignConstraints, GcRangeParsingAndFeasibility) {
  EXPECT_EQ(parse_gc_range("0.35,0.65"), (std::pair<double, double>{0.35, 0.65}));
  EXPECT_THROW_MSG(parse_gc_range("0.6,0.4"), UsageError, "LO <= HI");
  EXPECT_THROW_MSG(parse_gc_range("0.4"), UsageError, "LO,HI");
  EXPECT_THROW_MSG(parse_gc_range("0.4,x"), UsageError, "LO,HI");
  EXPECT_EQ(gc_range_impossible({0.35, 0.65}, 8), "");
  EXPECT_EQ(gc_range_impossible({0.35, 0.35}, 20), "");  // 7 of 20, despite 0.35 * 20 = 6.999...
  EXPECT_EQ(gc_range_impossible({0.0, 0.0}, 8), "");
  EXPECT_EQ(gc_range_impossible({1.0, 1.0}, 8), "");
  const std::string why = gc_range_impossible({0.4, 0.45}, 8);
  EXPECT_NE(why.find("no sequence of 8 bases"), std::string::npos) << why;
  EXPECT_NE(why.find("0.375 and 0.5"), std::string::npos) << why;
  EXPECT_NE(gc_range_impossible({0.41, 0.44}, 10), "");
}

TEST(DesignConstraints, KeepRegionsAreOneBasedInclusive) {
  EXPECT_EQ(parse_keep("1:20", 200), (std::pair<std::int64_t, std::int64_t>{0, 20}));
  EXPECT_EQ(parse_keep("5:5", 8), (std::pair<std::int64_t, std::int64_t>{4, 5}));
  EXPECT_THROW_MSG(parse_keep("0:3", 8), UsageError, "START:END");
  EXPECT_THROW_MSG(parse_keep("4:3", 8), UsageError, "START:END");
  EXPECT_THROW_MSG(parse_keep("3-4", 8), UsageError, "START:END");
  EXPECT_THROW_MSG(parse_keep("3:9", 8), UsageError, "8 bases");
  DesignConstraints c;
  c.keep = {parse_keep("2:3", 6)};
  EXPECT_EQ(c.frozen_mask(6), (std::vector<bool>{false, true, true, false, false, false}));
}

TEST(DesignConstraints, ForbiddenMotifsOnEitherStrand) {
  DesignConstraints c;
  set_forbidden(c, {"gcgc", "TTTT"});
  EXPECT_EQ(c.forbid, (std::vector<std::string>{"GCGC", "TTTT"}));
  EXPECT_EQ(c.forbid_both, (std::vector<std::string>{"GCGC", "TTTT", "AAAA"}));  // GCGC is its own reverse complement
  EXPECT_EQ(constraint_violation(c, codes("ACGTACGT")), "");
  EXPECT_EQ(constraint_violation(c, codes("CAAAAC")), "contains forbidden AAAA at 2");
  EXPECT_TRUE(forbidden_near(c, codes("CAAAAC"), 1));
  EXPECT_TRUE(forbidden_near(c, codes("CAAAAC"), 4));
  EXPECT_FALSE(forbidden_near(c, codes("CAAAAC"), 0));
  EXPECT_FALSE(forbidden_near(c, codes("CAAAAC"), 5));
  EXPECT_THROW_MSG(set_forbidden(c, {"GCNN"}), UsageError, "--forbid");
  EXPECT_THROW_MSG(set_forbidden(c, {""}), UsageError, "--forbid");
}

TEST(DesignConstraints, ViolationsNameTheConstraint) {
  DesignConstraints c;
  c.gc_range = {0.25, 0.5};
  c.max_edits = 1;
  EXPECT_EQ(constraint_violation(c, codes("GGGA")), "GC 0.75 outside --gc-range 0.25,0.5");
  EXPECT_EQ(constraint_violation(c, codes("GAAA"), codes("GAAA")), "");
  EXPECT_EQ(constraint_violation(c, codes("GATT"), codes("GAAA")), "2 edits, more than --max-edits 1");
}

TEST(DesignConstraints, RandomStartsMeetTheConstraintsAndAreSeeded) {
  DesignConstraints c;
  c.gc_range = {0.6, 0.7};
  set_forbidden(c, {"GCGC", "TTTT", "GGG"});
  const auto starts = random_starts(40, 100, 0.3, c, 7);  // --gc far outside the range: repaired
  ASSERT_EQ(starts.size(), 40u);
  for (const auto& s : starts) {
    EXPECT_EQ(s.size(), 100u);
    EXPECT_EQ(constraint_violation(c, s), "") << codes_to_string(s);
  }
  EXPECT_EQ(random_starts(40, 100, 0.3, c, 7), starts);
  EXPECT_NE(random_starts(40, 100, 0.3, c, 8), starts);
  // Without constraints, the composition follows --gc.
  const auto free = random_starts(10, 1000, 0.8, DesignConstraints{}, 1);
  int gc = 0;
  for (const auto& s : free) gc += gc_count(s);
  EXPECT_NEAR(gc / 10000.0, 0.8, 0.03);
}

TEST(DesignConstraints, UnmeetableConstraintsStopTheRandomDraws) {
  DesignConstraints c;
  c.gc_range = {0.0, 0.5};
  set_forbidden(c, {"A", "C"});  // with their complements: every base is forbidden
  EXPECT_THROW_MSG(random_starts(1, 20, 0.5, c, 1), UsageError, "met the constraints");
}

}  // namespace
}  // namespace dnacnn

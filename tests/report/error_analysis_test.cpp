// Error analysis (exercise Q3): residual groups by the rule's motifs and the worst predictions,
// from a predictions.tsv whose residuals are known.
#include "report/error_analysis.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "fake_run.hpp"

namespace dnacnn::report {
namespace {

using test::ScratchDir;

void write_predictions(const std::filesystem::path& path) {
  std::ofstream out(path);
  out << "seq\tsplit\tactual\tpredicted\n"
      // none: residuals -1, 0, 1, 4 (train rows and NA predictions are left out)
      << "AAAAAAAA\ttest\t20\t19\n"
      << "CCCCCCCC\ttest\t17\t17\n"
      << "GGGGGGGG\ttest\t14\t15\n"
      << "ACACACAC\ttest\t10\t14\n"
      << "AAAAAAAA\ttrain\t20\t50\n"
      << "CCCCCCCC\ttest\t17\tNA\n"
      // TAT: residuals -6, -2
      << "TATAAAAA\ttest\t27.75\t21.75\n"
      << "CCTATCCC\ttest\t25.875\t23.875\n"
      // GCG: residual +3
      << "AAGCGAAA\ttest\t8.125\t11.125\n"
      // both: residual 0.5
      << "ATATGCGA\ttest\t15.875\t16.375\n";
}

TEST(ReportErrorAnalysis, GroupsResidualsByTheRulesMotifs) {
  ScratchDir dir("errors-groups");
  write_predictions(dir.path() / "predictions.tsv");
  const auto e = analyse_errors(dir.path() / "predictions.tsv", ScoringRule::notebook(), 3);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->n, 8u);
  ASSERT_EQ(e->groups.size(), 4u);
  // Largest group first; groups of equal size keep name order.
  EXPECT_EQ(e->groups[0].name, "none");
  EXPECT_EQ(e->groups[0].n, 4u);
  EXPECT_DOUBLE_EQ(e->groups[0].mean, 1.0);
  EXPECT_DOUBLE_EQ(e->groups[0].rmse, std::sqrt((1 + 0 + 1 + 16) / 4.0));
  EXPECT_DOUBLE_EQ(e->groups[0].min, -1);
  EXPECT_DOUBLE_EQ(e->groups[0].q25, -0.25);  // numpy: -1 + 0.75 * (0 - -1)
  EXPECT_DOUBLE_EQ(e->groups[0].median, 0.5);
  EXPECT_DOUBLE_EQ(e->groups[0].q75, 1.75);
  EXPECT_DOUBLE_EQ(e->groups[0].max, 4);
  EXPECT_EQ(e->groups[1].name, "TAT");
  EXPECT_DOUBLE_EQ(e->groups[1].mean, -4);
  EXPECT_EQ(e->groups[2].name, "GCG");
  EXPECT_DOUBLE_EQ(e->groups[2].mean, 3);
  EXPECT_EQ(e->groups[3].name, "TAT + GCG");
  EXPECT_DOUBLE_EQ(e->groups[3].median, 0.5);

  // The three largest |residual|: -6 (TAT), 4 (none), 3 (GCG).
  ASSERT_EQ(e->worst.size(), 3u);
  EXPECT_EQ(e->worst[0].seq, "TATAAAAA");
  EXPECT_EQ(e->worst[1].seq, "ACACACAC");
  EXPECT_EQ(e->worst[2].seq, "AAGCGAAA");
  EXPECT_EQ(e->worst_groups, (std::vector<std::string>{"TAT", "none", "GCG"}));
}

TEST(ReportErrorAnalysis, WithoutARuleThereAreNoGroups) {
  ScratchDir dir("errors-norule");
  write_predictions(dir.path() / "predictions.tsv");
  const auto e = analyse_errors(dir.path() / "predictions.tsv", std::nullopt, 12);
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->groups.empty());
  EXPECT_EQ(e->worst.size(), 8u);  // fewer rows than asked for: all of them, worst first
  EXPECT_EQ(e->worst.front().seq, "TATAAAAA");
  EXPECT_EQ(e->worst.back().seq, "CCCCCCCC");  // residual 0
}

TEST(ReportErrorAnalysis, NoPredictedTestRowMeansNothingToAnalyse) {
  ScratchDir dir("errors-none");
  std::ofstream(dir.path() / "predictions.tsv") << "seq\tsplit\tactual\tpredicted\nAAAA\ttest\t1\tNA\nCCCC\ttrain\t2\t2\n";
  EXPECT_FALSE(analyse_errors(dir.path() / "predictions.tsv", ScoringRule::notebook()).has_value());
}

}  // namespace
}  // namespace dnacnn::report

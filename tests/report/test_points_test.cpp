#include "report/test_points.hpp"

#include <gtest/gtest.h>

#include "dnacnn/core/error.hpp"
#include "fake_run.hpp"

namespace dnacnn::report {
namespace {

using test::FakeRun;
using test::ScratchDir;

TEST(ReportTestPoints, SmallTestSplitIsKeptWholeInFileOrder) {
  ScratchDir dir("points-small");
  test::write_fake_run(dir.path(), FakeRun{.rows = 100, .ids = true});
  const TestPoints t = read_test_points(dir.path() / "predictions.tsv");
  EXPECT_EQ(t.total, 20u);
  ASSERT_EQ(t.points.size(), 20u);
  EXPECT_FALSE(t.sampled());
  EXPECT_TRUE(t.has_ids);
  EXPECT_EQ(t.points[0].id, "<img src=x onerror=alert(1)> 0");
  EXPECT_EQ(t.points[1].id, "<img src=x onerror=alert(1)> 5");
  EXPECT_FLOAT_EQ(t.points[1].actual, 5);
  EXPECT_FLOAT_EQ(t.points[1].predicted, 5 * 0.9f + 0.5f);
}

TEST(ReportTestPoints, LargeTestSplitIsSampledTheSameWayEveryTime) {
  ScratchDir dir("points-large");
  test::write_fake_run(dir.path(), FakeRun{.rows = 5000});
  const SampleLimits limits{.sample_from = 300, .sample_size = 100};
  const TestPoints a = read_test_points(dir.path() / "predictions.tsv", limits);
  const TestPoints b = read_test_points(dir.path() / "predictions.tsv", limits);
  EXPECT_EQ(a.total, 1000u);
  ASSERT_EQ(a.points.size(), 100u);
  EXPECT_TRUE(a.sampled());
  for (std::size_t i = 0; i < a.points.size(); ++i) EXPECT_EQ(a.points[i].actual, b.points[i].actual);
  // Not simply the first rows: the sample spreads over the file.
  bool late = false;
  for (const auto& p : a.points) late |= p.actual != a.points[0].actual;
  EXPECT_TRUE(late);
}

TEST(ReportTestPoints, BelowTheThresholdNothingIsSampled) {
  ScratchDir dir("points-threshold");
  test::write_fake_run(dir.path(), FakeRun{.rows = 1495});
  const TestPoints t = read_test_points(dir.path() / "predictions.tsv", {.sample_from = 300, .sample_size = 100});
  EXPECT_EQ(t.points.size(), 299u);
  EXPECT_FALSE(t.sampled());
}

TEST(ReportTestPoints, LongSequencesAreShortenedAndNaPredictionsCounted) {
  ScratchDir dir("points-na");
  test::spit(dir.path() / "p.tsv",
             "seq\tsplit\tactual\tpredicted\n" + std::string(100, 'A') + "\ttest\t1\t2\nACGT\ttest\t1\tNA\nACGT\ttrain\t1\t1\n");
  const TestPoints t = read_test_points(dir.path() / "p.tsv", {.max_seq_chars = 10});
  ASSERT_EQ(t.points.size(), 1u);
  EXPECT_EQ(t.points[0].seq, "AAAAAAAAAA\u2026");
  EXPECT_EQ(t.unpredicted, 1u);
  EXPECT_FALSE(t.has_ids);
}

TEST(ReportTestPoints, MissingColumnIsAnErrorNamingTheFile) {
  ScratchDir dir("points-bad");
  test::spit(dir.path() / "p.tsv", "seq\tactual\nACGT\t1\n");
  EXPECT_THROW(
      {
        try {
          read_test_points(dir.path() / "p.tsv");
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("p.tsv"), std::string::npos) << e.what();
          EXPECT_NE(std::string(e.what()).find("split"), std::string::npos) << e.what();
          throw;
        }
      },
      Error);
}

}  // namespace
}  // namespace dnacnn::report

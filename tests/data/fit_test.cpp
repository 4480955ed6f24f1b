// Cutting sequences into a model's windows and aggregating the windows' values (--fit windows).
#include "dnacnn/data/fit.hpp"

#include <gtest/gtest.h>

#include "dnacnn/core/error.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

TEST(Fit, WindowStartsCoverEveryBaseEndingAtTheEnd) {
  EXPECT_EQ(window_starts(10, 10, 3), (std::vector<std::int64_t>{0}));
  EXPECT_EQ(window_starts(4, 10, 3), (std::vector<std::int64_t>{0}));  // shorter: one (padded) window
  EXPECT_EQ(window_starts(16, 10, 3), (std::vector<std::int64_t>{0, 3, 6}));
  EXPECT_EQ(window_starts(17, 10, 3), (std::vector<std::int64_t>{0, 3, 6, 7}));  // + one ending at 17
  EXPECT_EQ(window_starts(12, 10, 50), (std::vector<std::int64_t>{0, 2}));
  EXPECT_THROW_MSG(window_starts(12, 10, 0), UsageError, "--step must be at least 1");
}

TEST(Fit, CutWindowsKeepsRowsIdsAndPadsShortSequences) {
  SequenceData d = sequences_from_strings({"ACGTACGTAC", "TTG"}, "t");
  d.ids = {"a", "b"};
  const Windows w = cut_windows(d, 4, FitOptions{Fit::windows, Pad::both, 3, Aggregate::max});
  EXPECT_EQ(w.data.seqs, (std::vector<std::string>{"ACGT", "TACG", "GTAC", "TTGN"}));
  EXPECT_EQ(w.row, (std::vector<std::int64_t>{0, 0, 0, 1}));
  EXPECT_EQ(w.start, (std::vector<std::int64_t>{0, 3, 6, 0}));
  EXPECT_EQ(w.data.ids, (std::vector<std::string>{"a", "a", "a", "b"}));
  const Windows left = cut_windows(sequences_from_strings({"TTG"}, "t"), 6, FitOptions{Fit::windows, Pad::left});
  EXPECT_EQ(left.data.seqs.front(), "NNNTTG");
  EXPECT_EQ(left.start.front(), -3);
  // Default step: a quarter of the model's length.
  EXPECT_EQ(cut_windows(sequences_from_strings({std::string(16, 'A')}, "t"), 8, {Fit::windows}).start,
            (std::vector<std::int64_t>{0, 2, 4, 6, 8}));
}

TEST(Fit, AggregatesPerRowAndTarget) {
  // 3 windows of row 0, 1 of row 1; two targets.
  const std::vector<float> values{1, 10, 5, 20, 3, 30, 7, 70};
  const std::vector<std::int64_t> row{0, 0, 0, 1};
  EXPECT_EQ(aggregate_windows(values, row, 2, 2, Aggregate::max), (std::vector<float>{5, 30, 7, 70}));
  EXPECT_EQ(aggregate_windows(values, row, 2, 2, Aggregate::mean), (std::vector<float>{3, 20, 7, 70}));
  EXPECT_EQ(parse_fit("windows"), Fit::windows);
  EXPECT_THROW_MSG(parse_fit("slide"), UsageError, "--fit");
  EXPECT_EQ(aggregate_name(parse_aggregate("mean")), "mean");
}

}  // namespace
}  // namespace dnacnn

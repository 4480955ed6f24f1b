// Train/validation/test splits: the notebook's sizes, disjointness, seeds, bad fractions.
#include "dnacnn/data/split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "dnacnn/core/error.hpp"

namespace dnacnn {
namespace {

// Every row in exactly one split.
void expect_partition(const SplitIndices& s, std::int64_t n) {
  std::vector<int> seen(static_cast<std::size_t>(n), 0);
  for (const auto* part : {&s.train, &s.val, &s.test})
    for (auto i : *part) {
      ASSERT_GE(i, 0);
      ASSERT_LT(i, n);
      ++seen[static_cast<std::size_t>(i)];
    }
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
}

TEST(Split, NotebookSizes) {
  const SplitIndices s = random_split(65536, 0.16, 0.2, 42);
  EXPECT_EQ(s.train.size(), 41942u);
  EXPECT_EQ(s.val.size(), 10486u);
  EXPECT_EQ(s.test.size(), 13108u);
  expect_partition(s, 65536);
}

TEST(Split, SizesAreCeilOfFractions) {
  for (std::int64_t n : {10, 37, 100, 1000, 4096, 12345}) {
    const SplitIndices s = random_split(n, 0.16, 0.2, 1);
    EXPECT_EQ(static_cast<std::int64_t>(s.test.size()), static_cast<std::int64_t>(std::ceil(0.2 * n - 1e-9))) << n;
    EXPECT_EQ(static_cast<std::int64_t>(s.val.size()), static_cast<std::int64_t>(std::ceil(0.16 * n - 1e-9))) << n;
    expect_partition(s, n);
  }
  // Exact products stay exact: 0.2 * 100 = 20, not 21.
  const SplitIndices s = random_split(100, 0.1, 0.2, 1);
  EXPECT_EQ(s.test.size(), 20u);
  EXPECT_EQ(s.val.size(), 10u);
  EXPECT_EQ(s.train.size(), 70u);
}

TEST(Split, SameSeedSameSplit) {
  const SplitIndices a = random_split(5000, 0.16, 0.2, 42);
  const SplitIndices b = random_split(5000, 0.16, 0.2, 42);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.val, b.val);
  EXPECT_EQ(a.test, b.test);
}

TEST(Split, OtherSeedOtherSplit) {
  const SplitIndices a = random_split(5000, 0.16, 0.2, 42);
  const SplitIndices b = random_split(5000, 0.16, 0.2, 43);
  EXPECT_NE(a.test, b.test);
  auto sa = a.test, sb = b.test;
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  EXPECT_NE(sa, sb);  // a different set, not just a different order
}

TEST(Split, IsShuffledNotContiguous) {
  const SplitIndices s = random_split(1000, 0.1, 0.2, 7);
  auto test = s.test;
  std::sort(test.begin(), test.end());
  EXPECT_GT(test.back() - test.front(), 500);  // spread over the rows, not the first 200
}

TEST(Split, ZeroFractions) {
  const SplitIndices s = random_split(50, 0.0, 0.0, 1);
  EXPECT_EQ(s.train.size(), 50u);
  EXPECT_TRUE(s.val.empty());
  EXPECT_TRUE(s.test.empty());
}

TEST(Split, BadFractionsAreUsageErrors) {
  EXPECT_THROW(random_split(100, -0.1, 0.2, 1), UsageError);
  EXPECT_THROW(random_split(100, 0.1, -0.2, 1), UsageError);
  EXPECT_THROW(random_split(100, 1.0, 0.0, 1), UsageError);
  EXPECT_THROW(random_split(100, 0.0, 1.0, 1), UsageError);
  EXPECT_THROW(random_split(100, 0.5, 0.5, 1), UsageError);
  EXPECT_THROW(random_split(100, 0.6, 0.6, 1), UsageError);
  EXPECT_THROW(random_split(100, std::nan(""), 0.2, 1), UsageError);
  EXPECT_THROW(random_split(100, 0.1, std::nan(""), 1), UsageError);
}

TEST(Split, NoTrainingRowsIsUsageError) {
  EXPECT_THROW(random_split(1, 0.16, 0.2, 1), UsageError);  // ceil puts the only row in test
  EXPECT_THROW(random_split(2, 0.16, 0.2, 1), UsageError);
  EXPECT_NO_THROW(random_split(3, 0.16, 0.2, 1));
}

TEST(Split, SplitOfRows) {
  const SplitIndices s = random_split(300, 0.16, 0.2, 9);
  const std::vector<Split> rows = split_of_rows(s, 300);
  ASSERT_EQ(rows.size(), 300u);
  for (auto i : s.train) EXPECT_EQ(rows[static_cast<std::size_t>(i)], Split::train);
  for (auto i : s.val) EXPECT_EQ(rows[static_cast<std::size_t>(i)], Split::val);
  for (auto i : s.test) EXPECT_EQ(rows[static_cast<std::size_t>(i)], Split::test);
  EXPECT_EQ(split_name(Split::train), "train");
  EXPECT_EQ(split_name(Split::val), "val");
  EXPECT_EQ(split_name(Split::test), "test");
}

}  // namespace
}  // namespace dnacnn

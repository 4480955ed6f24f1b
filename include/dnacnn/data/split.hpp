// Train / validation / test split of a data set's rows.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

namespace dnacnn {

enum class Split { train, val, test };
std::string_view split_name(Split s);

struct SplitIndices {
  std::vector<std::int64_t> train, val, test;
};

// Shuffles rows with `seed`, then takes ceil(test_frac*n) for test, ceil(val_frac*n) for
// validation and the rest for training: the sizes sklearn's train_test_split gives the notebook
// (65,536 -> 41,942 / 10,486 / 13,108 with val_frac 0.16, test_frac 0.2).
// Throws UsageError when the fractions are out of range or leave no training rows.
SplitIndices random_split(std::int64_t n, double val_frac, double test_frac, std::uint64_t seed);

// The rows of each split, from a split given per row (--split-col).
SplitIndices split_from_rows(const std::vector<Split>& split_of_row);

// Which split each row is in (size n).
std::vector<Split> split_of_rows(const SplitIndices& split, std::int64_t n);

}  // namespace dnacnn

#include "dnacnn/data/split.hpp"

#include <cmath>
#include <string>

#include "dnacnn/core/error.hpp"
#include "dnacnn/core/random.hpp"

namespace dnacnn {

std::string_view split_name(Split s) {
  switch (s) {
    case Split::train: return "train";
    case Split::val: return "val";
    case Split::test: return "test";
  }
  return "?";
}

SplitIndices random_split(std::int64_t n, double val_frac, double test_frac, std::uint64_t seed) {
  if (!(val_frac >= 0 && val_frac < 1) || !(test_frac >= 0 && test_frac < 1) || val_frac + test_frac >= 1)
    throw UsageError("--val-frac and --test-frac must be in [0, 1) and sum to less than 1");
  // A small epsilon keeps ceil() from rounding 0.16*n = 10485.760000000002 style products up wrongly.
  const auto count = [n](double frac) {
    return static_cast<std::int64_t>(std::ceil(frac * static_cast<double>(n) - 1e-9));
  };
  const std::int64_t n_test = count(test_frac);
  const std::int64_t n_val = count(val_frac);
  const std::int64_t n_train = n - n_test - n_val;
  if (n_train < 1)
    throw UsageError("the split leaves no training rows (" + std::to_string(n) + " rows in all)");

  Rng rng(seed);
  const std::vector<std::int64_t> order = shuffled_indices(n, rng);
  SplitIndices s;
  s.test.assign(order.begin(), order.begin() + n_test);
  s.val.assign(order.begin() + n_test, order.begin() + n_test + n_val);
  s.train.assign(order.begin() + n_test + n_val, order.end());
  return s;
}

SplitIndices split_from_rows(const std::vector<Split>& split_of_row) {
  SplitIndices s;
  for (std::size_t i = 0; i < split_of_row.size(); ++i) {
    auto& rows = split_of_row[i] == Split::train ? s.train : split_of_row[i] == Split::val ? s.val : s.test;
    rows.push_back(static_cast<std::int64_t>(i));
  }
  return s;
}

std::vector<Split> split_of_rows(const SplitIndices& split, std::int64_t n) {
  std::vector<Split> out(static_cast<std::size_t>(n), Split::train);
  for (auto i : split.val) out[static_cast<std::size_t>(i)] = Split::val;
  for (auto i : split.test) out[static_cast<std::size_t>(i)] = Split::test;
  return out;
}

}  // namespace dnacnn

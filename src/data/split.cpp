#include "dnacnn/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <map>
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

FoldBy parse_fold_by(std::string_view name) {
  if (name == "random") return FoldBy::random;
  if (name == "chrom") return FoldBy::chrom;
  throw UsageError("--fold-by must be random or chrom, not '" + std::string(name) + "'");
}

std::string_view fold_by_name(FoldBy by) { return by == FoldBy::chrom ? "chrom" : "random"; }

std::vector<int> random_folds(std::int64_t n, int folds, std::uint64_t seed) {
  Rng rng(seed);
  const std::vector<std::int64_t> order = shuffled_indices(n, rng);
  std::vector<int> fold(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) fold[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = static_cast<int>(i * folds / n);
  return fold;
}

std::string_view chromosome_of_id(std::string_view id) {
  const std::size_t colon = id.rfind(':');
  return colon == std::string_view::npos ? id : id.substr(0, colon);
}

std::vector<int> chromosome_folds(const std::vector<std::string>& chrom_of_row, int folds) {
  std::map<std::string, std::int64_t> rows_of_chrom;
  for (const auto& c : chrom_of_row) ++rows_of_chrom[c];
  if (rows_of_chrom.size() < static_cast<std::size_t>(folds))
    throw UsageError("--folds " + std::to_string(folds) + " --fold-by chrom: the data have only " +
                     std::to_string(rows_of_chrom.size()) + " chromosome(s); give fewer folds or --fold-by random");
  std::vector<std::pair<std::string, std::int64_t>> chroms(rows_of_chrom.begin(), rows_of_chrom.end());
  // Largest first (then by name: the same folds on every machine), each to the emptiest fold.
  std::stable_sort(chroms.begin(), chroms.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::int64_t> fold_rows(static_cast<std::size_t>(folds), 0);
  std::map<std::string, int> fold_of_chrom;
  for (const auto& [chrom, rows] : chroms) {
    const auto emptiest = std::min_element(fold_rows.begin(), fold_rows.end()) - fold_rows.begin();
    fold_of_chrom[chrom] = static_cast<int>(emptiest);
    fold_rows[static_cast<std::size_t>(emptiest)] += rows;
  }
  std::vector<int> fold;
  fold.reserve(chrom_of_row.size());
  for (const auto& c : chrom_of_row) fold.push_back(fold_of_chrom.at(c));
  return fold;
}

SplitIndices fold_split(const std::vector<int>& fold_of_row, int folds, int index) {
  SplitIndices s;
  const int val_fold = (index + 1) % folds;
  for (std::size_t i = 0; i < fold_of_row.size(); ++i) {
    auto& rows = fold_of_row[i] == index ? s.test : fold_of_row[i] == val_fold ? s.val : s.train;
    rows.push_back(static_cast<std::int64_t>(i));
  }
  return s;
}

}  // namespace dnacnn

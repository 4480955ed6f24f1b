// Train / validation / test split of a data set's rows.
#pragma once
#include <cstdint>
#include <string>
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

// K-fold cross-validation (train --folds K). Every row is in one of K folds; the model of fold i
// is tested on fold i, validated (early stopping, schedules) on fold i+1 mod K and trained on the
// rest, as Basenji/Borzoi's cross-validation rotates them. random: rows shuffled with the split
// seed; chrom: whole chromosomes per fold (the id's "chr" of "chr:start-end"), balanced by rows.
enum class FoldBy { random, chrom };
FoldBy parse_fold_by(std::string_view name);  // UsageError for other names
std::string_view fold_by_name(FoldBy by);

struct FoldOptions {
  int count = 0;  // K; 0: no folds
  int index = 0;  // this model's fold, 0 to K-1
  FoldBy by = FoldBy::random;
};

// Fold of each of n rows: a seeded shuffle cut into K parts whose sizes differ by at most one.
std::vector<int> random_folds(std::int64_t n, int folds, std::uint64_t seed);
// Fold of each row from its chromosome: chromosomes, largest (most rows) first, each to the fold
// with the fewest rows so far. UsageError when there are fewer chromosomes than folds.
std::vector<int> chromosome_folds(const std::vector<std::string>& chrom_of_row, int folds);
// "chr1" of "chr1:100-300"; the whole id when it has no ':'.
std::string_view chromosome_of_id(std::string_view id);
// Fold `index`'s split: test fold index, validation fold index+1 mod K, training the others.
SplitIndices fold_split(const std::vector<int>& fold_of_row, int folds, int index);

}  // namespace dnacnn

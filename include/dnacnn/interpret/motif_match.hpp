// Which known motif does a filter look like? A Tomtom-like comparison: Pearson correlation of
// aligned columns, summed over every offset with enough overlap and both strands, with an
// empirical p-value from the same query with its columns shuffled.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dnacnn/interpret/motifs.hpp"

namespace dnacnn {

// Pearson correlation of two columns; 0 when either is flat.
double column_pearson(const Column& a, const Column& b);

struct Alignment {
  double score = 0;       // sum of column correlations over the overlap
  int offset = 0;         // query column i faces target column i + offset
  bool reverse = false;   // target reverse-complemented
  int overlap = 0;
  double similarity() const { return overlap ? score / overlap : 0; }  // mean column correlation
};

// Best alignment of `query` against `target` over offsets with at least min(min_overlap, widths)
// overlapping columns, on both strands of the target.
Alignment best_alignment(const Motif& query, const Motif& target, int min_overlap = 5);

struct MotifMatch {
  std::string target_id, target_name;
  Alignment alignment;
  double p_value = 1;  // (1 + null scores >= observed) / (1 + permutations)
  double e_value = 1;  // p_value x database size
};

struct MatchOptions {
  int permutations = 200;
  int min_overlap = 5;
  std::uint64_t seed = 1;
  int top = 3;  // matches kept per query
};

// The best `top` database motifs for `query`, by p-value then score.
std::vector<MotifMatch> match_motif(const Motif& query, const std::vector<Motif>& database, const MatchOptions& options);

}  // namespace dnacnn

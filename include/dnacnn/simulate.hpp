// Simulated data sets: every k-mer scored by a rule (the notebook's data), optionally with noise.
#pragma once
#include <cstdint>
#include <filesystem>

#include "dnacnn/dataset.hpp"
#include "dnacnn/sequence.hpp"

namespace dnacnn {

struct SimulateOptions {
  int k = 8;
  std::uint64_t seed = 17;  // only used for noise
  double noise = 0;         // standard deviation of Gaussian noise added to each score
  ScoringRule rule = ScoringRule::notebook();

  void validate() const;  // UsageError for k outside 1..12 or negative noise
};

// All 4^k k-mers with their scores, in lexicographic order.
SequenceData simulate_kmers(const SimulateOptions& options);

// The same rows streamed to a TSV (header "seq<TAB>score"), so k = 12 (16.7M rows) needs no memory.
void write_simulated_kmers(const std::filesystem::path& path, const SimulateOptions& options);

// Writes seq<TAB>target (with the id column first when there are ids).
void write_sequence_table(const std::filesystem::path& path, const SequenceData& data);

}  // namespace dnacnn

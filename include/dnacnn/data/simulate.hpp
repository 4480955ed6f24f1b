// Simulated data sets: every k-mer scored by a rule (the notebook's data), or random sequences of
// any length scored by the same rule, optionally with noise.
#pragma once
#include <cstdint>
#include <filesystem>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/data/sequence.hpp"

namespace dnacnn {

struct SimulateOptions {
  int k = 8;
  std::uint64_t seed = 17;  // for random sequences and noise
  double noise = 0;         // standard deviation of Gaussian noise added to each score
  std::int64_t random = 0;  // > 0: this many uniformly random sequences instead of all k-mers
  std::int64_t length = 200;  // their length
  ScoringRule rule = ScoringRule::notebook();

  void validate() const;  // UsageError for k outside 1..12, negative noise, length < 1
};

// All 4^k k-mers with their scores, in lexicographic order (or the random sequences).
SequenceData simulate_kmers(const SimulateOptions& options);

// The same rows streamed to a TSV (header "seq<TAB>score"), so k = 12 (16.7M rows) needs no memory.
// Unless the path is "-" or a device, the rule goes next to it (rule_sidecar_path).
void write_simulated_kmers(const std::filesystem::path& path, const SimulateOptions& options);

// Writes seq<TAB>target (with the id column first when there are ids).
void write_sequence_table(const std::filesystem::path& path, const SequenceData& data);

}  // namespace dnacnn

// Sequences and the notebook's scoring rule that turns them into targets.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dnacnn/data/scoring_rule.hpp"  // ScoringRule: how simulated sequences are scored

namespace dnacnn {

inline constexpr std::string_view kAlphabet = "ACGT";

// Every k-mer over ACGT in lexicographic order (AA..A first, TT..T last): 4^k strings.
std::vector<std::string> all_kmers(int k);

// The k-mer with the given lexicographic index (0 <= index < 4^k).
std::string kmer_at(std::uint64_t index, int k);

std::string reverse_complement(std::string_view seq);

}  // namespace dnacnn

// Sequences and the notebook's scoring rule that turns them into targets.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dnacnn {

inline constexpr std::string_view kAlphabet = "ACGT";

// Every k-mer over ACGT in lexicographic order (AA..A first, TT..T last): 4^k strings.
std::vector<std::string> all_kmers(int k);

// The k-mer with the given lexicographic index (0 <= index < 4^k).
std::string kmer_at(std::uint64_t index, int k);

// A sequence's score: the mean of per-base scores plus the effect of each motif it contains.
struct ScoringRule {
  struct Motif {
    std::string pattern;
    double effect = 0;
  };
  std::array<double, 4> base_scores{20, 17, 14, 11};  // A, C, G, T
  std::vector<Motif> motifs{{"TAT", 10}, {"GCG", -10}};

  // The notebook's rule: A=20 C=17 G=14 T=11, +10 with TAT, -10 with GCG.
  static ScoringRule notebook() { return {}; }

  // Bases other than ACGT (N) count as the mean base score. Each motif counts once.
  double score(std::string_view seq) const;
};

std::string reverse_complement(std::string_view seq);

}  // namespace dnacnn

// Synthetic attributions as `dnacnn attribute` writes them (attributions.tsv), with two motifs
// planted at known places: one whose bases contribute +1 each, one whose bases contribute -1.
#pragma once
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dnacnn/core/random.hpp"

namespace dnacnn::test {

struct PlantedAttributions {
  int positive = 0, negative = 0;  // sequences holding each motif
  int reverse_positive = 0;        // of which planted as the reverse complement
};

inline std::string reverse_complement_text(const std::string& s) {
  std::string r(s.rbegin(), s.rend());
  for (char& c : r) c = c == 'A' ? 'T' : c == 'C' ? 'G' : c == 'G' ? 'C' : 'A';
  return r;
}

// `n` sequences of `length` random bases; the positive motif goes into every other sequence (a
// third of them reverse-complemented), the negative one into every third, at random places apart
// from each other. Background contributions are small noise; hypothetical contributions of the
// motif's bases are +-1 where the motif has that base (deepshap --hypothetical style), or ISM-like
// (0 at the observed base, the effect of each mutation elsewhere) when `ism`.
inline PlantedAttributions write_planted_attributions(const std::filesystem::path& dir, int n, int length,
                                                      const std::string& pos_motif, const std::string& neg_motif,
                                                      std::uint64_t seed = 5, bool ism = false) {
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / "attributions.tsv");
  out << "id\tpos\tbase\tA\tC\tG\tT\tattribution\n";
  Rng rng(seed);
  PlantedAttributions planted;
  const std::string acgt = "ACGT";
  for (int i = 0; i < n; ++i) {
    std::string seq;
    for (int p = 0; p < length; ++p) seq += acgt[rng.below(4)];
    std::vector<double> weight(static_cast<std::size_t>(length), 0.0);
    const int half = length / 2;
    if (i % 2 == 0) {
      const bool rc = i % 6 == 0;
      const std::string m = rc ? reverse_complement_text(pos_motif) : pos_motif;
      const int at = static_cast<int>(rng.below(static_cast<std::uint64_t>(half - static_cast<int>(m.size()))));
      seq.replace(static_cast<std::size_t>(at), m.size(), m);
      for (std::size_t k = 0; k < m.size(); ++k) weight[static_cast<std::size_t>(at) + k] = 1;
      ++planted.positive;
      planted.reverse_positive += rc;
    }
    if (i % 3 == 0) {
      const int at = half + static_cast<int>(rng.below(static_cast<std::uint64_t>(half - static_cast<int>(neg_motif.size()))));
      seq.replace(static_cast<std::size_t>(at), neg_motif.size(), neg_motif);
      for (std::size_t k = 0; k < neg_motif.size(); ++k) weight[static_cast<std::size_t>(at) + k] = -1;
      ++planted.negative;
    }
    std::string rows;
    for (int p = 0; p < length; ++p) {
      const double w = weight[static_cast<std::size_t>(p)], noise = 0.05 * rng.normal();
      const double actual = w * (0.8 + 0.4 * rng.uniform()) + noise;
      double h[4];
      for (int c = 0; c < 4; ++c) {
        const bool observed = acgt[static_cast<std::size_t>(c)] == seq[static_cast<std::size_t>(p)];
        if (ism) h[c] = observed ? 0 : -actual + 0.02 * rng.normal();  // losing the base loses its contribution
        else h[c] = observed ? actual : 0.05 * rng.normal();
      }
      rows += fmt::format("s{}\t{}\t{}\t{:.5g}\t{:.5g}\t{:.5g}\t{:.5g}\t{:.5g}\n", i, p + 1, seq[static_cast<std::size_t>(p)],
                          h[0], h[1], h[2], h[3], actual);
    }
    out << rows;
  }
  return planted;
}

}  // namespace dnacnn::test

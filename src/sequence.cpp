#include "dnacnn/sequence.hpp"

#include <algorithm>
#include <cctype>

#include "dnacnn/error.hpp"

namespace dnacnn {

std::string kmer_at(std::uint64_t index, int k) {
  std::string s(static_cast<std::size_t>(k), 'A');
  for (int i = k - 1; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = kAlphabet[index & 3u];
    index >>= 2;
  }
  return s;
}

std::vector<std::string> all_kmers(int k) {
  if (k < 1 || k > 12) throw UsageError("k must be between 1 and 12, got " + std::to_string(k));
  const std::uint64_t n = std::uint64_t{1} << (2 * k);
  std::vector<std::string> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) out.push_back(kmer_at(i, k));
  return out;
}

double ScoringRule::score(std::string_view seq) const {
  if (seq.empty()) return 0;
  const double mean_base = (base_scores[0] + base_scores[1] + base_scores[2] + base_scores[3]) / 4;
  double sum = 0;
  for (char c : seq) {
    switch (c) {
      case 'A': case 'a': sum += base_scores[0]; break;
      case 'C': case 'c': sum += base_scores[1]; break;
      case 'G': case 'g': sum += base_scores[2]; break;
      case 'T': case 't': sum += base_scores[3]; break;
      default: sum += mean_base;
    }
  }
  double s = sum / static_cast<double>(seq.size());
  // Motifs match either case, as the base scores above do ("tataaaaa" scores like "TATAAAAA").
  const auto same_base = [](char a, char b) {
    return std::toupper(static_cast<unsigned char>(a)) == std::toupper(static_cast<unsigned char>(b));
  };
  for (const Motif& m : motifs)
    if (!m.pattern.empty() &&
        std::search(seq.begin(), seq.end(), m.pattern.begin(), m.pattern.end(), same_base) != seq.end())
      s += m.effect;
  return s;
}

std::string reverse_complement(std::string_view seq) {
  std::string out(seq.rbegin(), seq.rend());
  for (char& c : out) {
    switch (c) {
      case 'A': c = 'T'; break;
      case 'C': c = 'G'; break;
      case 'G': c = 'C'; break;
      case 'T': c = 'A'; break;
      case 'a': c = 't'; break;
      case 'c': c = 'g'; break;
      case 'g': c = 'c'; break;
      case 't': c = 'a'; break;
      default: break;
    }
  }
  return out;
}

}  // namespace dnacnn

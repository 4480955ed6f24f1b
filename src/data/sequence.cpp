#include "dnacnn/data/sequence.hpp"

#include <algorithm>

#include "dnacnn/core/error.hpp"

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

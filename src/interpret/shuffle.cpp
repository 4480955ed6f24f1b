#include "dnacnn/interpret/shuffle.hpp"

#include <array>

namespace dnacnn {

std::vector<std::uint8_t> dinucleotide_shuffle(const std::vector<std::uint8_t>& codes, Rng& rng) {
  if (codes.size() < 3) return codes;
  constexpr std::size_t kLetters = 5;
  std::array<std::vector<std::uint8_t>, kLetters> next;  // each letter's successors, in order
  for (std::size_t i = 0; i + 1 < codes.size(); ++i) next[codes[i]].push_back(codes[i + 1]);
  for (auto& successors : next) {
    // Fisher-Yates over all but the last successor.
    for (std::size_t k = successors.size() > 1 ? successors.size() - 2 : 0; k > 0; --k)
      std::swap(successors[k], successors[static_cast<std::size_t>(rng.below(k + 1))]);
  }
  std::vector<std::uint8_t> out;
  out.reserve(codes.size());
  std::array<std::size_t, kLetters> used{};
  std::uint8_t letter = codes.front();
  out.push_back(letter);
  while (out.size() < codes.size()) {
    letter = next[letter][used[letter]++];
    out.push_back(letter);
  }
  return out;
}

Rng shuffle_rng(std::uint64_t seed, std::string_view sequence) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a
  for (const char c : sequence) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return Rng(seed * 0x9E3779B97F4A7C15ull ^ hash);
}

}  // namespace dnacnn

#include "dnacnn/data/encode.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dnacnn {
namespace {

// One 16-byte row per byte value; kind: 0 = not a base, 1 = base (ACGT or N).
struct EncodeTable {
  std::array<std::array<float, 4>, 256> rows{};
  std::array<std::uint8_t, 256> kind{};
  constexpr EncodeTable() {
    const char upper[] = "ACGT";
    const char lower[] = "acgt";
    for (int c = 0; c < 4; ++c) {
      rows[static_cast<unsigned char>(upper[c])][c] = 1.0f;
      rows[static_cast<unsigned char>(lower[c])][c] = 1.0f;
      kind[static_cast<unsigned char>(upper[c])] = 1;
      kind[static_cast<unsigned char>(lower[c])] = 1;
    }
    kind['N'] = kind['n'] = 1;
  }
};
constexpr EncodeTable kTable;

}  // namespace

int base_index(char c) noexcept {
  switch (c) {
    case 'A': case 'a': return 0;
    case 'C': case 'c': return 1;
    case 'G': case 'g': return 2;
    case 'T': case 't': return 3;
    default: return 4;
  }
}

bool is_base(char c) noexcept { return kTable.kind[static_cast<unsigned char>(c)] != 0; }

std::size_t find_invalid_base(std::string_view seq) noexcept {
  for (std::size_t i = 0; i < seq.size(); ++i)
    if (!is_base(seq[i])) return i;
  return kAllValid;
}

namespace {

// Blocks of this many bases: their validity is checked 16 characters at a time, then they are
// copied from the table with no per-base test; a block's input stays in L1 between the two passes.
constexpr std::size_t kBlock = 16384;
// Outputs larger than this (in bases; 16 bytes each) do not stay in cache anyway: streaming stores
// skip reading each output line before writing it, which nearly halves the memory traffic.
constexpr std::size_t kStreamFrom = std::size_t{1} << 19;

bool block_valid(const char* s, std::size_t n) noexcept {
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i upper = _mm_set1_epi8(static_cast<char>(0xDF));  // clears the lowercase bit
  __m128i bad = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    const __m128i c = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i)), upper);
    const __m128i ok = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('A')), _mm_cmpeq_epi8(c, _mm_set1_epi8('C'))),
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('G')), _mm_cmpeq_epi8(c, _mm_set1_epi8('T'))),
                     _mm_cmpeq_epi8(c, _mm_set1_epi8('N'))));
    bad = _mm_or_si128(bad, _mm_andnot_si128(ok, _mm_set1_epi8(-1)));
  }
  if (_mm_movemask_epi8(bad) != 0) return false;
#endif
  std::uint8_t all = 1;
  for (; i < n; ++i) all &= kTable.kind[static_cast<unsigned char>(s[i])];
  return all != 0;
}

// The table copy, four bases per step; `stream` writes around the cache (16-byte aligned `out`).
template <bool stream>
void copy_rows(const char* s, std::size_t n, float* out) noexcept {
  std::size_t i = 0;
#if defined(__SSE2__)
  const auto store = [](float* to, unsigned char b) {
    const __m128 row = _mm_load_ps(kTable.rows[b].data());
    if constexpr (stream)
      _mm_stream_ps(to, row);
    else
      _mm_storeu_ps(to, row);
  };
  for (; i + 4 <= n; i += 4) {
    std::uint32_t w;
    std::memcpy(&w, s + i, 4);
    store(out + 4 * i, static_cast<unsigned char>(w));
    store(out + 4 * i + 4, static_cast<unsigned char>(w >> 8));
    store(out + 4 * i + 8, static_cast<unsigned char>(w >> 16));
    store(out + 4 * i + 12, static_cast<unsigned char>(w >> 24));
  }
#endif
  for (; i < n; ++i) std::memcpy(out + 4 * i, kTable.rows[static_cast<unsigned char>(s[i])].data(), 4 * sizeof(float));
}

// Streamed lines are visible to every reader of the output once this returns.
void end_streaming([[maybe_unused]] bool stream) noexcept {
#if defined(__SSE2__)
  if (stream) _mm_sfence();
#endif
}

}  // namespace

std::size_t one_hot_encode(std::string_view seq, float* out) noexcept {
  const std::size_t n = seq.size();
#if defined(__SSE2__)
  const bool stream = n >= kStreamFrom && reinterpret_cast<std::uintptr_t>(out) % 16 == 0;
#else
  const bool stream = false;
#endif
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t len = std::min(kBlock, n - start);
    const char* s = seq.data() + start;
    if (!block_valid(s, len)) {
      const std::size_t bad = start + find_invalid_base(seq.substr(start, len));
      copy_rows<false>(seq.data() + start, bad - start, out + 4 * start);
      std::memset(out + 4 * bad, 0, 4 * sizeof(float) * (n - bad));
      end_streaming(stream);
      return bad;
    }
    if (stream)
      copy_rows<true>(s, len, out + 4 * start);
    else
      copy_rows<false>(s, len, out + 4 * start);
  }
  end_streaming(stream);
  return kAllValid;
}

std::string describe_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return fmt::format("'{}' (0x{:02X})", c, u);
  return fmt::format("byte 0x{:02X}", u);
}

void append_codes(std::string_view seq, std::vector<std::uint8_t>& out) {
  out.reserve(out.size() + seq.size());
  for (char c : seq) out.push_back(static_cast<std::uint8_t>(base_index(c)));
}

void reverse_complement_codes(std::span<std::uint8_t> row) noexcept {
  std::reverse(row.begin(), row.end());
  for (std::uint8_t& c : row) c = c < kNoBase ? static_cast<std::uint8_t>(3 - c) : c;
}

}  // namespace dnacnn

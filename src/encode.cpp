#include "dnacnn/encode.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>

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

std::size_t one_hot_encode(std::string_view seq, float* out) noexcept {
  // The validity check is folded into the same pass so the loop stays a table copy.
  std::uint8_t all_valid = 1;
  const std::size_t n = seq.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto b = static_cast<unsigned char>(seq[i]);
    std::memcpy(out + 4 * i, kTable.rows[b].data(), 4 * sizeof(float));
    all_valid &= kTable.kind[b];
  }
  if (all_valid) return kAllValid;
  const std::size_t bad = find_invalid_base(seq);
  std::memset(out + 4 * bad, 0, 4 * sizeof(float) * (n - bad));
  return bad;
}

std::string describe_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return fmt::format("'{}' (0x{:02X})", c, u);
  return fmt::format("byte 0x{:02X}", u);
}

}  // namespace dnacnn

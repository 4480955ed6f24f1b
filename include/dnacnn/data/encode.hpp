// How sequences reach a model: as base codes, one byte per base (A, C, G, T = 0..3, anything else
// 4), the one input representation of every model's first layer. One-hot floats (4 per base in
// channel order A, C, G, T) exist for what needs them: input gradients, TorchScript and Python users.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dnacnn {

inline constexpr int kChannels = 4;
inline constexpr std::size_t kAllValid = static_cast<std::size_t>(-1);

// ACGT, N, and their lowercase forms; anything else is an error, never a silent zero.
bool is_base(char c) noexcept;

// Channel of a base: 0..3 for A, C, G, T in either case; 4 for N (and anything else).
int base_index(char c) noexcept;

// The code of "no base" (N, and the padding around a sequence).
inline constexpr std::uint8_t kNoBase = 4;

// rows x length base codes, row-major.
struct BaseCodes {
  std::int64_t rows = 0;
  std::int64_t length = 0;
  std::vector<std::uint8_t> codes;
  std::span<std::uint8_t> row(std::int64_t r) { return {codes.data() + r * length, static_cast<std::size_t>(length)}; }
  std::span<const std::uint8_t> row(std::int64_t r) const {
    return {codes.data() + r * length, static_cast<std::size_t>(length)};
  }
};

// Appends the codes of `seq` (its characters must be bases: check first).
void append_codes(std::string_view seq, std::vector<std::uint8_t>& out);

// The reverse complement of one row of codes, in place: the only reverse complement on codes
// (training's --rc-augment, prediction's --rc averaging go through it).
void reverse_complement_codes(std::span<std::uint8_t> row) noexcept;

// Index of the first character that is not a base, or kAllValid.
std::size_t find_invalid_base(std::string_view seq) noexcept;

// Writes seq.size() x 4 floats (position-major): out[4*i + c] = 1 when base i is channel c.
// N gives four zeros. Returns the index of the first non-base character (its row is left as zeros
// and encoding stops there), or kAllValid.
std::size_t one_hot_encode(std::string_view seq, float* out) noexcept;

// "'X' (0x58)": a character as a user can read it in an error message.
std::string describe_char(char c);

}  // namespace dnacnn

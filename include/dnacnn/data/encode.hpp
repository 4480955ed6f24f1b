// One-hot encoding: each base becomes 4 floats in channel order A, C, G, T.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace dnacnn {

inline constexpr int kChannels = 4;
inline constexpr std::size_t kAllValid = static_cast<std::size_t>(-1);

// ACGT, N, and their lowercase forms; anything else is an error, never a silent zero.
bool is_base(char c) noexcept;

// Channel of a base: 0..3 for A, C, G, T in either case; 4 for N (and anything else).
int base_index(char c) noexcept;

// Index of the first character that is not a base, or kAllValid.
std::size_t find_invalid_base(std::string_view seq) noexcept;

// Writes seq.size() x 4 floats (position-major): out[4*i + c] = 1 when base i is channel c.
// N gives four zeros. Returns the index of the first non-base character (its row is left as zeros
// and encoding stops there), or kAllValid.
std::size_t one_hot_encode(std::string_view seq, float* out) noexcept;

// "'X' (0x58)": a character as a user can read it in an error message.
std::string describe_char(char c);

}  // namespace dnacnn

// Options that take one of a few names (--engine auto|torch|fused, ...) are enums; each has one
// table of names, from which its parse_/_name pair is made. The names are what users type, what
// run.json, checkpoints and model configs store, and what messages print.
#pragma once
#include <array>
#include <string>
#include <string_view>

#include "dnacnn/core/error.hpp"

namespace dnacnn {

// "a, b or c"
template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& names) {
  std::string text;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) text += i + 1 == N ? " or " : ", ";
    text += names[i];
  }
  return text;
}

// The enum value whose name is `text` (names[i] names value i); UsageError "<option> must be a, b
// or c, got 'x'" otherwise.
template <class E, std::size_t N>
E parse_enum(std::string_view text, const std::array<std::string_view, N>& names, std::string_view option) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == text) return static_cast<E>(i);
  throw UsageError(std::string(option) + " must be " + one_of(names) + ", got '" + std::string(text) + "'");
}

template <class E, std::size_t N>
std::string_view enum_name(E value, const std::array<std::string_view, N>& names) {
  const auto i = static_cast<std::size_t>(value);
  return i < N ? names[i] : std::string_view("?");
}

}  // namespace dnacnn

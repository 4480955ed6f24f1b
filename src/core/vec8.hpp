// Eight floats as one value, for the hand-written kernels' filter loops: GCC and Clang give it a
// ymm register in AVX2 clones and two xmm halves elsewhere. Written this way, a filter's running
// sums stay in registers across a kernel's taps; plain loops over `float*` were left scalar or
// went through memory (aliasing, -O3's unroll-and-jam), costing up to half of a training step.
#pragma once
#include <bit>
#include <cstdint>
#include <cstring>

namespace dnacnn {

// -Wpsabi (off for the files that include this): the helpers are always inlined, so no 32-byte
// value crosses a call in a baseline (non-AVX) clone.
#pragma GCC diagnostic ignored "-Wpsabi"
using Vec8 = float __attribute__((vector_size(32)));

inline __attribute__((always_inline)) Vec8 load8(const float* p) {
  Vec8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline __attribute__((always_inline)) void store8(float* p, Vec8 v) { std::memcpy(p, &v, sizeof v); }
inline __attribute__((always_inline)) Vec8 relu8(Vec8 v) { return v > Vec8{} ? v : Vec8{}; }

using Vec8i = int __attribute__((vector_size(32)));

// The ReLU's backward pass: grad where the unit was active (relu_out > 0), else 0. relu_out is
// +0.0f or positive, so its bits say which. GCC (with trapping math on) vectorises this select,
// but not `relu_out > 0 ? grad : 0`: that loop stayed scalar and was half of the cnn's step time.
inline __attribute__((always_inline)) float where_active(float relu_out, float grad) {
  const std::uint32_t keep = std::bit_cast<std::uint32_t>(relu_out) != 0u ? ~0u : 0u;
  return std::bit_cast<float>(std::bit_cast<std::uint32_t>(grad) & keep);
}
inline __attribute__((always_inline)) Vec8 where_active8(Vec8 relu_out, Vec8 grad) {
  return reinterpret_cast<Vec8>(reinterpret_cast<Vec8i>(grad) & (reinterpret_cast<Vec8i>(relu_out) != Vec8i{}));
}

}  // namespace dnacnn

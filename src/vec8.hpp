// Eight floats as one value, for the hand-written kernels' filter loops: GCC and Clang give it a
// ymm register in AVX2 clones and two xmm halves elsewhere. Written this way, a filter's running
// sums stay in registers across a kernel's taps; plain loops over `float*` were left scalar or
// went through memory (aliasing, -O3's unroll-and-jam), costing up to half of a training step.
#pragma once
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

}  // namespace dnacnn

#include "train/fused/adam_kernel.hpp"

#include <cmath>

namespace dnacnn {

// Vectorised, sqrt and division included: every lane rounds as the scalar code would, so the
// results do not depend on the ISA picked.
__attribute__((target_clones("avx2", "default"))) void adam_kernel(float* __restrict value,
                                                                 const float* __restrict grad, float* __restrict m,
                                                                 float* __restrict v, std::size_t n, float step_size,
                                                                 float bias2_sqrt) noexcept {
  constexpr float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
  constexpr auto rest1 = static_cast<float>(1 - 0.9), rest2 = static_cast<float>(1 - 0.999);
  for (std::size_t i = 0; i < n; ++i) {
    const float g = grad[i];
    m[i] = m[i] * beta1 + g * rest1;
    v[i] = v[i] * beta2 + g * g * rest2;
    value[i] -= step_size * m[i] / (std::sqrt(v[i]) / bias2_sqrt + eps);
  }
}

}  // namespace dnacnn

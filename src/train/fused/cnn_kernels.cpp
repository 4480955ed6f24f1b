#include "train/fused/cnn_kernels.hpp"

#include "core/vec8.hpp"

namespace dnacnn {
namespace {

// Position p's pre-activations, in registers: the conv bias plus the filter column of each base
// under the kernel (N adds nothing).
template <std::int64_t FC>
inline __attribute__((always_inline)) void position_sums(const CnnArrays& a, const std::uint8_t* __restrict code,
                                                         std::int64_t p, std::int64_t K, Vec8 (&zp)[FC / 8]) {
  for (std::int64_t v = 0; v < FC / 8; ++v) zp[v] = load8(a.bc + 8 * v);
  for (std::int64_t j = 0; j < K; ++j) {
    const std::uint8_t c = code[p + j];
    if (c > 3) continue;
    const float* w = a.W + (j * 4 + c) * FC;
    for (std::int64_t v = 0; v < FC / 8; ++v) zp[v] += load8(w + 8 * v);
  }
}

// Convolution on one-hot input = sum of the filter columns of the bases present; then ReLU.
// z receives positions x filters hidden activations.
template <std::int64_t FC>
inline __attribute__((always_inline)) void cnn_hidden(const CnnArrays& a, const std::uint8_t* __restrict code,
                                                      std::int64_t F_runtime, std::int64_t P, std::int64_t K) {
  const std::int64_t F = FC ? FC : F_runtime;  // a compile-time width lets GCC unroll fully
  float* __restrict z = a.z;
  if constexpr (FC > 0 && FC % 8 == 0) {  // one position's sums stay in registers across the taps
    constexpr std::int64_t V = FC / 8;
    for (std::int64_t p = 0; p < P; ++p) {
      Vec8 zp[V];
      position_sums<FC>(a, code, p, K, zp);
      for (std::int64_t v = 0; v < V; ++v) store8(z + p * FC + 8 * v, relu8(zp[v]));
    }
    return;
  }
  for (std::int64_t p = 0; p < P; ++p) {
    float* __restrict zp = z + p * F;
    for (std::int64_t f = 0; f < F; ++f) zp[f] = a.bc[f];
    for (std::int64_t j = 0; j < K; ++j) {
      const std::uint8_t c = code[p + j];
      if (c > 3) continue;
      const float* __restrict w = a.W + (j * 4 + c) * F;
      for (std::int64_t f = 0; f < F; ++f) zp[f] += w[f];
    }
    for (std::int64_t f = 0; f < F; ++f) zp[f] = zp[f] > 0.0f ? zp[f] : 0.0f;
  }
}

// A dot product in 8 independent lanes: a single running sum is one long chain of dependent adds
// (the compiler may not reorder float sums), which made it the slowest loop of the whole step.
inline __attribute__((always_inline)) float cnn_output(const CnnArrays& a, std::int64_t t, std::int64_t PF) {
  const float* __restrict v = a.V + t * PF;
  float lanes[8] = {};
  std::int64_t i = 0;
  for (; i + 8 <= PF; i += 8)
    for (int l = 0; l < 8; ++l) lanes[l] += v[i + l] * a.z[i + l];
  for (; i < PF; ++i) lanes[i % 8] += v[i] * a.z[i];
  float out = a.bl[t];
  for (float l : lanes) out += l;
  return out;
}

// cnn_hidden, then cnn_output of target 0, with the dot product taken while each position's
// activations are still in registers. The same operations in the same order: the same bits.
template <std::int64_t FC>
inline __attribute__((always_inline)) float cnn_hidden_and_output(const CnnArrays& a, float* __restrict z,
                                                                  const std::uint8_t* __restrict code, std::int64_t P,
                                                                  std::int64_t K) {
  constexpr std::int64_t V = FC / 8;
  Vec8 lanes{};
  for (std::int64_t p = 0; p < P; ++p) {
    Vec8 zp[V];
    position_sums<FC>(a, code, p, K, zp);
    for (std::int64_t v = 0; v < V; ++v) {
      zp[v] = relu8(zp[v]);
      store8(z + p * FC + 8 * v, zp[v]);
      lanes += load8(a.V + p * FC + 8 * v) * zp[v];
    }
  }
  float out = a.bl[0];
  for (int l = 0; l < 8; ++l) out += lanes[l];
  return out;
}

// The loss and backward pass of one sample with one target, from its output `out` and activations
// z: a position at a time with its gradient in registers; the bias gradient is added position after
// position.
template <std::int64_t FC>
inline __attribute__((always_inline)) void cnn_single_backward(const CnnArrays& a, const float* __restrict z,
                                                               const std::uint8_t* __restrict code, std::int64_t P,
                                                               std::int64_t K, float out, float y, float scale,
                                                               const FusedLoss& loss, double& sse) {
  const float d = loss_gradient(out, y, loss, sse) * scale;
  a.gbl[0] += d;
  constexpr std::int64_t V = FC / 8;
  Vec8 gbc[V];
  for (std::int64_t v = 0; v < V; ++v) gbc[v] = load8(a.gbc + 8 * v);
  for (std::int64_t p = 0; p < P; ++p) {
    Vec8 dzp[V];
    for (std::int64_t v = 0; v < V; ++v) {
      const std::int64_t i = p * FC + 8 * v;
      const Vec8 zv = load8(z + i);
      store8(a.gV + i, load8(a.gV + i) + d * zv);
      dzp[v] = where_active8(zv, d * load8(a.V + i));
      gbc[v] += dzp[v];
    }
    for (std::int64_t j = 0; j < K; ++j) {
      const std::uint8_t c = code[p + j];
      if (c > 3) continue;
      float* gw = a.gW + (j * 4 + c) * FC;
      for (std::int64_t v = 0; v < V; ++v) store8(gw + 8 * v, load8(gw + 8 * v) + dzp[v]);
    }
  }
  for (std::int64_t v = 0; v < V; ++v) store8(a.gbc + 8 * v, gbc[v]);
}

// The output layer's backward pass for several targets: gradients of V and bl, and dz (masked
// by the ReLU) from every target's error.
inline __attribute__((always_inline)) void cnn_multi_target_backward(const CnnArrays& a,
                                                                     const float* __restrict target, std::int64_t PF,
                                                                     std::int64_t T, float scale, const FusedLoss& loss,
                                                                     double& sse) {
  const float* __restrict z = a.z;
  float* __restrict dz = a.dz;
  for (std::int64_t i = 0; i < PF; ++i) dz[i] = 0.0f;
  for (std::int64_t t = 0; t < T; ++t) {
    const float d = loss_gradient(cnn_output(a, t, PF), target[t], loss, sse) * scale;
    a.gbl[t] += d;
    const float* __restrict v = a.V + t * PF;
    float* __restrict gv = a.gV + t * PF;
    for (std::int64_t i = 0; i < PF; ++i) gv[i] += d * z[i];
    for (std::int64_t i = 0; i < PF; ++i) dz[i] += d * v[i];
  }
  for (std::int64_t i = 0; i < PF; ++i) dz[i] = where_active(z[i], dz[i]);
}

// One sample's forward and backward pass, gradients added into a.g*.
template <std::int64_t FC>
inline __attribute__((always_inline)) void cnn_sample_body(const CnnArrays& a, const std::uint8_t* __restrict code,
                                                           const float* __restrict target, std::int64_t F_runtime,
                                                           std::int64_t P, std::int64_t K, std::int64_t T, float scale,
                                                           const FusedLoss& loss, double& sse) {
  const std::int64_t F = FC ? FC : F_runtime;
  const std::int64_t PF = P * F;
  float* __restrict z = a.z;
  float* __restrict dz = a.dz;
  if constexpr (FC > 0 && FC % 8 == 0) {
    if (T == 1) {
      cnn_single_backward<FC>(a, z, code, P, K, cnn_hidden_and_output<FC>(a, z, code, P, K), target[0], scale, loss,
                              sse);
      return;
    }
  }
  cnn_hidden<FC>(a, code, F, P, K);
  if (T == 1) {  // one pass: the output's gradient goes straight into dz, masked by the ReLU
    const float d = loss_gradient(cnn_output(a, 0, PF), target[0], loss, sse) * scale;
    a.gbl[0] += d;
    const float* __restrict v = a.V;
    float* __restrict gv = a.gV;
    for (std::int64_t i = 0; i < PF; ++i) {
      gv[i] += d * z[i];
      dz[i] = where_active(z[i], d * v[i]);
    }
  } else {
    cnn_multi_target_backward(a, target, PF, T, scale, loss, sse);
  }
  if constexpr (FC > 0 && FC % 8 == 0) {  // one position's gradient stays in registers across the taps
    constexpr std::int64_t V = FC / 8;
    for (std::int64_t p = 0; p < P; ++p) {
      Vec8 dzp[V];
      for (std::int64_t v = 0; v < V; ++v) {
        dzp[v] = load8(dz + p * FC + 8 * v);
        store8(a.gbc + 8 * v, load8(a.gbc + 8 * v) + dzp[v]);
      }
      for (std::int64_t j = 0; j < K; ++j) {
        const std::uint8_t c = code[p + j];
        if (c > 3) continue;
        float* gw = a.gW + (j * 4 + c) * FC;
        for (std::int64_t v = 0; v < V; ++v) store8(gw + 8 * v, load8(gw + 8 * v) + dzp[v]);
      }
    }
    return;
  }
  for (std::int64_t p = 0; p < P; ++p) {
    const float* __restrict dzp = dz + p * F;
    for (std::int64_t f = 0; f < F; ++f) a.gbc[f] += dzp[f];
    for (std::int64_t j = 0; j < K; ++j) {
      const std::uint8_t c = code[p + j];
      if (c > 3) continue;
      float* __restrict gw = a.gW + (j * 4 + c) * F;
      for (std::int64_t f = 0; f < F; ++f) gw[f] += dzp[f];
    }
  }
}

// A batch's forward and backward passes, one sample after another, gradients added into a.g*.
// Built for AVX2 as well as the baseline ISA; the loader picks the best the CPU has.
template <std::int64_t FC>
inline __attribute__((always_inline)) void cnn_batch_body(const CnnArrays& a, const std::uint8_t* __restrict codes,
                                                          const float* __restrict targets,
                                                          const std::int64_t* __restrict rows, std::int64_t batch,
                                                          std::int64_t length, std::int64_t F, std::int64_t P,
                                                          std::int64_t K, std::int64_t T, float scale,
                                                          const FusedLoss& loss, double& sse) {
  // Local copies: stores through the gradient pointers could alias the caller's struct, so reading
  // it made GCC reload a pointer after every store; these stay in registers.
  const CnnArrays local = a;
  const FusedLoss local_loss = loss;
  double local_sse = 0;
  std::int64_t i = 0;
  if constexpr (FC > 0 && FC % 8 == 0) {
    // Two samples' forward passes, then their backward passes in order: each forward pass is a
    // chain of dependent adds (its dot product), and two independent chains keep the core busy.
    // Gradients are added in the same order as one sample at a time: the same bits.
    float* __restrict z0 = local.z;
    float* __restrict z1 = local.z + P * FC;
    for (; T == 1 && i + 1 < batch; i += 2) {
      const std::int64_t r0 = rows ? rows[i] : i, r1 = rows ? rows[i + 1] : i + 1;
      if (rows && i + 3 < batch) {
        __builtin_prefetch(codes + rows[i + 2] * length);
        __builtin_prefetch(codes + rows[i + 3] * length);
      }
      const std::uint8_t* code0 = codes + r0 * length;
      const std::uint8_t* code1 = codes + r1 * length;
      const float out0 = cnn_hidden_and_output<FC>(local, z0, code0, P, K);
      const float out1 = cnn_hidden_and_output<FC>(local, z1, code1, P, K);
      cnn_single_backward<FC>(local, z0, code0, P, K, out0, targets[r0], scale, local_loss, local_sse);
      cnn_single_backward<FC>(local, z1, code1, P, K, out1, targets[r1], scale, local_loss, local_sse);
    }
  }
  for (; i < batch; ++i) {
    const std::int64_t r = rows ? rows[i] : i;
    // Rows come in shuffled order: fetch the next one's bases while this one computes.
    if (rows && i + 1 < batch) __builtin_prefetch(codes + rows[i + 1] * length);
    cnn_sample_body<FC>(local, codes + r * length, targets + r * T, F, P, K, T, scale, local_loss, local_sse);
  }
  sse += local_sse;
}

template <std::int64_t FC>
inline __attribute__((always_inline)) void cnn_predict_body(const CnnArrays& a, const std::uint8_t* __restrict codes,
                                                            std::int64_t rows, std::int64_t length,
                                                            float* __restrict out, std::int64_t F, std::int64_t P,
                                                            std::int64_t K, std::int64_t T) {
  const CnnArrays local = a;  // see cnn_batch_body
  for (std::int64_t r = 0; r < rows; ++r) {
    cnn_hidden<FC>(local, codes + r * length, F, P, K);
    for (std::int64_t t = 0; t < T; ++t) out[r * T + t] = cnn_output(local, t, P * F);
  }
}

}  // namespace

__attribute__((target_clones("avx2", "default"))) void cnn_batch_kernel(
    const CnnArrays& a, const std::uint8_t* __restrict codes, const float* __restrict targets,
    const std::int64_t* __restrict rows, std::int64_t batch, std::int64_t length, std::int64_t F, std::int64_t P,
    std::int64_t K, std::int64_t T, float scale, const FusedLoss& loss, double& sse) {
  switch (F) {
    case 16: return cnn_batch_body<16>(a, codes, targets, rows, batch, length, F, P, K, T, scale, loss, sse);
    case 32: return cnn_batch_body<32>(a, codes, targets, rows, batch, length, F, P, K, T, scale, loss, sse);
    case 64: return cnn_batch_body<64>(a, codes, targets, rows, batch, length, F, P, K, T, scale, loss, sse);
    default: return cnn_batch_body<0>(a, codes, targets, rows, batch, length, F, P, K, T, scale, loss, sse);
  }
}

__attribute__((target_clones("avx2", "default"))) void cnn_predict_kernel(const CnnArrays& a,
                                                                        const std::uint8_t* __restrict codes,
                                                                        std::int64_t rows, std::int64_t length,
                                                                        float* __restrict out, std::int64_t F,
                                                                        std::int64_t P, std::int64_t K, std::int64_t T) {
  switch (F) {  // the same compile-time widths as training: validation runs every epoch
    case 16: return cnn_predict_body<16>(a, codes, rows, length, out, F, P, K, T);
    case 32: return cnn_predict_body<32>(a, codes, rows, length, out, F, P, K, T);
    case 64: return cnn_predict_body<64>(a, codes, rows, length, out, F, P, K, T);
    default: return cnn_predict_body<0>(a, codes, rows, length, out, F, P, K, T);
  }
}

}  // namespace dnacnn

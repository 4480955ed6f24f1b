// The fused engine's cnn kernels (src/fused_trainer.hpp): a batch's forward and backward passes and
// batched prediction, as plain loops over base codes built for AVX2 and the baseline ISA. No LibTorch
// here; -O3 (CMakeLists.txt) lets GCC unroll the filter loops fully.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace dnacnn {

// Parameters and gradients of the notebook CNN in the trainer's filter-innermost layouts.
struct CnnArrays {
  const float* __restrict W;   // [k][4][F]
  const float* __restrict bc;  // [F]
  const float* __restrict V;   // [T][P][F]
  const float* __restrict bl;  // [T]
  float* __restrict gW;
  float* __restrict gbc;
  float* __restrict gV;
  float* __restrict gbl;
  float* __restrict z;   // scratch [2][P][F]: two samples' activations (cnn_batch_kernel)
  float* __restrict dz;  // scratch [P][F]
};

// The training loss: mean squared error, or binary cross-entropy on logits with a weight on the
// positive term (torch's BCEWithLogitsLoss(pos_weight)). Both are means over every output.
struct FusedLoss {
  bool bce = false;
  float pos_weight = 1.0f;
};

// The loss of one output and its derivative with respect to that output (before the batch mean).
inline __attribute__((always_inline)) float loss_gradient(float out, float y, const FusedLoss& loss, double& total) {
  if (!loss.bce) {
    const float err = out - y;
    total += static_cast<double>(err) * err;
    return 2.0f * err;
  }
  // -(p y log s(x) + (1 - y) log(1 - s(x))), with log s(x) = -softplus(-x) computed stably.
  const double x = out, p = loss.pos_weight;
  const double softplus_neg = std::max(-x, 0.0) + std::log1p(std::exp(-std::fabs(x)));  // -log s(x)
  total += p * y * softplus_neg + (1 - y) * (softplus_neg + x);                          // -log(1-s(x)) = softplus(x)
  const float s = 1.0f / (1.0f + std::exp(-out));
  return (loss.pos_weight * y + 1.0f - y) * s - loss.pos_weight * y;
}

// Forward and backward passes of rows rows[0..batch) (all of the first `batch` rows when rows is
// null) of codes (rows x length) with targets (rows x T): gradients added into a.g*, the summed loss
// into sse. F filters, P positions, K kernel width, scale = 1 / (batch x T).
void cnn_batch_kernel(const CnnArrays& a, const std::uint8_t* codes, const float* targets, const std::int64_t* rows,
                      std::int64_t batch, std::int64_t length, std::int64_t F, std::int64_t P, std::int64_t K,
                      std::int64_t T, float scale, const FusedLoss& loss, double& sse);

// Outputs of `rows` consecutive rows of codes into out (rows x T).
void cnn_predict_kernel(const CnnArrays& a, const std::uint8_t* codes, std::int64_t rows, std::int64_t length,
                        float* out, std::int64_t F, std::int64_t P, std::int64_t K, std::int64_t T);

}  // namespace dnacnn

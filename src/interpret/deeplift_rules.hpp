// DeepLIFT's rescale rule as autograd functions. Every input holds the inputs in its first half of
// rows and their references in the second, row for row; the forward pass is the plain operation on
// both, the backward pass gives each input's half the multiplier that makes
//   sum over inputs (multiplier x (input - reference)) = output - reference output
// for each output (summation to delta), so the multipliers chained down to the one-hot input give
// contributions that add up to f(x) - f(reference). The reference half receives the same gradient
// as the input half (only the input half's gradient is read).
#pragma once
#include <torch/torch.h>

namespace dnacnn {

enum class Elementwise { relu, gelu, softplus, exp, sigmoid, tanh, square, rsqrt };

// y = f(u) elementwise; multiplier (f(u) - f(u_ref)) / (u - u_ref), the derivative f'(u) where
// |u - u_ref| < 1e-6.
torch::Tensor rescale(const torch::Tensor& u, Elementwise f);

// The maximum over the last dimension (a pooling window). Multipliers as shap's DeepExplainer
// gives max-pooling: with y, r the input's and the reference's maxima and m = max(y, r), the
// input's winning position carries m - r and the reference's winning position y - m (together
// y - r), each divided by its own input difference.
torch::Tensor paired_max(const torch::Tensor& u);

// a x b (b may broadcast against a): the exact split of a product's difference,
// delta(a b) = delta a (b + b_ref) / 2 + delta b (a + a_ref) / 2 (layer norm, LSTM gates).
torch::Tensor paired_product(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace dnacnn

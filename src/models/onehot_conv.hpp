// The first convolution of a network on one-hot DNA, computed as what it is: at each position the
// sum of the filter columns of the bases under the kernel (k*F adds instead of 4*k*F multiply-adds),
// fused with the ReLU and max-pool that follow it. A LibTorch autograd op (gradients for the weight
// and bias); tests check it against conv1d + relu + max_pool1d, values and gradients.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <optional>

namespace dnacnn {

// Base codes (N, L) uint8 (0..3 = A, C, G, T; 4 = no base) of a CPU float32 input (N, L, 4) that is
// strictly one-hot (every row zero or a single 1) and needs no gradient; nullopt for anything else
// (soft inputs, attribution's input gradients, GPU tensors), which stays on the generic path.
std::optional<torch::Tensor> onehot_codes(const torch::Tensor& x);

// max_pool1d(relu(conv1d(one_hot(codes), weight, bias, padding 'same')), pool) as (N, F, L / pool);
// pool 1 means no pooling. weight (F, 4, K), bias (F), pool in [1, 255]. Differentiable in weight
// and bias; deterministic whatever the thread count.
torch::Tensor onehot_conv_relu_pool(const torch::Tensor& codes, const torch::Tensor& weight, const torch::Tensor& bias,
                                    std::int64_t pool);

}  // namespace dnacnn

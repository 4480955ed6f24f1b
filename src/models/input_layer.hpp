// Every model's first layer, reading the one input representation: base codes (N, L) uint8
// (A, C, G, T = 0..3, anything else 4; data/encode.hpp). On the CPU a convolution over codes is
// computed as what it is, at each position the sum of the filter columns of the bases under the
// kernel (K*F adds instead of 4*K*F multiply-adds), fused with the ReLU and max-pool after it; a
// dense layer over codes is a gather of its weight columns. Float one-hot input (N, L, 4) is
// accepted too, and only there, where a gradient with respect to the input is asked for (saliency,
// gradient x input): it goes through LibTorch's conv1d and matmul. Tests check both paths against
// each other, values and gradients.
#pragma once
#include <torch/torch.h>

#include <cstdint>

namespace dnacnn {

enum class InputPadding { valid, same };

// Whether a model's input is base codes (otherwise it is float one-hot).
bool is_codes(const torch::Tensor& input);
// (N, L) codes -> (N, L, 4) float32 one-hot on the same device; code 4 gives four zeros.
torch::Tensor onehot_of_codes(const torch::Tensor& codes);

// max_pool1d(relu(conv1d(one_hot(codes), weight, bias, padding)), pool) as (N, F, P / pool), P the
// convolution's positions (L for 'same', L - K + 1 for 'valid'); pool 1 means no pooling.
// codes (N, L) uint8 on the CPU, weight (F, 4, K), bias (F), pool in [1, 255]. Differentiable in
// weight and bias; deterministic whatever the thread count.
torch::Tensor onehot_conv_relu_pool(const torch::Tensor& codes, const torch::Tensor& weight, const torch::Tensor& bias,
                                    std::int64_t pool, InputPadding padding);

// A model's first convolution + ReLU (+ max-pool when pool > 1) over its input, codes or one-hot:
// the gather kernel for CPU codes, LibTorch's conv1d for everything else (one-hot first for codes
// on another device). `conv` must read 4 channels; its padding (valid or same) is honoured.
torch::Tensor input_conv_relu_pool(const torch::Tensor& input, torch::nn::Conv1dImpl& conv, std::int64_t pool);

// A dense layer over the whole one-hot input (weight (T, 4 x L), position-major) on codes or one-hot.
torch::Tensor input_dense(const torch::Tensor& input, torch::nn::LinearImpl& dense);

}  // namespace dnacnn

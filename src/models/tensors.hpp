// Bridges between dnacnn's plain data (encoded sequences, named weights) and LibTorch tensors.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/core/device.hpp"
#include "dnacnn/io/safetensors.hpp"

namespace dnacnn {

// (rows, length) uint8, the models' input; takes the buffer without copying.
torch::Tensor codes_tensor(BaseCodes codes);
// (rows, targets) float32 targets of the given rows.
torch::Tensor targets_tensor(const SequenceData& data, const std::vector<std::int64_t>& rows);
std::vector<float> to_vector(const torch::Tensor& t);

std::vector<io::NamedTensor> export_weights(const torch::nn::Module& module);
// Copies weights into `module`. Missing, extra or mis-shaped tensors are Errors naming `source`.
void import_weights(torch::nn::Module& module, const std::vector<io::NamedTensor>& weights, const std::string& source);

// "cpu", "cuda" or "cuda:N"; a CUDA device without a CUDA build/GPU is a UsageError.
torch::Device parse_device(const std::string& name);

}  // namespace dnacnn

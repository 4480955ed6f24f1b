// The LibTorch side of checkpoints: optimiser state and the global generator as plain data.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

#include "dnacnn/io/safetensors.hpp"

namespace dnacnn {

// Adam's per-parameter moments as "<param>.exp_avg" / "<param>.exp_avg_sq" and its step count
// (SGD without momentum has no state). Restoring needs the same model and optimiser type.
std::vector<io::NamedTensor> optimizer_state(torch::optim::Optimizer& optimizer, torch::nn::Module& model,
                                             long& steps);
void restore_optimizer_state(torch::optim::Optimizer& optimizer, torch::nn::Module& model,
                             const std::vector<io::NamedTensor>& state, long steps, const std::string& source);

// LibTorch's default CPU generator (dropout draws from it), as hex text and back.
std::string torch_rng_state();
void restore_torch_rng_state(const std::string& hex, const std::string& source);

}  // namespace dnacnn

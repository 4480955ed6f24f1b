// `dnacnn export`: a trained model as TorchScript, for Python (torch.jit.load) and C++ LibTorch users.
#pragma once
#include <filesystem>

namespace dnacnn {

// Writes `out`, a TorchScript module whose forward(x) takes one-hot sequences as a float tensor
// (batch, length, 4) in channel order A, C, G, T (N = all zeros) and returns (batch, targets):
// the same numbers as `dnacnn predict` (probabilities for binary tasks). Its attribute
// `dnacnn_config` holds the model's config.json. The model is loaded and validated first.
void export_torchscript(const std::filesystem::path& model_dir, const std::filesystem::path& out);

}  // namespace dnacnn

// `dnacnn export --onnx`: a trained model as an ONNX graph, for onnxruntime (Python, Node, C++, the
// browser) and every other ONNX runtime. Torch-free: the graph is written from the model directory's
// config.json and weights.safetensors, layer by layer, as src/models/spec_torchscript.cpp writes
// TorchScript.
#pragma once
#include <filesystem>
#include <string>

namespace dnacnn {

// The opset the graph uses: LayerNormalization needs 17; Gelu (20) is written out with Erf.
inline constexpr int kOnnxOpset = 17;

// The ONNX model (serialised ModelProto) of the model in `model_dir`: input "x" float32 (batch,
// length, 4), one-hot in channel order A, C, G, T (N = all zeros), batch dynamic; output "y"
// (batch, targets), probabilities for binary tasks (the numbers `dnacnn predict` prints). The
// model's config.json is in the metadata as "dnacnn_config". Errors name the model's files.
std::string onnx_model_bytes(const std::filesystem::path& model_dir);

// Writes onnx_model_bytes(model_dir) to `out` (under a temporary name, renamed when complete),
// after onnx's checker has passed it.
void export_onnx(const std::filesystem::path& model_dir, const std::filesystem::path& out);

// onnx::checker::check_model on serialised bytes: empty when valid, else the checker's message.
std::string check_onnx_model(const std::string& bytes);

}  // namespace dnacnn

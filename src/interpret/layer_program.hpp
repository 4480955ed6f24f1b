// A loaded model as a list of layers holding their weights: the spec of a spec model, the equivalent
// spec of a built-in one (zoo.cpp's built_in_as_spec, reading the built-in's weight names). The
// attribution methods that need more than the network's own forward pass walk it: DeepLIFT replaces
// every nonlinearity's gradient by its rescale multiplier (deeplift.cpp), fast ISM recomputes each
// layer only where a mutation changed its input (fast_ism.cpp).
#pragma once
#include <torch/torch.h>

#include <vector>

#include "dnacnn/models/model_spec.hpp"
#include "infer/loaded_model.hpp"

namespace dnacnn {

struct ProgramLayer {
  LayerSpec spec;  // kind and sizes (nested layers are in `blocks`)
  torch::Tensor weight, bias, running_mean, running_var;  // as the layer has them
  std::vector<torch::Tensor> lstm;  // bilstm: w_ih, w_hh, b_ih, b_hh, then the reverse direction's
  std::vector<std::vector<ProgramLayer>> blocks;  // residual: one block; concat: the branches
  TensorShape in;  // what flows into the layer
};

struct LayerProgram {
  std::vector<ProgramLayer> layers;
  std::int64_t length = 0;
  torch::Device device{torch::kCPU};  // where the weights are
};

LayerProgram layer_program(const LoadedModel& model);

// How run_layers computes the nonlinearities: as they are, or (deeplift) with the rescale rule in
// their gradients; deeplift inputs hold the inputs in their first half, their references in the
// second, row for row.
enum class LayerMode { plain, deeplift };

// The layers on h: (N, 4, L) one-hot channels first at the top; returns (N, targets) raw outputs.
torch::Tensor run_layers(const std::vector<ProgramLayer>& layers, torch::Tensor h, LayerMode mode);
torch::Tensor run_layer(const ProgramLayer& layer, const torch::Tensor& h, LayerMode mode);

// A 'same' convolution's padding before the sequence (PyTorch's: the odd one goes after).
std::int64_t same_left_padding(const LayerSpec& conv);
// Whether a layer computes each output position from a bounded stretch of its input positions
// (convolutions, pooling windows, per-position layers, and blocks made only of those).
bool is_local(const ProgramLayer& layer);

}  // namespace dnacnn

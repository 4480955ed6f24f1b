// LoadedModel's LibTorch side (see dnacnn/infer/loaded_model.hpp).
#pragma once
#include <torch/torch.h>

#include "dnacnn/infer/loaded_model.hpp"
#include "models/models.hpp"

namespace dnacnn {

class LoadedModel {
 public:
  ModelConfig config;
  SequenceModel network;  // eval mode; forward passes do not change it
  torch::Device device{torch::kCPU};
};

}  // namespace dnacnn

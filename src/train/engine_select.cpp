#include "train/engine_select.hpp"

#include "dnacnn/core/error.hpp"
#include "train/fused/fused_engine.hpp"
#include "train/torch/torch_engine.hpp"

namespace dnacnn {

EngineKind choose_engine(const TrainSetup& setup, const torch::Device& device, const Communicator* comm) {
  const EngineKind asked = setup.options.engine;
  // The fused engine has no gradients to share: data-parallel training runs on LibTorch.
  if (comm && asked == EngineKind::fused)
    throw UsageError("--engine fused trains in one process; --distributed uses --engine torch (or auto)");
  const bool fits = has_fused_kernels(setup.config) && device.is_cpu();
  if (asked == EngineKind::fused && !fits)
    throw UsageError("--engine fused covers the cnn and linear models on the CPU with sgd or adam");
  if (asked == EngineKind::fused || (asked == EngineKind::automatic && !comm && fits)) return EngineKind::fused;
  return EngineKind::torch;
}

std::unique_ptr<Engine> make_engine(EngineKind kind, const TrainSetup& setup, SequenceModelImpl& model,
                                    const torch::Device& device, Communicator* comm) {
  if (kind == EngineKind::fused) return std::make_unique<FusedEngine>(setup, model);
  return std::make_unique<TorchEngine>(setup, model, device, comm);
}

}  // namespace dnacnn

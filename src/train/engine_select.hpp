// Which engine trains a run, and building it: the one place that knows when the fused engine
// applies, so the automatic choice and the refusal of an impossible --engine agree.
#pragma once
#include <memory>

#include "models/models.hpp"
#include "train/engine.hpp"

namespace dnacnn {

// The engine `setup` trains with on `device`: --engine auto picks the fused engine where it
// applies (one process, an architecture with fused kernels, the CPU), else LibTorch.
// UsageError for --engine fused where it does not apply.
EngineKind choose_engine(const TrainSetup& setup, const torch::Device& device, const Communicator* comm);

// The chosen engine, training `model` (already on `device`). `comm`: this process is one rank of a group.
std::unique_ptr<Engine> make_engine(EngineKind kind, const TrainSetup& setup, SequenceModelImpl& model,
                                    const torch::Device& device, Communicator* comm);

}  // namespace dnacnn

// The reference-based attribution methods (see dnacnn/interpret/attribution.hpp): DeepSHAP on a
// model's layer program, integrated gradients on its network.
#pragma once
#include <string>
#include <vector>

#include "dnacnn/interpret/attribution.hpp"
#include "interpret/layer_program.hpp"

namespace dnacnn {

std::vector<SequenceAttribution> deepshap(const LayerProgram& program, const std::vector<std::string>& seqs,
                                          std::size_t target, const AttributionOptions& options);

std::vector<SequenceAttribution> integrated_gradients(SequenceModelImpl& model, const std::vector<std::string>& seqs,
                                                      std::size_t target, const AttributionOptions& options,
                                                      const torch::Device& device);

}  // namespace dnacnn

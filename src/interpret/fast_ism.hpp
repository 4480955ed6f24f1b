// Fast in-silico mutagenesis (as fastISM and Yuzu do it): a single-base mutation changes a layer's
// output only within the reach of the layers below, so each layer is recomputed only on that
// window (plus its kernel's halo) of its input, the rest read from the unmutated sequence's
// activations. From the first layer that mixes all positions (flatten, global pooling, dense,
// bilstm) on, the patched activation is completed and the remaining layers run in full; a
// flatten + dense head is applied to the changed window only (the dense layer is linear).
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "interpret/layer_program.hpp"

namespace dnacnn {

// The top-level layers before the first position-mixing one (0: fast ISM gains nothing, as for a
// linear model or a bilstm first).
std::size_t local_prefix(const LayerProgram& program);

// The raw output `target` of the sequence (`codes`, 0..4 per base) with each mutation
// (position, new base) applied alone, and (second) of the sequence itself. Equal to running every
// mutant through the whole network, up to float rounding.
std::pair<std::vector<float>, float> fast_ism_outputs(const LayerProgram& program, const std::vector<std::uint8_t>& codes,
                                                      const std::vector<std::pair<std::int64_t, int>>& mutants,
                                                      std::size_t target);

}  // namespace dnacnn

// Dinucleotide-shuffled references for DeepSHAP: sequences with exactly the dinucleotide counts of
// the original (every adjacent pair, N included as a fifth letter), so a model's response to
// composition cancels out of the attribution and what remains is the arrangement.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "dnacnn/core/random.hpp"

namespace dnacnn {

// One shuffle of `codes` (base codes 0..4) by Altschul and Erikson's Euler-walk method as
// deeplift's and tangermeme's dinuc_shuffle do it: every letter's last successor in the original
// is kept last (those edges form a tree into the final letter, so the walk uses every pair), the
// other successors are permuted, and the walk from the first letter spells the shuffle.
std::vector<std::uint8_t> dinucleotide_shuffle(const std::vector<std::uint8_t>& codes, Rng& rng);

// The generator for one sequence's shuffles: from `seed` and the sequence's letters, so a
// sequence gets the same references whatever else is in the input and however it is split.
Rng shuffle_rng(std::uint64_t seed, std::string_view sequence);

}  // namespace dnacnn

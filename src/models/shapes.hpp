// The architectures' facts that need no LibTorch: their names, hyper-parameters and defaults,
// shapes and parameter counts (dnacnn_core). The modules in <arch>.cpp build on these shapes;
// the CLI lists, validates and loads configs without loading LibTorch.
#pragma once
#include <cstdint>

#include "dnacnn/models/architectures.hpp"

namespace dnacnn {

struct CnnShape {
  std::int64_t filters, kernel, positions, targets;
};
CnnShape cnn_shape(const ModelConfig& c);  // UsageError for a kernel longer than the sequences

struct DeepShape {
  std::int64_t filters, kernel, blocks, block_kernel, pool, hidden, bins, targets;
  double dropout;
};
DeepShape deep_shape(const ModelConfig& c);  // UsageError for sizes the input length cannot take
// The length after the first convolution and blocks-1 max-pools ('same' convolutions keep it).
std::int64_t pooled_length(const ModelConfig& c, const DeepShape& s);

ArchitectureInfo linear_info();
ArchitectureInfo cnn_info();
ArchitectureInfo deep_cnn_info();

}  // namespace dnacnn

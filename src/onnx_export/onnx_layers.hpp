// ONNX nodes for a spec's layers (dnacnn/models/model_spec.hpp), one emitter per layer kind, as
// src/models/spec_torchscript.cpp writes TorchScript: activations flow as (batch, channels, length),
// or (batch, features) after flatten and global pooling.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "dnacnn/io/safetensors.hpp"
#include "dnacnn/models/model_spec.hpp"
#include "onnx_export/onnx_graph.hpp"

namespace dnacnn::onnx_export {

// The stored weights by name, checked against the shapes the spec implies. Built-in models store
// theirs under their own names (conv.weight, convs.1.bias, ...): `renames` maps a spec layer's
// prefix ("layers.3") to the stored one ("linear").
class WeightStore {
 public:
  WeightStore(const std::vector<io::NamedTensor>& tensors, std::string file, std::map<std::string, std::string> renames = {});
  // The tensor `<prefix>.<name>`; an Error naming the weights file when it is missing or has
  // another shape.
  const io::NamedTensor& get(const std::string& prefix, const std::string& name, const Ints& shape) const;
  std::string stored_name(const std::string& prefix, const std::string& name) const;

 private:
  std::map<std::string, const io::NamedTensor*> by_name_;
  std::string file_;
  std::map<std::string, std::string> renames_;
};

// Emits `layers` (parameters under `prefix`, "layers" at the top) on value `h` of shape `in`;
// returns the name of the block's output.
std::string emit_layers(OnnxGraph& graph, const WeightStore& weights, const std::vector<LayerSpec>& layers,
                        std::string h, TensorShape in, const std::string& prefix, std::int64_t targets);

}  // namespace dnacnn::onnx_export

// A thin builder over onnx::GraphProto: nodes whose outputs get fresh names, initializers (weights
// and the int64 shape/index constants some operators take as inputs), and attributes.
#pragma once
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace dnacnn::onnx_export {

using Ints = std::vector<std::int64_t>;
// An attribute's value: int, ints, float or string, as ONNX operators take them.
using AttributeValue = std::variant<std::int64_t, Ints, float, std::string>;
struct Attribute {
  std::string name;
  AttributeValue value;
};

class OnnxGraph {
 public:
  explicit OnnxGraph(onnx::GraphProto* graph) : graph_(graph) {}

  // Adds `op` on `inputs` with one output (the optional ones of MaxPool, LSTM, ... are left out);
  // returns the output's name.
  std::string node(const std::string& op, const std::vector<std::string>& inputs,
                   const std::vector<Attribute>& attributes = {});
  // A float32 initializer named `name` (a weight); returns the name.
  std::string weight(const std::string& name, const Ints& shape, const std::vector<float>& values);
  // A float32 scalar constant under a fresh name.
  std::string scalar(float value);
  // A 1-D int64 initializer (Reshape's shape, Slice's starts/ends/axes) under a fresh name.
  std::string ints(const Ints& values);
  // Renames the last node's first output (the graph's output is called "y", not "Sigmoid42").
  void rename_last_output(const std::string& name);

 private:
  std::string fresh(const std::string& stem) { return stem + std::to_string(next_++); }
  onnx::GraphProto* graph_;
  int next_ = 0;
};

}  // namespace dnacnn::onnx_export

#include "onnx_export/onnx_graph.hpp"

namespace dnacnn::onnx_export {
namespace {

void set_attribute(onnx::AttributeProto* a, const Attribute& attribute) {
  a->set_name(attribute.name);
  if (const auto* i = std::get_if<std::int64_t>(&attribute.value)) {
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(*i);
  } else if (const auto* v = std::get_if<Ints>(&attribute.value)) {
    a->set_type(onnx::AttributeProto::INTS);
    for (std::int64_t x : *v) a->add_ints(x);
  } else if (const auto* f = std::get_if<float>(&attribute.value)) {
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(*f);
  } else {
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(std::get<std::string>(attribute.value));
  }
}

}  // namespace

std::string OnnxGraph::node(const std::string& op, const std::vector<std::string>& inputs,
                            const std::vector<Attribute>& attributes) {
  onnx::NodeProto* n = graph_->add_node();
  const std::string name = fresh(op);
  n->set_op_type(op);
  n->set_name(name);
  for (const std::string& input : inputs) n->add_input(input);
  n->add_output(name);  // a value is named after the node that computes it
  for (const Attribute& attribute : attributes) set_attribute(n->add_attribute(), attribute);
  return name;
}

std::string OnnxGraph::weight(const std::string& name, const Ints& shape, const std::vector<float>& values) {
  onnx::TensorProto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (std::int64_t d : shape) t->add_dims(d);
  // raw_data is little-endian float32, which is how the values sit in memory here (x86, arm64).
  t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
  return name;
}

std::string OnnxGraph::scalar(float value) { return weight(fresh("scalar"), {}, {value}); }

void OnnxGraph::rename_last_output(const std::string& name) {
  graph_->mutable_node(graph_->node_size() - 1)->set_output(0, name);
}

std::string OnnxGraph::ints(const Ints& values) {
  onnx::TensorProto* t = graph_->add_initializer();
  const std::string name = fresh("const");
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(static_cast<std::int64_t>(values.size()));
  for (std::int64_t v : values) t->add_int64_data(v);
  return name;
}

}  // namespace dnacnn::onnx_export

// `dnacnn export --onnx`: the model directory's config and weights as an ONNX graph. Spec models
// (zoo and files) are their layers; cnn and deepcnn are their equivalent specs (built_in_as_spec)
// reading the built-in's weight names; linear is one matrix product over the flattened input.
#include "dnacnn/infer/onnx_export.hpp"

#include <onnx/checker.h>

#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/models/model_store.hpp"
#include "onnx_export/onnx_layers.hpp"

namespace dnacnn {
namespace {

using onnx_export::Ints;
using onnx_export::OnnxGraph;
using onnx_export::WeightStore;

// The logits (batch, targets) of the model on input "x" (batch, length, 4).
std::string emit_logits(OnnxGraph& graph, const StoredModel& model, const std::string& weights_file) {
  const ModelConfig& c = model.config;
  const auto targets = static_cast<std::int64_t>(c.targets.size());
  if (c.arch == "linear" && !c.spec) {
    // One weight per (position, base), position-major: the (length, 4) input flattened as it is.
    const WeightStore weights(model.weights, weights_file);
    const io::NamedTensor& w = weights.get("lin", "weight", {targets, 4 * c.length});
    const io::NamedTensor& b = weights.get("lin", "bias", {targets});
    const std::string flat = graph.node("Reshape", {"x", graph.ints({0, 4 * c.length})});
    return graph.node("Gemm", {flat, graph.weight(w.name, w.shape, w.values), graph.weight(b.name, b.shape, b.values)},
                      {{"transB", std::int64_t{1}}});
  }
  const ModelSpec spec = c.spec ? *c.spec : built_in_as_spec(c);
  const WeightStore weights(model.weights, weights_file, c.spec ? std::map<std::string, std::string>{}
                                                                : built_in_weight_names(c, spec));
  const std::string channels_first = graph.node("Transpose", {"x"}, {{"perm", Ints{0, 2, 1}}});
  return onnx_export::emit_layers(graph, weights, spec.layers, channels_first, spec_input_shape(c.length), "layers", targets);
}

void set_float_value(onnx::ValueInfoProto* value, const std::string& name, std::vector<std::int64_t> dims) {
  value->set_name(name);
  onnx::TypeProto_Tensor* type = value->mutable_type()->mutable_tensor_type();
  type->set_elem_type(onnx::TensorProto::FLOAT);
  onnx::TensorShapeProto* shape = type->mutable_shape();
  shape->add_dim()->set_dim_param("batch");  // any number of sequences
  for (std::int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

onnx::ModelProto onnx_model(const StoredModel& model, const std::string& weights_file) {
  onnx::ModelProto proto;
  proto.set_ir_version(onnx::IR_VERSION);
  proto.set_producer_name("dnacnn");
  proto.set_producer_version(DNACNN_VERSION);
  onnx::OperatorSetIdProto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  onnx::StringStringEntryProto* meta = proto.add_metadata_props();
  meta->set_key("dnacnn_config");
  meta->set_value(nlohmann::json(model.config).dump());

  onnx::GraphProto* graph_proto = proto.mutable_graph();
  graph_proto->set_name("dnacnn_" + model.config.arch);
  set_float_value(graph_proto->add_input(), "x", {model.config.length, 4});
  OnnxGraph graph(graph_proto);
  const std::string logits = emit_logits(graph, model, weights_file);
  // Binary models give probabilities, as `dnacnn predict` does.
  graph.node(model.config.binary() ? "Sigmoid" : "Identity", {logits});
  graph.rename_last_output("y");
  set_float_value(graph_proto->add_output(), "y", {static_cast<std::int64_t>(model.config.targets.size())});
  return proto;
}

}  // namespace

std::string onnx_model_bytes(const std::filesystem::path& model_dir) {
  const StoredModel stored = load_model(model_dir);
  std::string bytes;
  if (!onnx_model(stored, (model_dir / "weights.safetensors").string()).SerializeToString(&bytes))
    throw Error("internal error: the ONNX model could not be serialised (over 2 GB?)", {model_dir.string()});
  return bytes;
}

void export_onnx(const std::filesystem::path& model_dir, const std::filesystem::path& out) {
  const std::string bytes = onnx_model_bytes(model_dir);
  // A graph onnx's own checker refuses would be a bug here: say so rather than write it.
  if (const std::string problem = check_onnx_model(bytes); !problem.empty())
    throw Error("internal error: the ONNX graph fails onnx's checker: " + problem.substr(0, problem.find('\n')));
  io::AtomicFile file(out);
  file.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.commit();
}

std::string check_onnx_model(const std::string& bytes) {
  onnx::ModelProto proto;
  if (!proto.ParseFromString(bytes)) return "not a serialised ONNX ModelProto";
  try {
    onnx::checker::check_model(proto);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace dnacnn

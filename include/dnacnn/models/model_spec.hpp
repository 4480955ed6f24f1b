// Architectures as data: a model is a list of layers read from JSON (`train --model FILE.json`),
// checked against the input length before anything is built, stored in model/config.json and
// built into a LibTorch module by src/models/spec_model.cpp. Torch-free, so the CLI validates and
// prints specs without LibTorch headers. The format, every layer and its fields: docs/specs.md.
#pragma once
#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dnacnn {

// Layer types as a spec names them ("type": "conv1d", ...).
enum class LayerKind {
  conv1d, dense, relu, gelu, softplus, exp, sigmoid, tanh, maxpool, avgpool, batchnorm, layernorm, dropout,
  residual, concat, globalmaxpool, globalavgpool, flatten, bilstm, output, profile_head
};
std::string_view layer_kind_name(LayerKind kind);

enum class ConvPadding { valid, same };

struct LayerSpec {
  LayerKind kind = LayerKind::relu;
  // conv1d
  std::int64_t filters = 0;
  std::int64_t kernel = 0;
  std::int64_t dilation = 1;
  ConvPadding padding = ConvPadding::valid;
  bool bias = true;  // conv1d, dense
  std::int64_t units = 0;  // dense, bilstm (per direction)
  std::int64_t size = 0, stride = 0;  // maxpool, avgpool (stride 0: = size)
  std::int64_t bins = 1;  // global pooling: equal stretches pooled separately (1: the whole sequence)
  double p = 0;           // dropout
  // profile_head: the central `length` positions of the trunk get one profile per target (a
  // `kernel`-wide conv over the trunk, no padding) and a count (the trunk's mean over them, then dense).
  std::int64_t length = 0;
  std::vector<LayerSpec> layers;                 // residual: the block the skip connection bypasses
  std::vector<std::vector<LayerSpec>> branches;  // concat: blocks run on the same input, outputs joined

  std::int64_t pool_stride() const { return stride > 0 ? stride : size; }
};

struct ModelSpec {
  std::string name;      // what `dnacnn models` and reports call it
  std::string citation;  // the paper it follows (zoo specs), free text
  std::vector<LayerSpec> layers;
  std::string source;  // the file it was read from, for messages (not written to JSON)
};

// A spec from its JSON: a list of layers, or an object with "layers" (and optional "name",
// "citation"). Unknown layer types, unknown or mistyped fields and out-of-range values are
// UsageErrors naming `source` and the layer: "spec.json: layer 3 (maxpool): size must be ...".
// Shapes are not checked here (see spec_shapes).
ModelSpec model_spec_from_json(const nlohmann::json& j, const std::string& source);
nlohmann::json model_spec_json(const ModelSpec& spec);
// The spec's profile head (BPNet's: base-resolution profiles plus log counts), null when its last
// layer is a plain output.
const LayerSpec* profile_head_of(const ModelSpec& spec);
// The bases the profile head needs from the trunk: its length + kernel - 1.
inline std::int64_t profile_head_input(const LayerSpec& head) { return head.length + head.kernel - 1; }

// Reads a spec file; its name defaults to the file's stem.
ModelSpec read_model_spec(const std::filesystem::path& file);

// What flows between layers: (channels, length) per sequence, or `flat` features (channels).
struct TensorShape {
  std::int64_t channels = 4;
  std::int64_t length = 0;
  bool flat = false;
};

// The spec checked against an input of `length` bases and `targets` outputs: every layer's input
// fits it and the last layer is the output. Returns the parameter count. UsageError naming
// `source`, the layer (nested as "layer 4.2") and what does not fit.
std::int64_t check_spec_shapes(const ModelSpec& spec, std::int64_t length, std::int64_t targets,
                               const std::string& source);
// What `layer` turns `in` into, for a spec that check_spec_shapes accepted.
TensorShape layer_output_shape(const LayerSpec& layer, const TensorShape& in, std::int64_t targets);
// The input shape of a spec's first layer: 4 one-hot channels over `length` positions.
inline TensorShape spec_input_shape(std::int64_t length) { return {4, length, false}; }
// Every layer's weights, in build order (what a LibTorch module built from the spec holds).
std::int64_t layer_parameter_count(const LayerSpec& layer, const TensorShape& in, std::int64_t targets);

// A table of the layers (nested blocks indented) with each one's output shape and parameters, and
// the total: what `dnacnn models --summary` prints (check_spec_shapes first).
std::string spec_summary(const ModelSpec& spec, std::int64_t length, std::int64_t targets);

// The zoo: classic architectures as specs, sized for `length` bases (their papers' sizes at their
// papers' lengths, pools and kernels shrunk to fit shorter inputs).
struct ZooEntry {
  std::string name;
  std::string summary;
  std::string citation;
  std::int64_t paper_length = 0;  // the input length the paper used
};
const std::vector<ZooEntry>& zoo_entries();
bool is_zoo_model(std::string_view name);
// A zoo architecture, or linear/cnn/deepcnn at their default hyper-parameters, as a spec.
// UsageError listing the names for any other.
ModelSpec zoo_spec(std::string_view name, std::int64_t length);
// bpnet with a profile head over the central `output_length` bases (train --profile): as many
// dilated blocks as fit so that every profile position sees only real bases of the window (which
// lets scan share the trunk between overlapping windows). UsageError when output_length >= length.
ModelSpec bpnet_profile_spec(std::int64_t length, std::int64_t output_length);
// The profile head's default kernel (bpnet-lite's and ChromBPNet's 75), shrunk to fit `room` bases.
std::int64_t default_profile_kernel(std::int64_t room);

}  // namespace dnacnn

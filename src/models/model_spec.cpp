// Model specs from and to JSON, every field checked as it is read (shapes: spec_shapes.cpp).
#include "dnacnn/models/model_spec.hpp"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <cmath>
#include <set>

#include "dnacnn/core/enum_names.hpp"
#include "dnacnn/core/error.hpp"

namespace dnacnn {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 21> kLayerNames{
    "conv1d", "dense",  "relu",     "gelu",          "softplus",      "exp",     "sigmoid", "tanh",   "maxpool", "avgpool",
    "batchnorm", "layernorm", "dropout", "residual", "concat", "globalmaxpool", "globalavgpool", "flatten", "bilstm", "output",
    "profile_head"};

// The fields each layer type takes besides "type".
std::set<std::string> fields_of(LayerKind kind) {
  switch (kind) {
    case LayerKind::conv1d: return {"filters", "kernel", "dilation", "padding", "bias"};
    case LayerKind::dense: return {"units", "bias"};
    case LayerKind::maxpool:
    case LayerKind::avgpool: return {"size", "stride"};
    case LayerKind::globalmaxpool:
    case LayerKind::globalavgpool: return {"bins"};
    case LayerKind::dropout: return {"p"};
    case LayerKind::residual: return {"layers"};
    case LayerKind::concat: return {"branches"};
    case LayerKind::bilstm: return {"units"};
    case LayerKind::output: return {"bias"};
    case LayerKind::profile_head: return {"length", "kernel", "bias"};
    default: return {};
  }
}

// Reads one layer's fields; every complaint names the spec file and the layer.
class LayerReader {
 public:
  LayerReader(const json& j, std::string source, std::string where) : j_(j), source_(std::move(source)), where_(std::move(where)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(fmt::format("{}{}: {}", where_, kind_, what), {source_}, kExitUsageError);
  }

  LayerKind kind() {
    if (!j_.is_object()) fail("a layer is a JSON object such as {\"type\": \"relu\"}");
    if (!j_.contains("type") || !j_["type"].is_string()) fail("has no \"type\" (one of " + one_of(kLayerNames) + ")");
    const std::string type = j_["type"].get<std::string>();
    for (std::size_t i = 0; i < kLayerNames.size(); ++i)
      if (kLayerNames[i] == type) {
        kind_ = fmt::format(" ({})", type);
        return static_cast<LayerKind>(i);
      }
    fail(fmt::format("unknown layer type '{}' (known: {})", printable_excerpt(type), one_of(kLayerNames)));
  }

  void check_fields(LayerKind kind) const {
    const std::set<std::string> known = fields_of(kind);
    for (const auto& [key, value] : j_.items())
      if (key != "type" && !known.contains(key))
        fail(fmt::format("no field '{}'{}", printable_excerpt(key),
                         known.empty() ? "" : fmt::format(" (it takes: {})", fmt::join(known, ", "))));
  }

  std::int64_t integer(const char* key, std::int64_t fallback, std::int64_t lo, std::int64_t hi) const {
    if (!j_.contains(key)) {
      if (fallback < lo) fail(fmt::format("needs \"{}\"", key));
      return fallback;
    }
    const json& v = j_[key];
    // std::trunc, not a round trip through int64: a float beyond int64's range converts undefined.
    if (!v.is_number_integer() && !(v.is_number_float() && std::trunc(v.get<double>()) == v.get<double>()))
      fail(fmt::format("\"{}\" must be a whole number", key));
    const double d = v.get<double>();
    if (d < static_cast<double>(lo) || d > static_cast<double>(hi))
      fail(fmt::format("\"{}\" must be from {} to {}, got {}", key, lo, hi, v.dump()));
    return static_cast<std::int64_t>(d);
  }

  bool boolean(const char* key, bool fallback) const {
    if (!j_.contains(key)) return fallback;
    if (!j_[key].is_boolean()) fail(fmt::format("\"{}\" must be true or false", key));
    return j_[key].get<bool>();
  }

  double probability(const char* key) const {
    if (!j_.contains(key)) fail(fmt::format("needs \"{}\"", key));
    if (!j_[key].is_number()) fail(fmt::format("\"{}\" must be a number", key));
    const double p = j_[key].get<double>();
    if (!(p >= 0 && p < 1)) fail(fmt::format("\"{}\" must be in [0, 1), got {}", key, j_[key].dump()));
    return p;
  }

  ConvPadding padding() const {
    if (!j_.contains("padding")) return ConvPadding::valid;
    const json& v = j_["padding"];
    if (v == "same") return ConvPadding::same;
    if (v == "valid") return ConvPadding::valid;
    fail("\"padding\" must be \"same\" or \"valid\", got " + printable_excerpt(v.dump()));
  }

  const json& list(const char* key) const {
    if (!j_.contains(key) || !j_[key].is_array() || j_[key].empty()) fail(fmt::format("\"{}\" must be a non-empty list", key));
    return j_[key];
  }

  const std::string& source() const { return source_; }
  const std::string& where() const { return where_; }

 private:
  const json& j_;
  std::string source_, where_;
  std::string kind_;  // " (maxpool)" once the type is known
};

constexpr std::int64_t kMaxWidth = 1'000'000;  // filters, units, kernels, pools: far beyond any real model

std::vector<LayerSpec> read_layers(const json& list, const std::string& source, const std::string& prefix);

LayerSpec read_layer(const json& j, const std::string& source, const std::string& where) {
  LayerReader r(j, source, where);
  LayerSpec l;
  l.kind = r.kind();
  r.check_fields(l.kind);
  switch (l.kind) {
    case LayerKind::conv1d:
      l.filters = r.integer("filters", 0, 1, kMaxWidth);
      l.kernel = r.integer("kernel", 0, 1, kMaxWidth);
      l.dilation = r.integer("dilation", 1, 1, kMaxWidth);
      l.padding = r.padding();
      l.bias = r.boolean("bias", true);
      break;
    case LayerKind::dense: l.units = r.integer("units", 0, 1, kMaxWidth); l.bias = r.boolean("bias", true); break;
    case LayerKind::bilstm: l.units = r.integer("units", 0, 1, kMaxWidth); break;
    case LayerKind::output: l.bias = r.boolean("bias", true); break;
    case LayerKind::profile_head:
      l.length = r.integer("length", 0, 1, kMaxWidth);
      l.kernel = r.integer("kernel", 75, 1, kMaxWidth);
      l.bias = r.boolean("bias", true);
      break;
    case LayerKind::maxpool:
    case LayerKind::avgpool:
      l.size = r.integer("size", 0, 1, kMaxWidth);
      l.stride = r.integer("stride", 0, 0, kMaxWidth);
      break;
    case LayerKind::globalmaxpool:
    case LayerKind::globalavgpool: l.bins = r.integer("bins", 1, 1, kMaxWidth); break;
    case LayerKind::dropout: l.p = r.probability("p"); break;
    case LayerKind::residual: l.layers = read_layers(r.list("layers"), source, where + "."); break;
    case LayerKind::concat: {
      const json& branches = r.list("branches");
      for (std::size_t b = 0; b < branches.size(); ++b) {
        if (!branches[b].is_array() || branches[b].empty())
          r.fail(fmt::format("branch {} must be a non-empty list of layers", b));
        l.branches.push_back(read_layers(branches[b], source, fmt::format("{}.{}.", where, b)));
      }
      break;
    }
    default: break;
  }
  return l;
}

std::vector<LayerSpec> read_layers(const json& list, const std::string& source, const std::string& prefix) {
  std::vector<LayerSpec> layers;
  for (std::size_t i = 0; i < list.size(); ++i) layers.push_back(read_layer(list[i], source, prefix + std::to_string(i)));
  return layers;
}

json layers_json(const std::vector<LayerSpec>& layers);

json layer_json(const LayerSpec& l) {
  json j = {{"type", layer_kind_name(l.kind)}};
  switch (l.kind) {
    case LayerKind::conv1d:
      j["filters"] = l.filters;
      j["kernel"] = l.kernel;
      if (l.dilation != 1) j["dilation"] = l.dilation;
      j["padding"] = l.padding == ConvPadding::same ? "same" : "valid";
      if (!l.bias) j["bias"] = false;
      break;
    case LayerKind::dense: j["units"] = l.units; if (!l.bias) j["bias"] = false; break;
    case LayerKind::bilstm: j["units"] = l.units; break;
    case LayerKind::output: if (!l.bias) j["bias"] = false; break;
    case LayerKind::profile_head:
      j["length"] = l.length;
      j["kernel"] = l.kernel;
      if (!l.bias) j["bias"] = false;
      break;
    case LayerKind::maxpool:
    case LayerKind::avgpool: j["size"] = l.size; if (l.stride > 0 && l.stride != l.size) j["stride"] = l.stride; break;
    case LayerKind::globalmaxpool:
    case LayerKind::globalavgpool: if (l.bins != 1) j["bins"] = l.bins; break;
    case LayerKind::dropout: j["p"] = l.p; break;
    case LayerKind::residual: j["layers"] = layers_json(l.layers); break;
    case LayerKind::concat:
      j["branches"] = json::array();
      for (const auto& b : l.branches) j["branches"].push_back(layers_json(b));
      break;
    default: break;
  }
  return j;
}

json layers_json(const std::vector<LayerSpec>& layers) {
  json j = json::array();
  for (const auto& l : layers) j.push_back(layer_json(l));
  return j;
}

}  // namespace

std::string_view layer_kind_name(LayerKind kind) { return enum_name(kind, kLayerNames); }

const LayerSpec* profile_head_of(const ModelSpec& spec) {
  return !spec.layers.empty() && spec.layers.back().kind == LayerKind::profile_head ? &spec.layers.back() : nullptr;
}

ModelSpec model_spec_from_json(const json& j, const std::string& source) {
  const auto fail = [&](const std::string& what) { return Error(what, {source}, kExitUsageError); };
  ModelSpec spec;
  const json* layers = &j;
  if (j.is_object()) {
    for (const auto& [key, value] : j.items())
      if (key != "layers" && key != "name" && key != "citation")
        throw fail("a model spec takes \"layers\", \"name\" and \"citation\", not '" + printable_excerpt(key) + "'");
    if (!j.contains("layers")) throw fail("a model spec needs \"layers\": a list of layers");
    layers = &j["layers"];
    for (const char* key : {"name", "citation"})
      if (j.contains(key)) {
        if (!j[key].is_string()) throw fail(std::string("\"") + key + "\" must be a string");
        (key == std::string("name") ? spec.name : spec.citation) = j[key].get<std::string>();
      }
  }
  if (!layers->is_array() || layers->empty())
    throw fail("a model spec is a non-empty list of layers (or an object with \"layers\")");
  spec.layers = read_layers(*layers, source, "layer ");
  return spec;
}

json model_spec_json(const ModelSpec& spec) {
  json j = json::object();
  if (!spec.name.empty()) j["name"] = spec.name;
  if (!spec.citation.empty()) j["citation"] = spec.citation;
  j["layers"] = layers_json(spec.layers);
  return j;
}

ModelSpec read_model_spec(const std::filesystem::path& file) {
  std::ifstream in(file);
  // (a directory opens, and reading it then throws ios_base::failure from inside the parser: found by fuzzing)
  if (!in || std::filesystem::is_directory(file)) throw Error("cannot read model spec", {file.string()}, kExitUsageError);
  json j;
  try {
    j = json::parse(in);
  } catch (const json::parse_error& e) {
    // nlohmann's byte offset is the best position it gives; the message after "; " says what is wrong.
    const std::string what = e.what();
    const auto cut = what.find("; ");
    throw Error(fmt::format("not valid JSON at byte {}: {}", e.byte, cut == std::string::npos ? what : what.substr(cut + 2)),
                {file.string()}, kExitUsageError);
  } catch (const json::exception& e) {  // a number too large for a double: 1e999
    throw Error(std::string("not valid JSON: ") + e.what(), {file.string()}, kExitUsageError);
  }
  ModelSpec spec = model_spec_from_json(j, file.string());
  if (spec.name.empty()) spec.name = file.stem().string();
  spec.source = file.string();
  return spec;
}

}  // namespace dnacnn

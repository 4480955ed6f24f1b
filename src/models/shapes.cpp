// The architecture registry's torch-free half: what each architecture is called, takes and costs.
#include "models/shapes.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "dnacnn/core/error.hpp"
#include "dnacnn/models/model_spec.hpp"

namespace dnacnn {

CnnShape cnn_shape(const ModelConfig& c) {
  const std::int64_t filters = c.int_hparam("filters");
  const std::int64_t kernel = c.int_hparam("kernel_size");
  if (filters < 1 || kernel < 1) throw UsageError("cnn: --filters and --kernel-size must be at least 1");
  if (kernel > c.length)
    throw UsageError(fmt::format("cnn: kernel size {} is longer than the sequences ({} bp)", kernel, c.length));
  return {filters, kernel, c.length - kernel + 1, static_cast<std::int64_t>(c.targets.size())};
}

std::int64_t pooled_length(const ModelConfig& c, const DeepShape& s) {
  std::int64_t length = c.length;
  for (std::int64_t b = 1; b < s.blocks; ++b) length /= s.pool;
  return length;
}

DeepShape deep_shape(const ModelConfig& c) {
  DeepShape s{c.int_hparam("filters"), c.int_hparam("kernel_size"), c.int_hparam("blocks"),
              c.int_hparam("block_kernel_size"), c.int_hparam("pool"), c.int_hparam("hidden"),
              c.hparams.contains("bins") ? c.int_hparam("bins") : 1,  // models saved before bins existed
              static_cast<std::int64_t>(c.targets.size()), c.hparam("dropout")};
  if (s.filters < 1 || s.kernel < 1 || s.blocks < 1 || s.block_kernel < 1 || s.pool < 1 || s.hidden < 1 ||
      s.bins < 1)
    throw UsageError("deepcnn: filters, kernel sizes, blocks, pool, hidden and bins must be at least 1");
  if (!(s.dropout >= 0 && s.dropout < 1)) throw UsageError("deepcnn: dropout must be in [0, 1)");
  // 'same' padding keeps the length; each extra block first pools it down.
  const std::int64_t length = pooled_length(c, s);
  if (length < 1)
    throw UsageError(fmt::format("deepcnn: {} bp is too short for {} blocks with pool {}", c.length, s.blocks, s.pool));
  if (s.bins > length)
    throw UsageError(fmt::format("deepcnn: bins {} is more than the {} positions left after pooling", s.bins, length));
  return s;
}

ArchitectureInfo linear_info() {
  return {"linear", "Linear(4*L -> targets) on the flattened one-hot sequence (the notebook's DNA_Linear)", {},
          [](const ModelConfig& c) { return (4 * c.length + 1) * static_cast<std::int64_t>(c.targets.size()); }};
}

ArchitectureInfo cnn_info() {
  ArchitectureInfo info{"cnn", "Conv1d(4 -> filters, kernel_size) + ReLU + Linear (the notebook's DNA_CNN)",
                        {{"filters", 32}, {"kernel_size", 3}},
                        [](const ModelConfig& c) {
                          const CnnShape s = cnn_shape(c);
                          return s.filters * (4 * s.kernel + 1) + (s.filters * s.positions + 1) * s.targets;
                        }};
  info.first_conv = "conv";
  return info;
}

ArchitectureInfo deep_cnn_info() {
  ArchitectureInfo info{
      "deepcnn",
      "Conv1d + ReLU, then (blocks-1) x [MaxPool, Conv1d + ReLU], max+mean pooling over `bins` equal "
      "stretches (1: global), dropout, "
      "Linear(hidden) + ReLU, Linear -> targets",
      {{"filters", 64}, {"kernel_size", 3}, {"blocks", 2}, {"block_kernel_size", 3}, {"pool", 2}, {"hidden", 64},
       {"dropout", 0.1}, {"bins", 1}},
      [](const ModelConfig& c) {
        const DeepShape s = deep_shape(c);
        return s.filters * (4 * s.kernel + 1) + (s.blocks - 1) * s.filters * (s.filters * s.block_kernel + 1) +
               (2 * s.filters * s.bins + 1) * s.hidden + (s.hidden + 1) * s.targets;
      }};
  info.first_conv = "convs.0";
  return info;
}

// Adding an architecture: its info here (and in architecture_infos), its module in src/models/<name>.cpp.
const std::vector<ArchitectureInfo>& architecture_infos() {
  static const std::vector<ArchitectureInfo> infos{linear_info(), cnn_info(), deep_cnn_info()};
  return infos;
}

const ArchitectureInfo* built_in_architecture(const std::string& name) {
  for (const auto& info : architecture_infos())
    if (info.name == name) return &info;
  return nullptr;
}

namespace {

std::string known_models() {
  std::string known;
  for (const auto& info : architecture_infos()) known += (known.empty() ? "" : ", ") + info.name;
  for (const auto& zoo : zoo_entries()) known += ", " + zoo.name;
  return known;
}

bool names_spec_file(const std::string& model) {
  std::error_code ec;
  return model.ends_with(".json") || std::filesystem::is_regular_file(model, ec);
}

}  // namespace

const ArchitectureInfo& find_architecture(const std::string& name) {
  if (const ArchitectureInfo* info = built_in_architecture(name)) return *info;
  throw UsageError("unknown model architecture '" + name + "' (known: " + known_models() + ")");
}

void check_model_name(const std::string& model) {
  if (built_in_architecture(model) || is_zoo_model(model)) return;
  if (names_spec_file(model)) {
    read_model_spec(model);
    return;
  }
  throw UsageError("unknown model '" + model + "' (known: " + known_models() + "; or a spec file, FILE.json)");
}

std::map<std::string, double> model_hparam_defaults(const std::string& model) {
  const ArchitectureInfo* info = built_in_architecture(model);
  return info ? info->defaults : std::map<std::string, double>{};
}

ModelConfig make_model_config(const std::string& model, std::int64_t length,
                              const std::map<std::string, double>& overrides,
                              const std::vector<std::string>& targets) {
  const ArchitectureInfo* info = built_in_architecture(model);
  if (!info) {
    check_model_name(model);
    if (!overrides.empty())
      throw UsageError(fmt::format("model '{}' is a spec and takes no --hparam (or --filters, --kernel-size): print it "
                                   "with `dnacnn models --spec NAME`, edit it, and train with --model FILE.json",
                                   model));
    return spec_model_config(is_zoo_model(model) ? zoo_spec(model, length) : read_model_spec(model), length, targets);
  }
  ModelConfig config;
  config.arch = model;
  config.length = length;
  config.targets = targets;
  config.hparams = info->defaults;
  for (const auto& [key, value] : overrides) {
    if (!info->defaults.contains(key))
      throw UsageError(fmt::format("model '{}' takes no hyper-parameter '{}'", model, key));
    config.hparams[key] = value;
  }
  checked_parameter_count(config);
  return config;
}

ModelConfig spec_model_config(ModelSpec spec, std::int64_t length, const std::vector<std::string>& targets) {
  ModelConfig config;
  config.arch = spec.name.empty() ? "spec" : spec.name;
  config.length = length;
  config.targets = targets;
  config.spec = std::move(spec);
  config.spec->name = config.arch;
  if (profile_head_of(*config.spec)) config.loss = Loss::multinomial;  // the head trains only so
  checked_parameter_count(config);
  return config;
}

std::int64_t checked_parameter_count(const ModelConfig& config) {
  const std::int64_t n =
      config.spec ? check_spec_shapes(*config.spec, config.length, static_cast<std::int64_t>(config.targets.size()),
                                      !config.spec->source.empty() ? config.spec->source : "model spec '" + config.spec->name + "'")
                  : find_architecture(config.arch).parameter_count(config);
  if (n > kMaxParameters)
    throw UsageError(fmt::format("model would have {} parameters (limit {})", n, kMaxParameters));
  return n;
}

std::string first_conv_prefix(const ModelConfig& config) {
  if (!config.spec) return find_architecture(config.arch).first_conv;
  return !config.spec->layers.empty() && config.spec->layers[0].kind == LayerKind::conv1d ? "layers.0" : "";
}

}  // namespace dnacnn

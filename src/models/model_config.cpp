#include "core/json_get.hpp"
#include "dnacnn/models/model_config.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dnacnn/core/enum_names.hpp"
#include "dnacnn/core/error.hpp"

namespace dnacnn {

// Larger inputs than this are not DNA sequence models we can train on a machine anyway.
constexpr std::int64_t kMaxLength = 1'000'000;

double ModelConfig::hparam(const std::string& name) const {
  const auto it = hparams.find(name);
  if (it == hparams.end()) throw Error("model config has no hyper-parameter '" + name + "'");
  return it->second;
}

std::int64_t ModelConfig::int_hparam(const std::string& name) const {
  const double v = hparam(name);
  // A usage error for --hparam; load_model reports it as bad data located at config.json.
  if (v != std::floor(v) || v < 0 || v > 1e9)
    throw UsageError(fmt::format("model hyper-parameter '{}' must be a whole number from 0 to 1e9, got {:g}", name, v));
  return static_cast<std::int64_t>(v);
}

nlohmann::json hparams_json(const std::map<std::string, double>& hparams) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : hparams) {
    if (v == std::floor(v) && std::fabs(v) < 1e15)
      j[k] = static_cast<std::int64_t>(v);  // 32, not 32.0: these are counts and sizes
    else
      j[k] = v;
  }
  return j;
}

namespace {
constexpr std::array<std::string_view, 2> kTaskNames{"regression", "binary"};
constexpr std::array<std::string_view, 3> kLossNames{"mse", "poisson", "multinomial"};
}  // namespace

Loss parse_loss(std::string_view name) { return parse_enum<Loss>(name, kLossNames, "--loss"); }
std::string_view loss_name(Loss loss) { return enum_name(loss, kLossNames); }

std::int64_t ModelConfig::profile_length() const {
  const LayerSpec* head = spec ? profile_head_of(*spec) : nullptr;
  return head ? head->length : 0;
}

Task parse_task(std::string_view name) { return parse_enum<Task>(name, kTaskNames, "--task"); }
std::string_view task_name(Task task) { return enum_name(task, kTaskNames); }

void to_json(nlohmann::json& j, const ModelConfig& c) {
  j = {{"format", "dnacnn-model"},
       {"format_version", c.format_version},
       {"dnacnn_version", c.dnacnn_version},
       {"arch", c.arch},
       {"length", c.length},
       {"alphabet", c.alphabet},
       {"targets", c.targets},
       {"task", task_name(c.task)},
       {"output", c.binary() ? "sigmoid" : c.loss == Loss::poisson ? "exp" : "identity"},
       {"pad", c.pad.empty() ? nlohmann::json() : nlohmann::json(c.pad)},
       {"normalisation", {{"input", "one-hot"}, {"targets", c.target_normalisation}}},
       {"hparams", hparams_json(c.hparams)}};
  if (c.spec) j["spec"] = model_spec_json(*c.spec);
  if (c.loss != Loss::mse) j["loss"] = loss_name(c.loss);
}

ModelConfig model_config_from_json(const nlohmann::json& j, const std::string& source) {
  const auto fail = [&](const std::string& what) { return Error("invalid model config: " + what, {source}); };
  // value() throws on a mistyped key ({"format": 200}): check the type first.
  const auto is = [&](const char* key, const char* text) { return j.contains(key) && j[key] == text; };
  if (!j.is_object() || !is("format", "dnacnn-model")) throw fail("not a dnacnn model config");
  ModelConfig c;
  try {
    c.format_version = json_get::get<int>(j.at("format_version"));
    if (c.format_version != kModelFormatVersion)
      throw fail("format_version " + std::to_string(c.format_version) + " is not supported (this build reads " +
                 std::to_string(kModelFormatVersion) + ")");
    if (j.contains("dnacnn_version")) c.dnacnn_version = j.at("dnacnn_version").get<std::string>();
    c.arch = j.at("arch").get<std::string>();
    c.length = json_get::get<std::int64_t>(j.at("length"));
    c.alphabet = j.at("alphabet").get<std::string>();
    c.targets = j.at("targets").get<std::vector<std::string>>();
    const std::string task = j.at("task").get<std::string>();
    if (task != "regression" && task != "binary") throw fail("task '" + task + "' is not supported");
    c.task = parse_task(task);
    c.hparams = j.at("hparams").get<std::map<std::string, double>>();
    // Keys added after format 1 was first written: optional, with the behaviour of older models.
    if (j.contains("pad") && !j.at("pad").is_null()) c.pad = j.at("pad").get<std::string>();
    if (j.contains("normalisation")) c.target_normalisation = j.at("normalisation").value("targets", "none");
    if (j.contains("loss")) c.loss = parse_loss(j.at("loss").get<std::string>());
  } catch (const UsageError& e) {
    throw fail(e.message());
  } catch (const nlohmann::json::exception& e) {
    throw fail(std::string("missing or mistyped key (") + e.what() + ")");
  }
  if (c.length < 1 || c.length > kMaxLength) throw fail("length " + std::to_string(c.length) + " out of range");
  if (c.alphabet != "ACGT") throw fail("alphabet '" + c.alphabet + "' is not supported");
  if (c.targets.empty()) throw fail("no targets");
  if (!c.pad.empty() && c.pad != "left" && c.pad != "right" && c.pad != "both") throw fail("pad '" + c.pad + "' is not left, right or both");
  if (c.target_normalisation != "none")
    throw fail("target normalisation '" + c.target_normalisation + "' is not supported");
  if (j.contains("spec")) {
    try {  // a saved model's bad layers are bad data (exit 1), not bad usage
      c.spec = model_spec_from_json(j.at("spec"), source);
      c.spec->name = c.arch;
      check_spec_shapes(*c.spec, c.length, static_cast<std::int64_t>(c.targets.size()), source);
    } catch (const Error& e) {
      throw fail("spec: " + e.message());
    }
  }
  if ((c.loss == Loss::multinomial) != (c.profile_length() > 0))
    throw fail("loss multinomial goes with a profile_head as the spec's last layer, and only with it");
  if (c.loss != Loss::mse && c.binary()) throw fail("a binary model's loss is binary cross-entropy");
  return c;
}

ModelConfig read_model_config(const std::filesystem::path& model_dir) {
  const std::filesystem::path file = model_dir / "config.json";
  if (!std::filesystem::is_directory(model_dir))
    throw Error("not a model directory (expected a directory holding config.json and weights.safetensors)",
                {model_dir.string()});
  std::ifstream in(file);
  if (!in || std::filesystem::is_directory(file)) throw Error("cannot read model config", {file.string()});
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw Error("model config is not valid JSON", {file.string()});
  return model_config_from_json(j, file.string());
}

}  // namespace dnacnn

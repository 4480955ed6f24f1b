#include "dnacnn/train/run_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "dnacnn/core/error.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/models/model_spec.hpp"

namespace dnacnn {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// What run.json holds besides "params"; only data.path, input, name and rule are read back.
const std::set<std::string> kTopKeys{"name", "dnacnn_version", "command", "finished", "data", "params", "rule", "input"};
// Values run.json records about the run rather than options of it.
const std::set<std::string> kDerivedParams{"length", "parameters"};

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw Error(what, {path.string()}, kExitUsageError);
}

json parse_file(const fs::path& path) {
  std::ifstream in(path);
  // (a directory opens, and reading it then throws ios_base::failure from inside the parser: found by fuzzing)
  if (!in || fs::is_directory(path)) throw Error("cannot read the --config file", {path.string()}, kExitUsageError);
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    fail(path, fmt::format("not JSON (byte {})", e.byte));
  } catch (const json::exception& e) {  // a number too large for a double (found by make fuzz)
    fail(path, std::string("not JSON: ") + e.what());
  }
}

// "params" as TrainOptions: the defaults, then each key in turn, so a bad value names its key.
TrainOptions options_from(const fs::path& path, const json& params) {
  if (!params.is_object()) fail(path, "'params' must be an object");
  const json known = TrainOptions{};
  json merged = known;
  merged.erase("weight_decay");  // absent: the optimiser's own default (adamw: 0.01)
  if (params.contains("arch")) merged["arch"] = params["arch"];
  std::string arch;
  try {
    arch = merged.at("arch").get<std::string>();
  } catch (const json::exception&) {
    fail(path, "key 'params.arch': must be a string");
  }
  // A built-in architecture (its hyper-parameters may sit inline), a zoo model, or a spec: recorded
  // in "spec" (run.json), else read from the file "arch" names, relative to this file.
  const ArchitectureInfo* info = built_in_architecture(arch);
  if (!info && !is_zoo_model(arch) && !params.contains("spec")) {
    const fs::path spec_file = fs::path(arch).is_absolute() || fs::exists(arch) ? fs::path(arch) : path.parent_path() / arch;
    try {
      merged["spec"] = model_spec_json(read_model_spec(spec_file));
    } catch (const Error& e) {
      fail(path, fmt::format("key 'params.arch': {}{}", e.where().file.empty() ? "" : e.where().file + ": ", e.message()));
    }
    merged["arch"] = spec_file.string();
  }
  for (const auto& [key, value] : params.items()) {
    if (kDerivedParams.contains(key)) continue;
    const bool hparam = info && info->defaults.contains(key);
    const bool optional_key = key == "spec" || key == "folds" || key == "fold" || key == "fold_by";
    if (!hparam && (!known.contains(key) || key == "hparams" || key == "label") && !optional_key)
      fail(path, fmt::format("unknown key 'params.{}'", key));
    (hparam ? merged["hparams"][key] : merged[key]) = value;
    try {
      TrainOptions probe;
      from_json(merged, probe);
    } catch (const json::exception&) {
      fail(path, fmt::format("key 'params.{}': {} is not a value it takes", key, printable_excerpt(value.dump())));
    } catch (const Error& e) {  // usage errors, and a recorded spec's bad layers
      fail(path, fmt::format("key 'params.{}': {}", key, e.message()));
    }
  }
  TrainOptions options = merged.get<TrainOptions>();
  try {
    options.validate();
  } catch (const UsageError& e) {
    fail(path, e.message());
  }
  return options;
}

void read_input(const fs::path& path, const json& input, RunConfig& config) {
  try {
    for (const auto& [key, value] : input.items()) {
      if (key == "table")
        config.table = value.get<TableOptions>();
      else if (key == "intervals")
        config.intervals = value.get<IntervalDataOptions>();
      else
        fail(path, fmt::format("unknown key 'input.{}'", key));
    }
  } catch (const json::exception&) {
    fail(path, "key 'input': not the table and intervals objects run.json holds");
  } catch (const UsageError& e) {
    fail(path, fmt::format("key 'input': {}", e.message()));
  }
}

}  // namespace

RunConfig read_run_config(const fs::path& path) {
  const json j = parse_file(path);
  if (!j.is_object()) fail(path, "must be a JSON object (as run.json)");
  for (const auto& [key, value] : j.items())
    if (!kTopKeys.contains(key)) fail(path, fmt::format("unknown key '{}'", key));
  RunConfig config;
  config.options = options_from(path, j.value("params", json::object()));
  if (j.contains("name")) {
    if (!j["name"].is_string()) fail(path, "key 'name': must be a string");
    config.name = j["name"].get<std::string>();
  }
  if (j.contains("data")) {
    const json& data = j["data"];
    if (!data.is_object() || (data.contains("path") && !data["path"].is_string()))
      fail(path, "key 'data': must be an object whose 'path' is a string");
    if (data.contains("path")) {
      const fs::path data_path = data["path"].get<std::string>();
      config.data = data_path.is_absolute() ? data_path : path.parent_path() / data_path;
    }
  }
  if (j.contains("input")) read_input(path, j["input"], config);
  config.rule = j.value("rule", json());
  return config;
}

std::string option_key_of_flag(const std::string& flag) {
  if (flag == "--model") return "arch";
  std::string key = flag.starts_with("--") ? flag.substr(2) : flag;
  for (char& c : key)
    if (c == '-') c = '_';
  return key;
}

TrainOptions override_options(const TrainOptions& base, const TrainOptions& given, const std::vector<std::string>& keys) {
  json merged = base;
  const json from = given;
  for (const std::string& key : keys)
    if (from.contains(key) && key != "hparams" && key != "label") merged[key] = from[key];
  const auto given_key = [&](const char* key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); };
  // Hyper-parameters belong to the architecture: another --model starts from its defaults; the
  // weight decay likewise belongs to the optimiser (adamw's default is not sgd's).
  // A spec recorded for the old model goes with it.
  if (merged["arch"] != json(base.arch)) {
    merged["hparams"] = json::object();
    merged.erase("spec");
  }
  if (merged["optimizer"] != json(optimizer_name(base.optimizer)) && !given_key("weight_decay")) merged.erase("weight_decay");
  // run.json records the engine that trained; "fused" was there because it applied, and auto picks
  // it again where it still does (and LibTorch for e.g. --optimizer adamw given now).
  if (!given_key("engine") && merged["engine"] == "fused") merged["engine"] = "auto";
  return merged.get<TrainOptions>();
}

}  // namespace dnacnn

// What a saved model is: its architecture and hyper-parameters, stored as model/config.json.
// Plain data, so loading a model never runs code.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace dnacnn {

inline constexpr int kModelFormatVersion = 1;

struct ModelConfig {
  std::string arch;                       // registry name: "linear", "cnn", ...
  std::int64_t length = 0;                // input length in bases
  std::string alphabet = "ACGT";          // one-hot channel order
  std::vector<std::string> targets{"score"};
  std::string task = "regression";       // regression | binary (outputs are logits; predictions sigmoid(logit))
  // "left" | "right" | "both" when trained with --length: inputs of another length are centre-cropped
  // or N-padded to `length` at prediction time too. Empty: inputs must have `length` bases.
  std::string pad;
  // How targets were transformed before training; "none" (predictions are on the targets' own scale).
  std::string target_normalisation = "none";
  std::map<std::string, double> hparams;  // architecture hyper-parameters (filters, kernel_size, ...)
  int format_version = kModelFormatVersion;
  std::string dnacnn_version = DNACNN_VERSION;

  double hparam(const std::string& name) const;  // throws Error when missing
  std::int64_t int_hparam(const std::string& name) const;
  bool binary() const { return task == "binary"; }
};

void to_json(nlohmann::json& j, const ModelConfig& c);
// Whole numbers as JSON integers (32, not 32.0).
nlohmann::json hparams_json(const std::map<std::string, double>& hparams);
// Validates as it reads: unknown format versions, missing keys and absurd sizes are Errors.
ModelConfig model_config_from_json(const nlohmann::json& j, const std::string& source);

ModelConfig read_model_config(const std::filesystem::path& model_dir);

}  // namespace dnacnn

// What a saved model is: its architecture and hyper-parameters, stored as model/config.json.
// Plain data, so loading a model never runs code.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dnacnn/models/model_spec.hpp"

namespace dnacnn {

inline constexpr int kModelFormatVersion = 1;

// What a model predicts: regression (MSE on the targets) or binary (BCE on logits; targets 0/1;
// predictions are sigmoid(logit)).
enum class Task { regression, binary };
Task parse_task(std::string_view name);  // UsageError "--task must be regression or binary, got ..."
std::string_view task_name(Task task);

// What the training loss makes of a regression model's output. mse: the output is the target.
// poisson: the output is a log rate (predictions are exp of it; torch's poisson_nll_loss with
// log_input). multinomial: a profile model (BPNet): a profile head's logits, a multinomial negative
// log-likelihood on the observed counts, plus MSE on each track's log(1 + total count), which is the
// model's per-target output.
enum class Loss { mse, poisson, multinomial };
Loss parse_loss(std::string_view name);  // UsageError "--loss must be one of mse, poisson, multinomial"
std::string_view loss_name(Loss loss);

struct ModelConfig {
  // A built-in architecture's registry name ("linear", "cnn", "deepcnn"; built by src/models/<name>.cpp
  // from `hparams`), or, for a model built from a spec (zoo or file), the spec's name.
  std::string arch;
  std::int64_t length = 0;                // input length in bases
  std::string alphabet = "ACGT";          // one-hot channel order
  std::vector<std::string> targets{"score"};
  Task task = Task::regression;
  // "left" | "right" | "both" when trained with --length: inputs of another length are centre-cropped
  // or N-padded to `length` at prediction time too. Empty: inputs must have `length` bases.
  std::string pad;
  // How targets were transformed before training; "none" (predictions are on the targets' own scale).
  std::string target_normalisation = "none";
  std::map<std::string, double> hparams;  // architecture hyper-parameters (filters, kernel_size, ...)
  std::optional<ModelSpec> spec;          // set: the model is built from these layers (hparams empty)
  Loss loss = Loss::mse;                  // regression only (saved as "loss" when not mse)
  int format_version = kModelFormatVersion;
  std::string dnacnn_version = DNACNN_VERSION;

  double hparam(const std::string& name) const;  // throws Error when missing
  std::int64_t int_hparam(const std::string& name) const;
  bool binary() const { return task == Task::binary; }
  // The profile head's output length: 0 for models without one.
  std::int64_t profile_length() const;
};

void to_json(nlohmann::json& j, const ModelConfig& c);
// Whole numbers as JSON integers (32, not 32.0).
nlohmann::json hparams_json(const std::map<std::string, double>& hparams);
// Validates as it reads: unknown format versions, missing keys and absurd sizes are Errors.
ModelConfig model_config_from_json(const nlohmann::json& j, const std::string& source);

ModelConfig read_model_config(const std::filesystem::path& model_dir);

}  // namespace dnacnn

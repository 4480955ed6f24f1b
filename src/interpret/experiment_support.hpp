// What marginalize and ablate share: the model's predictions for one target, effect statistics,
// summary.json and the report's effect histogram.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dnacnn/infer/predict.hpp"
#include "dnacnn/interpret/experiments.hpp"
#include "report/section.hpp"

namespace dnacnn::experiments {

// The index of --target among the model's targets (0 when empty); UsageError naming the choices.
std::size_t target_index(const ModelConfig& config, const std::string& target);

// The model's (or ensemble's) prediction of `target` for each sequence.
std::vector<double> predict_target(const Predictor& predictor, const std::vector<std::string>& seqs, std::size_t target);

// n, mean and sample standard deviation of `effects`.
MotifEffect summarise(const std::string& motif, const std::vector<double>& effects);

// {"mean_effect", "sd_effect", "n"} of the first, then "motifs": every one's.
nlohmann::json summary_json(const std::vector<MotifEffect>& effects);

// A histogram of each motif's effects, one colour per motif.
report::Chart effect_histogram(const std::vector<std::string>& motifs, const std::vector<double>& effects,
                               const std::string& title);

// The summary as an HTML table.
std::string effects_table_html(const std::vector<MotifEffect>& effects);

}  // namespace dnacnn::experiments

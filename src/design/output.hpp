// What `dnacnn design` writes (torch-free): designs.tsv, trajectory.tsv, logos, design.json and
// the HTML report.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "design/engine.hpp"
#include "dnacnn/models/model_config.hpp"

namespace dnacnn {

struct DesignOutputs {
  std::vector<DesignTrack> tracks;
  std::vector<double> start_scores, final_scores;
  std::vector<float> final_outputs;           // designs x targets, as `predict` gives them
  std::vector<std::vector<float>> edit_gains;  // first --logos designs: per position, the score lost by undoing its edit
  std::vector<std::vector<float>> ism;         // first --logos designs: objective ISM, length x 4
  nlohmann::ordered_json summary;              // design.json
};

void write_design_outputs(const DesignRequest& request, const ModelConfig& config, const DesignOutputs& outputs);

}  // namespace dnacnn

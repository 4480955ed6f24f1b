// A training run on disk: RUN/model/, history.tsv, predictions.tsv, metrics.json, run.json.
#pragma once
#include "dnacnn/io/md5.hpp"  // file_md5: what runs record of their inputs
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {

// How the run was started, for run.json and the report.
struct RunContext {
  std::string command_line;
  std::filesystem::path data_path;  // empty for in-memory data
  nlohmann::json rule;              // the scoring rule of simulated data (scoring_rule_to_json); null: unknown
  nlohmann::json input;             // how the data were read: {"table": ..., "intervals": ...} (null: unknown)
};

// Makes `dir` ready for a new run. An existing non-empty directory is refused unless `force`.
void prepare_output_directory(const std::filesystem::path& dir, bool force);

// The "models.<name>" entry of metrics.json: test/val/train metrics, train_seconds, epochs, params.
nlohmann::json model_metrics_json(const TrainOptions& options, const TrainResult& result);

// Writes every file of the run, each atomically.
void write_run(const std::filesystem::path& dir, const std::string& name, const SequenceData& data,
               const TrainOptions& options, const TrainResult& result, const RunContext& context);


}  // namespace dnacnn

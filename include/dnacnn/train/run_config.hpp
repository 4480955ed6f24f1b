// `dnacnn train --config FILE`: a run's recorded configuration (the run.json every train writes, or
// a hand-written file with the same keys) read back as the options that train the same run again.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/data/intervals.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {

struct RunConfig {
  TrainOptions options;     // "params": every key optional, defaults as on the command line
  std::string name;         // "name" ("" when absent)
  std::filesystem::path data;  // "data.path", relative to the file's directory ("" when absent)
  // "input": how the data were read (written by train since --config; absent: the defaults).
  std::optional<TableOptions> table;
  std::optional<IntervalDataOptions> intervals;
  nlohmann::json rule;      // "rule" (null when absent)
};

// Reads `path`. An unknown key, a value of the wrong type or out of range: a one-line Error naming
// the file and the key, exit 2.
RunConfig read_run_config(const std::filesystem::path& path);

// The keys of "params" that are TrainOptions (the others: derived values and hyper-parameters).
// A command-line flag overrides the key named like it ("--batch-size" -> "batch_size").
std::string option_key_of_flag(const std::string& flag);

// `base` with the values of `given` for each key in `keys` (TrainOptions' JSON keys).
TrainOptions override_options(const TrainOptions& base, const TrainOptions& given, const std::vector<std::string>& keys);

}  // namespace dnacnn

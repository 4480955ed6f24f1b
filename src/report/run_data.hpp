// What the report is made of, read from run directories (dnacnn train) and directories of runs
// (dnacnn demo). Every field is optional on disk: sections show only what was found.
#pragma once
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "report/error_analysis.hpp"
#include "report/test_points.hpp"

namespace dnacnn::report {

struct EpochLoss {
  int epoch = 0;
  std::optional<double> train_loss;  // missing when NA (a diverged epoch)
  std::optional<double> val_loss;    // missing when there is no validation split
  // The later columns of history.tsv by name (lr, val_r2, val_pearson, val_auroc, val_auprc), when
  // present and not NA.
  std::map<std::string, double> values;
};

// A `dnacnn motifs` output inside a run directory (e.g. RUN/motifs, RUN/motifs-t1).
struct MotifSet {
  std::filesystem::path dir;
  nlohmann::json info;  // motifs.json
};

// One trained model: a run directory.
struct ModelRun {
  std::filesystem::path dir;
  std::string name;        // its key in metrics.json
  std::string label;       // unique among the report's models (name, or name and directory)
  nlohmann::json metrics;  // metrics.json "models.<name>"
  nlohmann::json info;     // run.json; null when absent
  std::vector<EpochLoss> history;
  std::optional<TestPoints> test;  // from predictions.tsv
  std::vector<MotifSet> motif_sets;  // sub-directories holding motifs.json, by name
  std::optional<ErrorAnalysis> errors;  // from predictions.tsv, grouped by run.json's "rule" when present
};

// A sweep's sweep.tsv (dnacnn sweep), as text.
struct SweepTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// Runs that belong together below the report's directory: a sweep (DIR/sweep.tsv) or an
// experiment such as the demo's positional-scoring one. DIR/about.json may give "title" and "intro".
struct RunSet {
  std::filesystem::path dir;
  std::string title;
  std::string intro;
  std::vector<ModelRun> models;
  std::optional<SweepTable> sweep;
};

// A demo's spot_checks.tsv: group, seq, actual, then one column per model.
struct SpotChecks {
  std::filesystem::path file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct ReportData {
  std::vector<ModelRun> models;
  std::vector<SpotChecks> spot_checks;
  std::vector<RunSet> sets;  // sweeps and experiments, each its own section
};

// A run directory has metrics.json and at least one of history.tsv, predictions.tsv, run.json.
bool is_run_directory(const std::filesystem::path& dir);

// Reads each directory: a run, a sweep (a RunSet), or a directory whose sub-directories are runs
// (its own spot_checks.tsv is read too) and run sets. Throws Error for a directory that is none of
// these, or a malformed file.
ReportData load_report_data(const std::vector<std::filesystem::path>& dirs, const SampleLimits& limits = {});

}  // namespace dnacnn::report

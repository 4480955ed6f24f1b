#include "report/run_data.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/table.hpp"

namespace dnacnn::report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json read_json(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in || fs::is_directory(path)) throw Error("cannot open file", {path.string()});
  try {
    return json::parse(in);
  } catch (const json::exception& e) {  // parse errors, and numbers too large for a double
    throw Error(std::string("not valid JSON: ") + e.what(), {path.string()});
  }
}

// Losses in double precision: a diverging run logs values far beyond float's range.
std::optional<double> loss_value(std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::vector<EpochLoss> read_history(const fs::path& path) {
  io::TableReader table(path, '\t');
  const std::size_t epoch_col = table.require_column("epoch");
  const std::size_t train_col = table.require_column("train_loss");
  const auto val_col = table.find_column("val_loss");
  std::vector<std::pair<std::string, std::size_t>> value_cols;
  for (const char* name : {"lr", "val_r2", "val_pearson", "val_auroc", "val_auprc"})
    if (const auto col = table.find_column(name)) value_cols.emplace_back(name, *col);
  std::vector<EpochLoss> history;
  while (table.next()) {
    const auto epoch = io::parse_finite_float(table.field(epoch_col));
    if (!epoch) throw Error("epoch is not a number", {path.string(), table.line_number(), table.column_of(epoch_col)});
    EpochLoss e{static_cast<int>(*epoch), loss_value(table.field(train_col)),
                val_col ? loss_value(table.field(*val_col)) : std::nullopt, {}};
    for (const auto& [name, col] : value_cols)
      if (const auto v = loss_value(table.field(col))) e.values[name] = *v;
    history.push_back(std::move(e));
  }
  return history;
}

SpotChecks read_spot_checks(const fs::path& path) {
  io::TableReader table(path, '\t');
  SpotChecks checks{path, table.header(), {}};
  while (table.next()) {
    std::vector<std::string> row;
    for (std::size_t i = 0; i < checks.header.size(); ++i) row.emplace_back(table.field(i));
    checks.rows.push_back(std::move(row));
  }
  return checks;
}

ModelRun read_run(const fs::path& dir, const SampleLimits& limits) {
  ModelRun run;
  run.dir = dir;
  const fs::path metrics_path = dir / "metrics.json";
  const json metrics = read_json(metrics_path);
  if (fs::exists(dir / "run.json")) run.info = read_json(dir / "run.json");
  const json& models = metrics.contains("models") ? metrics["models"] : json();
  if (!models.is_object() || models.empty()) throw Error("has no \"models\" entry", {metrics_path.string()});
  // metrics.json of a run names one model; prefer the one run.json names if there are more.
  const std::string named = run.info.is_object() ? run.info.value("name", "") : "";
  run.name = models.contains(named) ? named : models.begin().key();
  run.metrics = models[run.name];
  if (fs::exists(dir / "history.tsv")) run.history = read_history(dir / "history.tsv");
  if (fs::exists(dir / "predictions.tsv")) {
    run.test = read_test_points(dir / "predictions.tsv", limits);
    std::optional<ScoringRule> rule;
    if (run.info.is_object() && run.info.contains("rule")) rule = scoring_rule_from_json(run.info["rule"], (dir / "run.json").string());
    run.errors = analyse_errors(dir / "predictions.tsv", rule, 12, limits.max_seq_chars);
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory() && fs::is_regular_file(entry.path() / "motifs.json"))
      run.motif_sets.push_back({entry.path(), read_json(entry.path() / "motifs.json")});
  std::sort(run.motif_sets.begin(), run.motif_sets.end(),
            [](const MotifSet& a, const MotifSet& b) { return a.dir.filename() < b.dir.filename(); });
  return run;
}

// Runs under a demo-like directory, in the order they finished (the order they were trained).
std::vector<fs::path> sub_runs(const fs::path& dir) {
  std::vector<std::pair<std::string, fs::path>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_directory() || !is_run_directory(entry.path())) continue;
    std::string finished;
    if (fs::exists(entry.path() / "run.json")) finished = read_json(entry.path() / "run.json").value("finished", "");
    found.emplace_back(finished + "\n" + entry.path().filename().string(), entry.path());
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> runs;
  for (auto& f : found) runs.push_back(std::move(f.second));
  return runs;
}

SweepTable read_sweep_table(const fs::path& path) {
  const SpotChecks table = read_spot_checks(path);  // the same shape: a header and text rows
  return {table.header, table.rows};
}

bool is_run_set(const fs::path& dir) { return fs::is_regular_file(dir / "sweep.tsv") || !sub_runs(dir).empty(); }

RunSet read_run_set(const fs::path& dir, const SampleLimits& limits) {
  RunSet set;
  set.dir = dir;
  const bool sweep = fs::is_regular_file(dir / "sweep.tsv");
  if (sweep) set.sweep = read_sweep_table(dir / "sweep.tsv");
  set.title = (sweep ? "Sweep: " : "Runs in ") + dir.filename().string();
  if (fs::is_regular_file(dir / "about.json")) {
    const json about = read_json(dir / "about.json");
    if (about.is_object()) {
      set.title = about.value("title", set.title);
      set.intro = about.value("intro", "");
    }
  }
  for (const fs::path& r : sub_runs(dir)) set.models.push_back(read_run(r, limits));
  return set;
}

// Labels must be unique: charts and tables are keyed by them.
void assign_labels(std::vector<ModelRun>& models) {
  std::map<std::string, int> uses;
  for (const ModelRun& m : models) ++uses[m.name];
  std::map<std::string, int> seen;
  for (ModelRun& m : models) {
    m.label = uses[m.name] == 1 ? m.name : m.name + " (" + m.dir.filename().string() + ")";
    if (const int n = ++seen[m.label]; n > 1) m.label += " #" + std::to_string(n);
  }
}

}  // namespace

bool is_run_directory(const fs::path& dir) {
  // A folds run (train --folds) has the ensemble's metrics.json, but its runs are its fold-i.
  if (fs::is_regular_file(dir / "folds.json")) return false;
  return fs::is_regular_file(dir / "metrics.json") &&
         (fs::exists(dir / "history.tsv") || fs::exists(dir / "predictions.tsv") || fs::exists(dir / "run.json"));
}

ReportData load_report_data(const std::vector<fs::path>& dirs, const SampleLimits& limits) {
  if (dirs.empty()) throw UsageError("no run directory given");
  ReportData data;
  for (fs::path dir : dirs) {
    if (dir.filename().empty()) dir = dir.parent_path();  // "runs/demo/" -> "runs/demo"
    if (!fs::is_directory(dir)) throw Error("not a directory", {dir.string()});
    if (is_run_directory(dir)) {
      data.models.push_back(read_run(dir, limits));
      continue;
    }
    if (fs::is_regular_file(dir / "sweep.tsv")) {
      data.sets.push_back(read_run_set(dir, limits));
      continue;
    }
    const std::vector<fs::path> runs = sub_runs(dir);
    std::vector<fs::path> sets;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_directory() && !is_run_directory(entry.path()) && is_run_set(entry.path())) sets.push_back(entry.path());
    std::sort(sets.begin(), sets.end());
    if (runs.empty() && sets.empty())
      throw Error("not a run directory (no metrics.json with history.tsv, predictions.tsv or run.json) "
                  "and no sub-directory is one",
                  {dir.string()});
    for (const fs::path& r : runs) data.models.push_back(read_run(r, limits));
    for (const fs::path& s : sets) data.sets.push_back(read_run_set(s, limits));
    if (fs::exists(dir / "spot_checks.tsv")) data.spot_checks.push_back(read_spot_checks(dir / "spot_checks.tsv"));
  }
  assign_labels(data.models);
  for (RunSet& set : data.sets) assign_labels(set.models);
  return data;
}

}  // namespace dnacnn::report

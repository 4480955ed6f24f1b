#include "dnacnn/report/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "dnacnn/core/error.hpp"
#include "dnacnn/report/report.hpp"
#include "report/run_data.hpp"

namespace dnacnn {

namespace {

std::string number(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number()) return "NA";
  return fmt::format("{:.6g}", object[key].get<double>());
}

double test_r2(const report::ModelRun& m) {
  const nlohmann::json& t = m.metrics.is_object() && m.metrics.contains("test") ? m.metrics["test"] : nlohmann::json();
  return t.is_object() && t.contains("r2") && t["r2"].is_number() ? t["r2"].get<double>() : -INFINITY;
}

}  // namespace

std::string compare_runs(const CompareOptions& options) {
  if (options.runs.size() < 2 && !(options.runs.size() == 1 && !report::is_run_directory(options.runs.front())))
    throw UsageError("compare needs at least two runs (or a directory of runs)");
  report::ReportData data = report::load_report_data(options.runs, {.sample_from = 1, .sample_size = 0});
  std::vector<report::ModelRun> models = data.models;
  for (const report::RunSet& set : data.sets) models.insert(models.end(), set.models.begin(), set.models.end());
  std::string title = options.title;
  if (title.empty()) {
    title = "dnacnn compare: ";
    for (std::size_t i = 0; i < models.size() && i < 6; ++i) title += (i ? " vs " : "") + models[i].label;
    if (models.size() > 6) title += fmt::format(" and {} more", models.size() - 6);
  }
  write_report({options.runs, options.out, title});

  std::stable_sort(models.begin(), models.end(),
                   [](const report::ModelRun& a, const report::ModelRun& b) { return test_r2(a) > test_r2(b); });
  std::string tsv = "model\trun\ttest_r2\ttest_mse\ttest_pearson\ttest_spearman\ttest_n\tepochs\ttrain_seconds\tstatus\n";
  for (const report::ModelRun& m : models) {
    const nlohmann::json& test = m.metrics.is_object() && m.metrics.contains("test") ? m.metrics["test"] : nlohmann::json();
    tsv += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", m.label, m.dir.string(), number(test, "r2"),
                       number(test, "mse"), number(test, "pearson"), number(test, "spearman"), number(test, "n"),
                       number(m.metrics, "epochs"), number(m.metrics, "train_seconds"),
                       m.metrics.is_object() ? m.metrics.value("status", "ok") : "ok");
  }
  return tsv;
}

}  // namespace dnacnn

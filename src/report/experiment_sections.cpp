// Sections for the notebook's exercises: error analysis of each model (Q3), hyper-parameter
// sweeps (Q2) and groups of runs such as the positional-scoring experiment (Q1).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "dnacnn/io/table.hpp"
#include "report/charts.hpp"
#include "report/html.hpp"
#include "report/sections.hpp"
#include "report/tables.hpp"

namespace dnacnn::report {

using json = nlohmann::ordered_json;

namespace {

// Residual charts side by side, then per model its worst predictions (and group statistics).
void add_error_blocks(std::vector<Block>& blocks, const std::vector<ModelRun>& models) {
  ChartRow residuals, groups;
  std::string details;
  for (std::size_t i = 0; i < models.size(); ++i) {
    const ModelRun& m = models[i];
    if (!m.errors || !m.test) continue;
    if (!m.test->points.empty()) residuals.charts.push_back(residual_chart(m, i));
    if (!m.errors->groups.empty()) groups.charts.push_back(residual_groups_chart(m, i));
    details += "<details><summary>" + escape_html(m.label) + ": worst-predicted test sequences" +
               (m.errors->groups.empty() ? "" : " and residuals by motif group") + "</summary>\n" +
               (m.errors->groups.empty() ? "" : residual_groups_table(m)) + worst_predictions_table(m) + "</details>\n";
  }
  if (!residuals.charts.empty()) blocks.push_back(std::move(residuals));
  if (!groups.charts.empty()) blocks.push_back(std::move(groups));
  if (!details.empty()) blocks.push_back(Html{std::move(details)});
}

std::string column(const SweepTable& t, const std::vector<std::string>& row, const std::string& name) {
  const auto it = std::find(t.header.begin(), t.header.end(), name);
  const auto i = static_cast<std::size_t>(it - t.header.begin());
  return it == t.header.end() || i >= row.size() ? std::string() : row[i];
}

// The sweep's parameters that take more than one value: they name the curves.
std::vector<std::string> varying(const SweepTable& t, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& name : names) {
    std::set<std::string> values;
    for (const auto& row : t.rows) values.insert(column(t, row, name));
    if (values.size() > 1) out.push_back(name);
  }
  return out;
}

std::string curve_label(const SweepTable& t, const std::vector<std::string>& row, const std::vector<std::string>& vary) {
  std::string label;
  for (const std::string& name : vary) label += (label.empty() ? "" : ", ") + name + " " + column(t, row, name);
  return label.empty() ? column(t, row, "run") : label;
}

// Test R² against learning rate, one line per model (and per other varying parameter).
std::optional<Chart> r2_by_lr_chart(const RunSet& set) {
  const SweepTable& t = *set.sweep;
  const std::vector<std::string> others = varying(t, {"optimizer", "batch_size", "epochs"});
  json values = json::array();
  for (const auto& row : t.rows) {
    const auto lr = io::parse_finite_float(column(t, row, "lr"));
    const auto r2 = io::parse_finite_float(column(t, row, "test_r2"));
    if (!lr || !r2) continue;  // diverged: no R²
    std::string series = column(t, row, "model");
    for (const std::string& o : others) series += ", " + o + " " + column(t, row, o);
    values.push_back({{"series", series}, {"lr", *lr}, {"test R2", round_significant(*r2, 4)},
                      {"status", column(t, row, "status")}});
  }
  if (values.empty()) return std::nullopt;
  json spec = {{"$schema", kVegaLiteSchema},
               {"title", {{"text", "Test R\u00b2 by learning rate"}, {"subtitle", "diverged runs are left out"}}},
               {"width", 340},
               {"height", 260},
               {"data", {{"values", std::move(values)}}},
               {"mark", {{"type", "line"}, {"point", true}, {"tooltip", true}}},
               {"encoding",
                {{"x", {{"field", "lr"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}, {"title", "learning rate"}}},
                 {"y", {{"field", "test R2"}, {"type", "quantitative"}, {"title", "test R\u00b2"}}},
                 {"color", {{"field", "series"}, {"type", "nominal"}, {"title", "model"}}}}},
               {"config", chart_config()}};
  return Chart{"sweep_r2_" + file_slug(set.dir.filename().string()), std::move(spec), false};
}

// One loss chart per model of the sweep, its curves named by the parameters that vary.
void add_sweep_blocks(std::vector<Block>& blocks, const RunSet& set) {
  const SweepTable& t = *set.sweep;
  blocks.push_back(Html{sweep_table(t)});
  const std::vector<std::string> vary = varying(t, {"optimizer", "lr", "batch_size", "epochs"});
  std::map<std::string, const std::vector<std::string>*> row_of_run;
  for (const auto& row : t.rows) row_of_run[column(t, row, "run")] = &row;
  std::vector<std::string> archs;
  for (const auto& row : t.rows)
    if (std::find(archs.begin(), archs.end(), column(t, row, "model")) == archs.end()) archs.push_back(column(t, row, "model"));
  ChartRow losses;
  for (const std::string& arch : archs) {
    std::vector<ModelRun> runs;
    double y_max = 0;
    bool diverged = false;
    for (const ModelRun& m : set.models) {
      const auto it = row_of_run.find(m.dir.filename().string());
      if (it == row_of_run.end() || column(t, *it->second, "model") != arch) continue;
      ModelRun copy = m;
      copy.label = curve_label(t, *it->second, vary);
      diverged = diverged || column(t, *it->second, "status") != "ok";
      if (column(t, *it->second, "status") == "ok")
        for (const EpochLoss& e : m.history) y_max = std::max({y_max, e.train_loss.value_or(0), e.val_loss.value_or(0)});
      runs.push_back(std::move(copy));
    }
    LossChartStyle style{"sweep_loss_" + file_slug(arch), "Loss per epoch: " + arch, std::nullopt};
    if (diverged && y_max > 0) style.y_max = y_max * 1.05;
    if (std::optional<Chart> c = loss_chart(runs, style)) {
      c->spec["width"] = 420;
      losses.charts.push_back(std::move(*c));
    }
  }
  if (!losses.charts.empty()) blocks.push_back(std::move(losses));
  if (std::optional<Chart> c = r2_by_lr_chart(set)) blocks.push_back(ChartRow{{std::move(*c)}});
}

}  // namespace

std::optional<Section> error_analysis_section(const ReportData& data) {
  Section s{"errors", "Error analysis (test split)",
            {paragraph("Where each model goes wrong: residual = predicted - actual. A model that has learned the "
                       "rule has residuals near zero everywhere; structure in the residuals (a slope, one motif "
                       "group off zero) shows what it missed. Groups come from the scoring rule of simulated data.")}};
  add_error_blocks(s.blocks, data.models);
  if (s.blocks.size() == 1) return std::nullopt;
  return s;
}

std::vector<Section> run_set_sections(const ReportData& data) {
  std::vector<Section> sections;
  for (const RunSet& set : data.sets) {
    Section s{"set-" + file_slug(set.dir.filename().string()), set.title, {}};
    if (!set.intro.empty()) s.blocks.push_back(paragraph(set.intro));
    if (set.sweep) {
      add_sweep_blocks(s.blocks, set);
    } else {
      std::vector<ModelRun> models = set.models;  // thinned: the top-level runs carry the full clouds
      for (ModelRun& m : models)
        if (m.test) m.test = thinned(*m.test, kSecondaryChartPoints);
      s.blocks.push_back(Html{metrics_table(models)});
      LossChartStyle style;
      style.name = "loss_" + file_slug(set.dir.filename().string());
      if (std::optional<Chart> c = loss_chart(models, style)) s.blocks.push_back(ChartRow{{std::move(*c)}});
      if (std::optional<ChartRow> row = predicted_vs_actual_row(models)) s.blocks.push_back(std::move(*row));
      add_error_blocks(s.blocks, models);
    }
    sections.push_back(std::move(s));
  }
  return sections;
}

}  // namespace dnacnn::report

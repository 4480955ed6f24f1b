#include "report/tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "dnacnn/io/table.hpp"
#include "report/html.hpp"

namespace dnacnn::report {

using nlohmann::json;

namespace {

const json& field(const json& object, const char* key) {
  static const json kNull;
  return object.is_object() && object.contains(key) ? object[key] : kNull;
}

std::string swatch(std::size_t index) { return fmt::format("<span class=\"swatch swatch-{}\"></span>", index % 10); }

// A JSON value as short plain text (not yet escaped).
std::string plain(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return fmt::format("{:.6g}", v.get<double>());
  if (v.is_null()) return "";
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

void add_row(std::string& out, std::string_view key, const std::string& value_html) {
  if (value_html.empty()) return;
  out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", escape_html(key), value_html);
}

void add_text_row(std::string& out, std::string_view key, const json& value) {
  add_row(out, key, escape_html(plain(value)));
}

}  // namespace

std::string metrics_table(const std::vector<ModelRun>& models) {
  double best = -1e300;
  for (const ModelRun& m : models)
    if (const json& r2 = field(field(m.metrics, "test"), "r2"); r2.is_number()) best = std::max(best, r2.get<double>());
  std::vector<std::vector<Cell>> rows;
  for (std::size_t i = 0; i < models.size(); ++i) {
    const ModelRun& m = models[i];
    const json& test = field(m.metrics, "test");
    const json& r2 = field(test, "r2");
    const bool is_best = models.size() > 1 && r2.is_number() && r2.get<double>() == best;
    const json& seconds = field(m.metrics, "train_seconds");
    const json& status = field(m.metrics, "status");
    rows.push_back({{swatch(i) + escape_html(m.label), "model"},
                    count_cell(field(test, "n")),
                    {number_cell(r2, 4).html, is_best ? "num best" : "num"},
                    number_cell(field(test, "mse"), 4),
                    number_cell(field(test, "pearson"), 4),
                    number_cell(field(test, "spearman"), 4),
                    number_cell(field(field(m.metrics, "val"), "r2"), 4),
                    number_cell(field(field(m.metrics, "train"), "r2"), 4),
                    count_cell(field(m.metrics, "epochs")),
                    seconds.is_number() ? Cell{fmt::format("{:.2f} s", seconds.get<double>()), "num"} : Cell{"&ndash;", "num"},
                    text_cell(plain(status), plain(status) == "ok" || status.is_null() ? "" : "warn")});
  }
  return html_table({"model", "test n", "R\u00b2", "MSE", "Pearson", "Spearman", "val R\u00b2", "train R\u00b2",
                     "epochs", "training time", "status"},
                    rows, "data metrics");
}

std::string worst_predictions_table(const ModelRun& model) {
  std::vector<std::vector<Cell>> rows;
  const bool ids = model.test && model.test->has_ids;
  for (std::size_t i = 0; i < model.errors->worst.size(); ++i) {
    const TestPoint& p = model.errors->worst[i];
    std::vector<Cell> row;
    if (ids) row.push_back(text_cell(p.id));
    row.push_back(text_cell(p.seq, "seq"));
    if (model.errors->groups.size() > 0) row.push_back(text_cell(model.errors->worst_groups[i]));
    row.push_back({fmt::format("{:.3f}", p.actual), "num"});
    row.push_back({fmt::format("{:.3f}", p.predicted), "num"});
    row.push_back({fmt::format("{:+.3f}", double(p.predicted) - p.actual), "num"});
    rows.push_back(std::move(row));
  }
  std::vector<std::string> header;
  if (ids) header.push_back("id");
  header.push_back("sequence");
  if (model.errors->groups.size() > 0) header.push_back("motifs");
  header.insert(header.end(), {"actual", "predicted", "residual"});
  return html_table(header, rows, "data worst");
}

std::string residual_groups_table(const ModelRun& model) {
  std::vector<std::vector<Cell>> rows;
  for (const ResidualGroup& g : model.errors->groups)
    rows.push_back({text_cell(g.name, "seq"), count_cell(static_cast<long long>(g.n)), number_cell(g.mean, 3),
                    number_cell(g.rmse, 3), number_cell(g.median, 3), number_cell(g.min, 3), number_cell(g.max, 3)});
  return html_table({"motifs", "test n", "mean residual", "RMSE", "median", "min", "max"}, rows, "data groups");
}

std::string sweep_table(const SweepTable& sweep) {
  std::vector<std::vector<Cell>> rows;
  const auto status_col = std::find(sweep.header.begin(), sweep.header.end(), "status") - sweep.header.begin();
  for (const auto& row : sweep.rows) {
    std::vector<Cell> cells;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const auto number = io::parse_finite_float(row[i]);
      if (static_cast<std::ptrdiff_t>(i) == status_col) cells.push_back(text_cell(row[i], row[i] == "ok" ? "" : "warn"));
      else if (number && i > 2) cells.push_back({escape_html(row[i]), "num"});
      else cells.push_back(text_cell(row[i]));
    }
    rows.push_back(std::move(cells));
  }
  return html_table(sweep.header, rows, "data sweep");
}

std::string spot_check_table(const SpotChecks& checks) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& row : checks.rows) {
    std::vector<Cell> cells;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const auto number = io::parse_finite_float(row[i]);
      // The first two columns are text (group, sequence) even when they look like numbers.
      if (number && i >= 2) cells.push_back({fmt::format("{:.3f}", *number), "num"});
      else cells.push_back(text_cell(row[i], i == 1 ? "seq" : ""));
    }
    rows.push_back(std::move(cells));
  }
  return "<p class=\"source\">from " + escape_html(checks.file.string()) + "</p>\n" +
         html_table(checks.header, rows, "data spot-checks");
}

std::string run_details_card(const ModelRun& model, std::size_t index) {
  const json& info = model.info;
  const json& data = field(info, "data");
  json params = field(info, "params");
  if (params.is_null()) params = field(model.metrics, "params");

  std::string rows;
  add_text_row(rows, "run directory", model.dir.string());
  add_row(rows, "command", field(info, "command").is_string() && !plain(field(info, "command")).empty()
                               ? "<code>" + escape_html(plain(field(info, "command"))) + "</code>" : "");
  add_text_row(rows, "dnacnn version", field(info, "dnacnn_version"));
  add_text_row(rows, "finished (UTC)", field(info, "finished"));
  const json& seconds = field(model.metrics, "train_seconds");
  if (seconds.is_number())
    add_text_row(rows, "training time", fmt::format("{:.2f} s for {} epochs", seconds.get<double>(),
                                                    plain(field(model.metrics, "epochs"))));
  add_text_row(rows, "data file", field(data, "path").is_null() ? field(data, "source") : field(data, "path"));
  add_row(rows, "data MD5", field(data, "md5").is_string() ? "<code>" + escape_html(plain(field(data, "md5"))) + "</code>" : "");
  if (field(data, "rows").is_number())
    add_text_row(rows, "data", fmt::format("{} rows, length {}, target column \u201c{}\u201d",
                                           with_thousands(field(data, "rows").get<long long>()),
                                           plain(field(data, "length")), plain(field(data, "target"))));
  if (params.is_object()) {
    add_text_row(rows, "seed / split seed", plain(field(params, "seed")) + " / " + plain(field(params, "split_seed")));
    add_text_row(rows, "threads / device", plain(field(params, "threads")) + " / " + plain(field(params, "device")));
  }

  // Everything else the model was trained with (architecture, optimiser, hyperparameters).
  static const std::set<std::string> kShown = {"seed", "split_seed", "threads", "device"};
  std::string others;
  if (params.is_object())
    for (const auto& [key, value] : params.items())
      if (!kShown.count(key))
        others += fmt::format("<span class=\"param\"><span class=\"key\">{}</span> {}</span> ", escape_html(key),
                              escape_html(plain(value)));
  add_row(rows, "parameters", others);

  return fmt::format("<div class=\"card\"><h3>{}{}</h3>\n<table class=\"meta\">\n{}</table></div>\n", swatch(index),
                     escape_html(model.label), rows);
}

}  // namespace dnacnn::report

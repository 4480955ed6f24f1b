// designs.tsv, trajectory.tsv, the edit and attribution logos, design.json and report.html.
#include "design/output.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/interpret/logos.hpp"
#include "report/charts.hpp"
#include "report/html.hpp"
#include "report/page.hpp"

namespace dnacnn {

namespace {

using json = nlohmann::ordered_json;

constexpr std::size_t kChartDesigns = 50;  // trajectories drawn (all are in trajectory.tsv)

void write_designs(const std::filesystem::path& dir, const ModelConfig& config, const DesignOutputs& o) {
  io::AtomicFile file(dir / "designs.tsv");
  std::string text = "id\tsequence\tstart_score\tfinal_score\tedits";
  for (const auto& t : config.targets) text += '\t' + t;
  text += "\tstart_sequence\n";
  const std::size_t n_targets = config.targets.size();
  for (std::size_t i = 0; i < o.tracks.size(); ++i) {
    const DesignTrack& t = o.tracks[i];
    std::int64_t edits = 0;
    for (std::size_t p = 0; p < t.best.size(); ++p) edits += t.best[p] != t.start[p];
    fmt::format_to(std::back_inserter(text), "{}\t{}\t{:.7g}\t{:.7g}\t{}", t.id, codes_to_string(t.best), o.start_scores[i],
                   o.final_scores[i], edits);
    for (std::size_t k = 0; k < n_targets; ++k) fmt::format_to(std::back_inserter(text), "\t{:.7g}", o.final_outputs[i * n_targets + k]);
    text += '\t' + codes_to_string(t.start) + '\n';
  }
  file.stream() << text;
  file.commit();
}

void write_trajectory(const std::filesystem::path& dir, const DesignOutputs& o) {
  io::AtomicFile file(dir / "trajectory.tsv");
  std::string text = "id\tround\tscore\tedits\n";
  for (const DesignTrack& t : o.tracks)
    for (std::size_t r = 0; r < t.trajectory.size(); ++r)
      fmt::format_to(std::back_inserter(text), "{}\t{}\t{:.7g}\t{}\n", t.id, r, t.trajectory[r], t.trajectory_edits[r]);
  file.stream() << text;
  file.commit();
}

report::Chart trajectory_chart(const DesignRequest& r, const DesignOutputs& o, const std::string& y_title) {
  json values = json::array();
  for (std::size_t i = 0; i < o.tracks.size() && i < kChartDesigns; ++i)
    for (std::size_t k = 0; k < o.tracks[i].trajectory.size(); ++k)
      values.push_back({{"id", o.tracks[i].id}, {"round", k}, {"score", report::round_significant(o.tracks[i].trajectory[k], 6)},
                        {"edits", o.tracks[i].trajectory_edits[k]}});
  const std::string x_title = r.method == DesignMethod::gradient ? "step" : "round";
  json spec = {
      {"$schema", report::kVegaLiteSchema},
      {"title", {{"text", "Best score per " + x_title},
                 {"subtitle", o.tracks.size() > kChartDesigns ? fmt::format("the first {} of {} designs", kChartDesigns, o.tracks.size())
                                                              : fmt::format("{} designs", o.tracks.size())}}},
      {"width", 640},
      {"height", 260},
      {"data", {{"values", std::move(values)}}},
      {"mark", {{"type", "line"}, {"strokeWidth", 1.5}}},
      {"encoding",
       {{"x", {{"field", "round"}, {"type", "quantitative"}, {"title", x_title}, {"axis", {{"tickMinStep", 1}}}}},
        {"y", {{"field", "score"}, {"type", "quantitative"}, {"title", y_title}, {"scale", {{"zero", false}}}}},
        {"color", {{"field", "id"}, {"type", "nominal"}, {"title", "design"},
                   {"legend", o.tracks.size() <= 12 ? json(json::object()) : json(nullptr)}}},
        {"tooltip", {{{"field", "id"}, {"type", "nominal"}},
                     {{"field", "round"}, {"type", "quantitative"}},
                     {{"field", "score"}, {"type", "quantitative"}, {"format", ".4g"}},
                     {{"field", "edits"}, {"type", "quantitative"}}}}}},
      {"config", report::chart_config()}};
  return report::Chart{"trajectory", std::move(spec)};
}

// Letters at edited positions: the new base, as tall as the score its edit adds.
std::string edits_logo(const DesignTrack& t, const std::vector<float>& gains, const std::string& title) {
  std::vector<Column> heights(t.best.size(), Column{});
  double lo = 0, hi = 0;
  for (std::size_t p = 0; p < t.best.size(); ++p) {
    if (t.best[p] == t.start[p]) continue;
    heights[p][t.best[p]] = gains[p];
    lo = std::min(lo, double(gains[p]));
    hi = std::max(hi, double(gains[p]));
  }
  if (hi - lo < 1e-12) hi = lo + 1;
  return logo_svg(heights, lo, hi, "score gain", title, score_logo_axis(t.best.size(), lo, hi));
}

// ISM of the objective: each base as tall as minus the mean score change of mutating it away.
std::string attribution_logo(const DesignTrack& t, const std::vector<float>& ism, const std::string& title) {
  std::vector<Column> heights(t.best.size(), Column{});
  double lo = 0, hi = 0;
  for (std::size_t p = 0; p < t.best.size(); ++p) {
    double sum = 0;
    for (int b = 0; b < kChannels; ++b) sum += ism[p * kChannels + static_cast<std::size_t>(b)];
    const double h = -sum / 3;
    heights[p][t.best[p]] = h;
    lo = std::min(lo, h);
    hi = std::max(hi, h);
  }
  if (hi - lo < 1e-12) hi = lo + 1;
  return logo_svg(heights, lo, hi, "ISM attribution", title, score_logo_axis(t.best.size(), lo, hi));
}

// The sequence with its edited bases marked.
std::string marked_sequence(const DesignTrack& t) {
  std::string html = "<code>";
  for (std::size_t p = 0; p < t.best.size(); ++p) {
    const char base = "ACGT"[t.best[p]];
    html += t.best[p] != t.start[p] ? fmt::format("<mark>{}</mark>", base) : std::string(1, base);
  }
  return html + "</code>";
}

}  // namespace

void write_design_outputs(const DesignRequest& r, const ModelConfig& config, const DesignOutputs& o) {
  const std::filesystem::path& dir = r.out;
  io::ensure_directory(dir);
  write_designs(dir, config, o);
  write_trajectory(dir, o);
  io::write_file_atomically(dir / "design.json", o.summary.dump(2) + "\n");

  const std::string scale = o.summary.value("score_scale", "output");
  const std::string y_title = fmt::format("score ({})", scale);
  std::vector<report::Block> logos;
  if (!o.ism.empty()) io::ensure_directory(dir / "logos");
  for (std::size_t i = 0; i < o.ism.size(); ++i) {
    const DesignTrack& t = o.tracks[i];
    const std::string stem = fmt::format("{}_{}", i + 1, report::file_slug(t.id));
    const std::string edits = edits_logo(t, o.edit_gains[i], fmt::format("{}: edits ({} -> {})", t.id,
                                         fmt::format("{:.4g}", o.start_scores[i]), fmt::format("{:.4g}", o.final_scores[i])));
    const std::string attribution = attribution_logo(t, o.ism[i], fmt::format("{}: ISM of the objective (score {:.4g})", t.id, o.final_scores[i]));
    io::write_file_atomically(dir / "logos" / (stem + "_edits.svg"), edits);
    io::write_file_atomically(dir / "logos" / (stem + "_attribution.svg"), attribution);
    logos.push_back(report::Html{"<div class=\"card\"><h3>" + report::escape_html(t.id) + "</h3>" + edits + attribution + "</div>\n"});
  }
  std::vector<std::vector<report::Cell>> rows;
  for (std::size_t i = 0; i < o.tracks.size(); ++i) {
    std::int64_t edits = 0;
    for (std::size_t p = 0; p < o.tracks[i].best.size(); ++p) edits += o.tracks[i].best[p] != o.tracks[i].start[p];
    rows.push_back({report::text_cell(o.tracks[i].id), report::Cell{marked_sequence(o.tracks[i]), ""},
                    report::number_cell(o.start_scores[i], 4), report::number_cell(o.final_scores[i], 4),
                    report::count_cell(edits)});
  }
  const std::string intro = fmt::format(
      "<p>{} designs of {} bp by <b>{}</b> ({} {}, {} sequences scored), objective <code>{}</code> ({}; scores are "
      "on the {} scale). Edited bases are marked; every round's score is in <code>trajectory.tsv</code>.</p>\n",
      o.tracks.size(), config.length, report::escape_html(std::string(design_method_name(r.method))),
      o.summary.value("rounds", std::int64_t{0}), r.method == DesignMethod::gradient ? "steps" : "rounds",
      report::with_thousands(o.summary.value("mutants_scored", std::int64_t{0})), report::escape_html(o.summary.value("objective", "")),
      report::escape_html(o.summary.value("goal", "")), report::escape_html(scale));
  const std::vector<report::Section> sections{
      {"designs", "Designed sequences",
       {report::Html{intro}, report::Html{report::html_table({"id", "sequence", "start_score", "final_score", "edits"}, rows)}}},
      {"trajectory", "Trajectory", {report::ChartRow{{trajectory_chart(r, o, y_title)}}}},
      {"logos", "Edits and attribution",
       logos.empty() ? std::vector<report::Block>{report::Html{"<p>No logos (--logos 0).</p>"}} : logos}};
  io::ensure_directory(dir / "charts");
  const report::Chart chart = trajectory_chart(r, o, y_title);
  io::write_file_atomically(dir / "charts" / "trajectory.vl.json", chart.spec.dump(1) + "\n");
  io::write_file_atomically(dir / "report.html", report::render_page({"dnacnn design", r.models.front().string()}, sections));
}

}  // namespace dnacnn

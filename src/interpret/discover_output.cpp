#include "interpret/discover_output.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/io/motif_formats.hpp"
#include "dnacnn/interpret/logos.hpp"
#include "report/html.hpp"
#include "report/page.hpp"
#include "dnacnn/core/error.hpp"
#include "interpret/discover_detail.hpp"

namespace dnacnn::discover_detail {

namespace {

namespace fs = std::filesystem;
using report::escape_html;

std::string with_sep(std::int64_t n) { return report::with_thousands(static_cast<long long>(n)); }

const char* sign_name(int sign) { return sign > 0 ? "positive" : "negative"; }

std::string patterns_table(const DiscoverSummary& s) {
  std::string out = "pattern\tsign\tseqlets\tconsensus\tbest_match\tbest_match_name\tmatch_similarity\tmatch_pvalue\n";
  for (std::size_t k = 0; k < s.result.patterns.size(); ++k) {
    const Pattern& p = s.result.patterns[k];
    out += fmt::format("{}\t{}\t{}\t{}", p.name, sign_name(p.sign), p.members.size(), p.consensus);
    if (s.matches[k].empty()) {
      out += "\t-\t-\tNA\tNA\n";
      continue;
    }
    const MotifMatch& m = s.matches[k].front();
    out += fmt::format("\t{}\t{}\t{:.3f}\t{:.3g}\n", m.target_id, m.target_name.empty() ? "-" : m.target_name,
                       m.alignment.similarity(), m.p_value);
  }
  return out;
}

// 1-based, inclusive, as attributions.tsv counts positions.
std::string seqlets_table(const AttributionSet& set, const DiscoverResult& r) {
  std::string out = "pattern\tid\tstart\tend\tstrand\tsimilarity\n";
  for (const Pattern& p : r.patterns)
    for (const PatternMember& m : p.members)
      fmt::format_to(std::back_inserter(out), "{}\t{}\t{}\t{}\t{}\t{:.3f}\n", p.name, set.ids[m.seq], m.start + 1, m.end,
                     m.reverse ? '-' : '+', m.similarity);
  return out;
}

std::string matrices_table(const Pattern& p) {
  std::string out = "position\tA\tC\tG\tT\tcwm_A\tcwm_C\tcwm_G\tcwm_T\thcwm_A\thcwm_C\thcwm_G\thcwm_T\n";
  for (std::size_t i = 0; i < p.pwm.size(); ++i) {
    out += std::to_string(i + 1);
    for (const auto* m : {&p.pwm, &p.cwm, &p.hcwm})
      for (double v : (*m)[i]) out += fmt::format("\t{:.6g}", v);
    out += "\n";
  }
  return out;
}

double nice_step(double span) {
  const double raw = span / 4, magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * magnitude) return m * magnitude;
  return 10 * magnitude;
}

// Signed letters: the CWM (contributions of the observed bases) or the hypothetical CWM.
std::string contribution_logo(const std::vector<Column>& m, const std::string& label, const std::string& title) {
  double lo = 0, hi = 0;
  for (const Column& c : m) {
    double up = 0, down = 0;
    for (double v : c) (v > 0 ? up : down) += v;
    hi = std::max(hi, up);
    lo = std::min(lo, down);
  }
  if (hi - lo < 1e-12) hi = lo + 1;
  LogoAxis axis;
  axis.column_width = 28;
  axis.tick_step = nice_step(hi - lo);
  return logo_svg(m, lo, hi, label, title, axis);
}

struct Logos {
  std::string pwm, cwm, hcwm;
};

Logos pattern_logos(const Pattern& p) {
  const std::string head = fmt::format("{} ({} seqlets)", p.name, p.members.size());
  return {information_logo_svg(p.motif(), head + " PWM"), contribution_logo(p.cwm, "contribution", head + " CWM"),
          contribution_logo(p.hcwm, "hypothetical", head + " hypothetical CWM")};
}

nlohmann::json summary_json(const DiscoverRequest& q, const AttributionSet& set, const DiscoverSummary& s) {
  const DiscoverOptions& o = q.options;
  const SeqletStats& st = s.result.stats;
  nlohmann::json patterns = nlohmann::json::array();
  for (std::size_t k = 0; k < s.result.patterns.size(); ++k) {
    const Pattern& p = s.result.patterns[k];
    nlohmann::json j = {{"name", p.name}, {"sign", sign_name(p.sign)}, {"seqlets", p.members.size()},
                        {"consensus", p.consensus}, {"pwm", p.pwm}, {"cwm", p.cwm}, {"hcwm", p.hcwm}};
    if (!s.matches[k].empty())
      j["best_match"] = {{"id", s.matches[k][0].target_id}, {"name", s.matches[k][0].target_name},
                         {"similarity", s.matches[k][0].alignment.similarity()}, {"p_value", s.matches[k][0].p_value}};
    patterns.push_back(j);
  }
  nlohmann::json j = {
      {"attributions", q.attributions.string()},
      {"sequences", set.size()},
      {"bases", set.base.size()},
      {"hypothetical", set.centred ? "ism, mean-centred per position" : "as written"},
      {"parameters",
       {{"window", st.window}, {"flank", st.flank}, {"target_fdr", o.target_fdr}, {"min_passing", o.min_passing},
        {"max_passing", o.max_passing}, {"max_seqlets", o.max_seqlets}, {"sample", o.sample},
        {"similarity", o.similarity}, {"min_seqlets", o.min_seqlets}, {"trim", o.trim}, {"merge", o.merge}, {"seed", o.seed}}},
      {"windows", st.windows},
      {"null_windows", st.null_windows},
      {"pos_threshold", std::isfinite(st.pos_threshold) ? nlohmann::json(st.pos_threshold) : nlohmann::json()},
      {"neg_threshold", std::isfinite(st.neg_threshold) ? nlohmann::json(st.neg_threshold) : nlohmann::json()},
      {"pos_seqlets", st.pos_seqlets},
      {"neg_seqlets", st.neg_seqlets},
      {"seconds", s.seconds},
      {"peak_rss_mb", s.peak_rss_mb},
      {"patterns", patterns}};
  if (q.database) j["database"] = q.database->string();
  return j;
}

std::string pattern_card(const Pattern& p, const std::vector<MotifMatch>& matches, const Logos& logos) {
  std::string card = fmt::format("<div class=\"card motif\">\n<h3>{} <code>{}</code></h3>\n<p class=\"small\">{} · {} seqlets</p>\n",
                                 escape_html(p.name), escape_html(p.consensus), sign_name(p.sign),
                                 report::with_thousands(static_cast<long long>(p.members.size())));
  if (!matches.empty()) {
    const MotifMatch& m = matches.front();
    card += fmt::format("<p class=\"small\">best match <b>{}</b> {} · similarity {:.2f} · p {:.2g} ({} strand)</p>\n",
                        escape_html(m.target_id), escape_html(m.target_name), m.alignment.similarity(), m.p_value,
                        m.alignment.reverse ? "-" : "+");
  }
  return card + logos.pwm + logos.cwm + logos.hcwm + "</div>\n";
}

std::string report_page(const DiscoverRequest& q, const AttributionSet& set, const DiscoverSummary& s,
                        const std::vector<Logos>& logos) {
  const SeqletStats& st = s.result.stats;
  const auto threshold = [](double t) { return std::isfinite(t) ? fmt::format("{:.4g}", t) : std::string("none"); };
  std::vector<report::Block> blocks;
  blocks.push_back(report::Html{fmt::format(
      "<p class=\"intro\">{} sequences ({} bases) from <code>{}</code>{}. Windows of {} bp (flank {}): {} seqlets above "
      "{} and {} below {} (target FDR {:g} against position-shuffled tracks). Each pattern: PWM (information "
      "content), CWM (mean contribution of the observed bases) and hypothetical CWM, trimmed to its core.</p>\n",
      with_sep(static_cast<std::int64_t>(set.size())), with_sep(static_cast<std::int64_t>(set.base.size())), escape_html(q.attributions.string()),
      set.centred ? "; ISM scores mean-centred per position as hypothetical contributions" : "", st.window, st.flank,
      with_sep(st.pos_seqlets), threshold(st.pos_threshold), with_sep(st.neg_seqlets), threshold(st.neg_threshold),
      q.options.target_fdr)});
  if (s.result.patterns.empty()) blocks.push_back(report::Html{"<p>No pattern had enough seqlets.</p>\n"});
  std::string cards = "<div class=\"cards motifs\">\n";
  for (std::size_t k = 0; k < s.result.patterns.size(); ++k) cards += pattern_card(s.result.patterns[k], s.matches[k], logos[k]);
  blocks.push_back(report::Html{cards + "</div>\n"});
  return report::render_page({"dnacnn motif discovery", q.attributions.string()},
                             {report::Section{"patterns", "Patterns", blocks}});
}

}  // namespace

void write_discover_outputs(const DiscoverRequest& q, const AttributionSet& set, const DiscoverSummary& s) {
  io::ensure_directory(q.out);
  io::ensure_directory(q.out / "logos");
  io::ensure_directory(q.out / "patterns");
  std::vector<Motif> motifs;
  std::vector<Logos> logos;
  for (const Pattern& p : s.result.patterns) {
    motifs.push_back(p.motif());
    logos.push_back(pattern_logos(p));
    io::write_file_atomically(q.out / "logos" / (p.name + ".pwm.svg"), logos.back().pwm);
    io::write_file_atomically(q.out / "logos" / (p.name + ".cwm.svg"), logos.back().cwm);
    io::write_file_atomically(q.out / "logos" / (p.name + ".hcwm.svg"), logos.back().hcwm);
    io::write_file_atomically(q.out / "patterns" / (p.name + ".tsv"), matrices_table(p));
  }
  io::write_meme(q.out / "patterns.meme", motifs);
  io::write_file_atomically(q.out / "patterns.tsv", patterns_table(s));
  io::write_file_atomically(q.out / "seqlets.tsv", seqlets_table(set, s.result));
  io::write_file_atomically(q.out / "discover.json", summary_json(q, set, s).dump(2) + "\n");
  io::write_file_atomically(q.out / "report.html", report_page(q, set, s, logos));
}

}  // namespace dnacnn::discover_detail

namespace dnacnn {

namespace fs = std::filesystem;

// run_discover lives with the outputs it writes: the engine (discover.cpp) stays free of the report,
// so the fuzz targets link it without the report's assets.
static double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
}

DiscoverSummary run_discover(const DiscoverRequest& q, Progress& progress) {
  q.options.validate();
  const auto start = std::chrono::steady_clock::now();
  std::vector<Motif> database;
  if (q.database) database = io::read_motif_file(*q.database);  // a bad file fails before the work
  if (!fs::is_directory(q.attributions))
    throw Error("not a directory of `dnacnn attribute` output (attributions.tsv)", {q.attributions.string()});
  const fs::path table = q.attributions / "attributions.tsv";
  if (!fs::exists(table)) throw Error("no attributions.tsv here: run `dnacnn attribute --out DIR` first", {table.string()});
  progress.update("discover: reading " + table.string());
  const AttributionSet set = read_attributions(table, q.hypothetical);
  DiscoverSummary s;
  s.result = discover_patterns(set, q.options, progress);
  for (const Pattern& p : s.result.patterns)
    s.matches.push_back(database.empty() ? std::vector<MotifMatch>{} : match_motif(p.motif(), database, q.match));
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  s.peak_rss_mb = peak_rss_mb();
  discover_detail::write_discover_outputs(q, set, s);
  return s;
}

}  // namespace dnacnn

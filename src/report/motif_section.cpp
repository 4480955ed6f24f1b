// "What the filters learned": per model and motif set, one card per filter with its logo, weight
// heatmap, consensus, site count and best database match. The SVGs are drawn here from the PFM and
// weights in motifs.json, never copied from files, so nothing but our own markup is inlined.
#include <fmt/format.h>

#include <algorithm>

#include "dnacnn/core/error.hpp"
#include "dnacnn/interpret/logos.hpp"
#include "report/html.hpp"
#include "report/sections.hpp"

namespace dnacnn::report {

namespace {

using nlohmann::json;

std::vector<Column> columns(const json& rows) {
  std::vector<Column> out;
  for (const json& r : rows) out.push_back({r.at(0).get<double>(), r.at(1).get<double>(), r.at(2).get<double>(), r.at(3).get<double>()});
  return out;
}

std::string filter_card(const json& f) {
  const std::string name = f.at("name").get<std::string>();
  const long sites = f.at("sites").get<long>();
  std::string card = "<div class=\"card motif\">\n<h3>" + escape_html(name) + " <code>" +
                     escape_html(f.at("consensus").get<std::string>()) + "</code></h3>\n";
  card += fmt::format("<p class=\"small\">{} sites · {:.2f} bits · max activation {:.3g}</p>\n",
                      with_thousands(sites), f.at("ic_total").get<double>(), f.at("max_activation").get<double>());
  const json& matches = f.at("matches");
  if (!matches.empty()) {
    const json& m = matches.at(0);
    card += fmt::format("<p class=\"small\">best match <b>{}</b> {} · similarity {:.2f} · p {:.2g} · E {:.2g} ({} strand)</p>\n",
                        escape_html(m.at("id").get<std::string>()), escape_html(m.value("name", "")),
                        m.at("similarity").get<double>(), m.at("p_value").get<double>(), m.at("e_value").get<double>(),
                        escape_html(m.at("strand").get<std::string>()));
  }
  if (sites > 0) {
    Motif motif{name, "", columns(f.at("pfm")), sites};
    card += information_logo_svg(motif, name + " logo");
  } else {
    card += "<p class=\"small\">never fires above the threshold on these data: no logo</p>\n";
  }
  const std::vector<Column> w = columns(f.at("weights"));
  ConvFilters conv;
  conv.filters = 1;
  conv.width = static_cast<std::int64_t>(w.size());
  conv.weight.resize(4 * w.size());
  for (std::size_t j = 0; j < w.size(); ++j)
    for (int c = 0; c < 4; ++c) conv.weight[c * w.size() + j] = static_cast<float>(w[j][static_cast<std::size_t>(c)]);
  conv.bias = {0};
  card += weight_heatmap_svg(conv, 0, name + " weights");
  return card + "</div>\n";
}

// Fired filters first, most informative first; silent filters last.
std::vector<json> ordered_filters(const json& filters) {
  std::vector<json> out(filters.begin(), filters.end());
  std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
    const bool fa = a.at("sites").get<long>() > 0, fb = b.at("sites").get<long>() > 0;
    if (fa != fb) return fa;
    return a.at("ic_total").get<double>() > b.at("ic_total").get<double>();
  });
  return out;
}

std::string motif_set_block(const ModelRun& model, const MotifSet& set) {
  const json& info = set.info;
  const std::string threshold = info.contains("relative_threshold")
                                    ? fmt::format("{:g} × each filter's maximum", info["relative_threshold"].get<double>())
                                    : fmt::format("{:g}", info.value("threshold", 0.0));
  std::string html = "<h3>" + escape_html(model.label) + ": " + escape_html(set.dir.filename().string()) +
                     "</h3>\n<p class=\"small\">activation threshold " + escape_html(threshold) + " on " +
                     escape_html(info.value("data", "")) +
                     (info.contains("database") ? "; matched against " + escape_html(info["database"].get<std::string>()) : "") +
                     "</p>\n<div class=\"cards motifs\">\n";
  for (const json& f : ordered_filters(info.at("filters"))) html += filter_card(f);
  return html + "</div>\n";
}

}  // namespace

std::optional<Section> motifs_section(const ReportData& data) {
  Section s{"motifs", "What the filters learned", {}};
  s.blocks.push_back(Html{
      "<p class=\"intro\">Each first-layer filter as a sequence logo of the windows that activate it (letter height = "
      "probability × information content, 0–2 bits) and as its raw weights (red positive, blue negative).</p>\n"});
  for (const ModelRun& model : data.models) {
    for (const MotifSet& set : model.motif_sets) {
      try {
        s.blocks.push_back(Html{motif_set_block(model, set)});
      } catch (const json::exception& e) {
        throw Error(std::string("malformed motifs.json: ") + e.what(), {(set.dir / "motifs.json").string()});
      }
    }
  }
  if (s.blocks.size() == 1) return std::nullopt;
  return s;
}

}  // namespace dnacnn::report

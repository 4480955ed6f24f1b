#include "report/page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "dnacnn/core/error.hpp"
#include "report/assets.hpp"
#include "report/html.hpp"
#include "report/sha256.hpp"

namespace dnacnn::report {


namespace {

bool contains_case_insensitive(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         }) != haystack.end();
}

std::string chart_markup(const Chart& chart) {
  std::string out = "<div class=\"chart-box\">\n";
  if (chart.log_scale_toggle)
    out += fmt::format("<label class=\"toggle\"><input type=\"checkbox\" data-log-scale-for=\"{}\"> log scale</label>\n",
                       escape_html(chart.name));
  out += fmt::format("<div class=\"chart\" data-chart=\"{}\"></div>\n</div>\n", escape_html(chart.name));
  return out;
}

// The sections' markup; collects every chart's spec into `specs` by name.
std::string sections_markup(const std::vector<Section>& sections, nlohmann::ordered_json& specs) {
  std::string out;
  for (const Section& s : sections) {
    out += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n", escape_html(s.id), escape_html(s.title));
    for (const Block& block : s.blocks) {
      if (const auto* html = std::get_if<Html>(&block)) {
        out += html->markup;
        continue;
      }
      out += "<div class=\"chart-row\">\n";
      for (const Chart& chart : std::get<ChartRow>(block).charts) {
        if (specs.contains(chart.name)) throw Error("two charts are named \"" + chart.name + "\" (a bug in dnacnn)");
        specs[chart.name] = chart.spec;
        out += chart_markup(chart);
      }
      out += "</div>\n";
    }
    out += "</section>\n";
  }
  return out;
}

std::string toc_markup(const std::vector<Section>& sections) {
  std::string out = "<nav class=\"toc\">";
  for (const Section& s : sections) out += fmt::format("<a href=\"#{}\">{}</a>", escape_html(s.id), escape_html(s.title));
  return out + "</nav>\n";
}

std::string footer_markup() {
  std::string libraries;
  for (const Asset& a : vendor_scripts()) libraries += fmt::format("{}{} {}", libraries.empty() ? "" : ", ", a.name, a.version);
  return fmt::format(
      "<footer class=\"page\">Written by dnacnn {}. Charts are drawn by {}, which are inside this file: it works "
      "offline and loads nothing from the network. Each chart's Vega-Lite spec, with its data, is also in "
      "<code>charts/&lt;name&gt;.vl.json</code> next to this file.</footer>\n",
      escape_html(DNACNN_VERSION), escape_html(libraries));
}

}  // namespace

std::string inline_script_text(std::string_view source, std::string_view name) {
  std::string text(source);
  // Source maps are not shipped; the comment would only make developer tools look for one.
  if (const auto at = text.rfind("//# sourceMappingURL="); at != std::string::npos) text.erase(at);
  if (contains_case_insensitive(text, "</script") || text.find("<!--") != std::string::npos)
    throw Error(fmt::format("the embedded {} contains \"</script\" or \"<!--\" and cannot be inlined", name));
  return text;
}

std::string content_security_policy(const std::vector<std::string_view>& inline_scripts) {
  std::string policy = "default-src 'none'; script-src";
  for (const std::string_view s : inline_scripts) policy.append(" ").append(csp_hash_source(s));
  // Styles may be inline: vega-embed adds a <style> element of its own. CSS cannot run code,
  // and img-src/font-src keep it from fetching anything.
  policy.append("; style-src 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none'; media-src 'none'; "
                "object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'");
  return policy;
}

std::string render_page(const PageInfo& info, const std::vector<Section>& sections) {
  nlohmann::ordered_json specs = nlohmann::ordered_json::object();
  const std::string body = sections_markup(sections, specs);

  std::vector<std::string> scripts;
  for (const Asset& a : vendor_scripts()) scripts.push_back(inline_script_text(a.text, a.name));
  scripts.push_back(inline_script_text(page_script().text, page_script().name));
  std::vector<std::string_view> views(scripts.begin(), scripts.end());

  std::string page;
  page.reserve(body.size() + 2'000'000);
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + escape_html(content_security_policy(views)) + "\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<meta name=\"generator\" content=\"dnacnn " + escape_html(DNACNN_VERSION) + "\">\n";
  page += "<title>" + escape_html(info.title) + "</title>\n";
  page += "<style>\n" + std::string(page_style().text) + "</style>\n</head>\n<body>\n";
  page += "<header class=\"page\"><h1>" + escape_html(info.title) + "</h1>\n";
  if (!info.subtitle.empty()) page += "<p class=\"subtitle\">" + escape_html(info.subtitle) + "</p>\n";
  page += "</header>\n" + toc_markup(sections);
  page += "<noscript><p class=\"noscript\">The charts are drawn by JavaScript; allow it for this file to see "
          "them. The tables below need none.</p></noscript>\n";
  page += "<main>\n" + body + "</main>\n" + footer_markup();
  // Data, not code: JSON.parse reads it, so it needs no hash; json_for_script keeps it inside its element.
  page += "<script type=\"application/json\" id=\"dnacnn-chart-specs\">" + json_for_script(specs) + "</script>\n";
  for (const std::string& s : scripts) page += "<script>" + s + "</script>\n";
  page += "</body>\n</html>\n";
  return page;
}

}  // namespace dnacnn::report

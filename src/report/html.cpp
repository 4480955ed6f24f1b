#include "report/html.hpp"

#include <fmt/format.h>

namespace dnacnn::report {

using nlohmann::json;

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

template <class Json>
std::string script_safe(const Json& value) {
  const std::string plain = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(plain.size() + 64);
  // Outside strings JSON never contains these characters, so escaping them everywhere is safe.
  for (const char c : plain) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string json_for_script(const json& value) { return script_safe(value); }
std::string json_for_script(const nlohmann::ordered_json& value) { return script_safe(value); }

Cell text_cell(std::string_view text, std::string css_class) { return {escape_html(text), std::move(css_class)}; }

Cell number_cell(const json& value, int decimals) {
  if (!value.is_number()) return {"&ndash;", "num"};
  return {fmt::format("{:.{}f}", value.get<double>(), decimals), "num"};
}

Cell count_cell(const json& value) {
  if (!value.is_number()) return {"&ndash;", "num"};
  return {with_thousands(value.get<long long>()), "num"};
}

std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<Cell>>& rows,
                       std::string_view css_class) {
  std::string out = fmt::format("<div class=\"table-scroll\"><table class=\"{}\">\n<thead><tr>", escape_html(css_class));
  for (const std::string& h : header) out += "<th>" + escape_html(h) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const Cell& c : row)
      out += c.css_class.empty() ? "<td>" + c.html + "</td>"
                                 : "<td class=\"" + escape_html(c.css_class) + "\">" + c.html + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  return out;
}

std::string with_thousands(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string file_slug(std::string_view label) {
  std::string out;
  for (const char c : label) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (keep) out += c;
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "chart" : out;
}

}  // namespace dnacnn::report

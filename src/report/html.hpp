// Building blocks for the report's HTML: escaping user text and JSON that sits inside <script>.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dnacnn::report {

// Escapes & < > " ' so any text (sequence ids, file names, column names, command lines) shows as
// text, in element content and in quoted attribute values alike.
std::string escape_html(std::string_view text);

// JSON that cannot end the <script> element it is embedded in: every '<', '>' and '&' is written
// as a \u escape (valid JSON, so "</script>" and "<!--" never appear). Invalid UTF-8 becomes U+FFFD.
std::string json_for_script(const nlohmann::json& value);
std::string json_for_script(const nlohmann::ordered_json& value);


// One cell of an HTML table: its escaped content and an optional CSS class.
struct Cell {
  std::string html;  // already escaped markup
  std::string css_class;
};
Cell text_cell(std::string_view text, std::string css_class = "");
Cell number_cell(const nlohmann::json& value, int decimals);  // right-aligned; "–" for null/missing
Cell count_cell(const nlohmann::json& value);                 // integer with thousands separators

// A <table> with a header row; `header` is plain text and is escaped here.
std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<Cell>>& rows,
                       std::string_view css_class = "data");

// 1234567 -> "1,234,567".
std::string with_thousands(long long n);

// A file name made of [A-Za-z0-9_-] only, from any label ("cnn (run 2)" -> "cnn_run_2").
std::string file_slug(std::string_view label);

}  // namespace dnacnn::report

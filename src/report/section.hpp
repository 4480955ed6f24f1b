// The page is a list of sections, each a title and blocks of HTML or charts. A new kind of
// content (filter heatmaps, sequence logos, LR sweeps) is one more section builder in sections.cpp.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

namespace dnacnn::report {

// A Vega-Lite chart: drawn by vega-embed in the page, and written to charts/<name>.vl.json.
struct Chart {
  std::string name;         // [A-Za-z0-9_-]: file stem and key in the page
  nlohmann::ordered_json spec;  // Vega-Lite, data inline; keys stay in the order written
  bool log_scale_toggle = false;  // a checkbox switches encoding.y to a log scale
};

// Markup that is already escaped (see html.hpp); inline SVG (e.g. sequence logos) goes here too.
struct Html {
  std::string markup;
};

// Charts side by side, wrapping to the next line when the page is narrow.
struct ChartRow {
  std::vector<Chart> charts;
};

using Block = std::variant<Html, ChartRow>;

struct Section {
  std::string id;     // anchor for the table of contents
  std::string title;  // plain text
  std::vector<Block> blocks;
};

}  // namespace dnacnn::report

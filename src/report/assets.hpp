// Files the page inlines, compiled into the binary (see embed_assets.cmake): the report never
// reads node_modules or the network at run time.
#pragma once
#include <span>
#include <string_view>

namespace dnacnn::report {

struct Asset {
  std::string_view name;     // npm package, or file name under src/report/
  std::string_view version;  // npm version; empty for our own files
  std::string_view text;
};

// vega, vega-lite, vega-embed: minified builds from node_modules, in load order.
std::span<const Asset> vendor_scripts();
// src/report/page.js (draws the charts) and src/report/page.css.
const Asset& page_script();
const Asset& page_style();

}  // namespace dnacnn::report

// The report as one self-contained HTML page: sections, chart specs as JSON, the inlined
// JavaScript, and a Content-Security-Policy that lets the page load nothing.
#pragma once
#include <string>
#include <vector>

#include "report/section.hpp"

namespace dnacnn::report {

struct PageInfo {
  std::string title;     // plain text
  std::string subtitle;  // plain text, under the title
};

std::string render_page(const PageInfo& info, const std::vector<Section>& sections);

// The Content-Security-Policy for a page with exactly these inline scripts: no network, no
// eval, no other script (so injected markup could not run even if escaping failed).
std::string content_security_policy(const std::vector<std::string_view>& inline_scripts);

// The text of an inline <script>: a library's minified build without its source-map comment.
// Throws Error if it contains "</script" or "<!--", which would end or confuse the element.
std::string inline_script_text(std::string_view source, std::string_view name);

}  // namespace dnacnn::report

// The offline HTML report: one self-contained page with the charts and tables of one or more
// training runs (loss curves, predicted vs actual, spot checks, metrics, how each run was made).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace dnacnn {

struct ReportOptions {
  // Run directories (dnacnn train) and directories of runs (dnacnn demo), in page order.
  std::vector<std::filesystem::path> runs;
  // The HTML file (or a directory to put report.html in). Empty: <dir>/report.html when one
  // directory is given; with several it must be set.
  std::filesystem::path out;
  std::string title;  // empty: "dnacnn report: <directory name>"
};

// Writes the page and, next to it, charts/<name>.vl.json with each chart's Vega-Lite spec and
// data; every file atomically. Returns the page's path. Throws Error (UsageError for options).
std::filesystem::path write_report(const ReportOptions& options);

// DIR/report.html for one run directory or directory of runs (what train and demo write).
std::filesystem::path write_report(const std::filesystem::path& dir);

}  // namespace dnacnn

// Runs side by side (the notebook's exercise Q3): one report page with their metrics, overlaid
// losses, predicted-vs-actual panels and error analyses, and a table of their test metrics.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace dnacnn {

struct CompareOptions {
  std::vector<std::filesystem::path> runs;  // run directories (or directories of runs)
  std::filesystem::path out = "compare.html";
  std::string title;                        // empty: "dnacnn compare: a vs b vs c"
};

// Writes the page; returns the metrics as TSV (label, dir, test r2/mse/pearson/spearman/n,
// epochs, train_seconds, status), one line per model, best test R² first.
std::string compare_runs(const CompareOptions& options);

}  // namespace dnacnn

// Where a model goes wrong (the notebook's exercise Q3): residuals (predicted - actual) on the
// test split, grouped by which motifs of the data's scoring rule a sequence contains, and the
// worst-predicted sequences. Read from a run's predictions.tsv in one pass; memory is one float
// per test row.
#pragma once
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dnacnn/data/scoring_rule.hpp"
#include "report/test_points.hpp"

namespace dnacnn::report {

// Residuals of one group, summarised for a box plot and a table.
struct ResidualGroup {
  std::string name;  // "none", "TAT", "TAT@first third + GCG", ...
  std::size_t n = 0;
  double mean = 0;   // mean residual: > 0 means the model over-predicts this group
  double rmse = 0;
  double min = 0, q25 = 0, median = 0, q75 = 0, max = 0;
};

struct ErrorAnalysis {
  std::vector<ResidualGroup> groups;  // by motif group (empty without a rule), largest first
  std::vector<TestPoint> worst;       // largest |residual| first
  std::vector<std::string> worst_groups;  // their motif groups (with a rule)
  std::size_t n = 0;                  // test rows with a prediction
};

// nullopt when the file has no test row with a prediction. Throws Error for a malformed file.
std::optional<ErrorAnalysis> analyse_errors(const std::filesystem::path& predictions_tsv,
                                            const std::optional<ScoringRule>& rule, std::size_t worst = 12,
                                            std::size_t max_seq_chars = 60);

}  // namespace dnacnn::report

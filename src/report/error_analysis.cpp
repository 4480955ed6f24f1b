#include "report/error_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <map>


namespace dnacnn::report {

namespace {

// Linear interpolation between order statistics (numpy's default), on a sorted vector.
double quantile(const std::vector<float>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

ResidualGroup summarise(std::string name, std::vector<float>& residuals) {
  std::sort(residuals.begin(), residuals.end());
  ResidualGroup g;
  g.name = std::move(name);
  g.n = residuals.size();
  double sum = 0, squares = 0;
  for (const float r : residuals) {
    sum += r;
    squares += double(r) * r;
  }
  g.mean = sum / static_cast<double>(g.n);
  g.rmse = std::sqrt(squares / static_cast<double>(g.n));
  g.min = residuals.front();
  g.q25 = quantile(residuals, 0.25);
  g.median = quantile(residuals, 0.5);
  g.q75 = quantile(residuals, 0.75);
  g.max = residuals.back();
  return g;
}

struct Worst {
  float abs_residual;
  TestPoint point;
  std::string group;
};
bool larger_error(const Worst& a, const Worst& b) { return a.abs_residual > b.abs_residual; }

}  // namespace

std::optional<ErrorAnalysis> analyse_errors(const std::filesystem::path& path, const std::optional<ScoringRule>& rule,
                                            std::size_t worst, std::size_t max_seq_chars) {
  TestRowReader rows(path);
  ErrorAnalysis result;
  std::map<std::string, std::vector<float>> by_group;
  std::vector<Worst> heap;  // min-heap on |residual|: the `worst` largest so far
  const auto smaller_error = [](const Worst& a, const Worst& b) { return a.abs_residual > b.abs_residual; };
  while (rows.next()) {
    const auto predicted = rows.predicted();
    if (!predicted) continue;  // a diverged model: no prediction to analyse
    ++result.n;
    const float residual = *predicted - rows.actual();
    std::string group = rule ? rule->motif_group(rows.seq()) : std::string();
    if (rule) by_group[group].push_back(residual);
    if (worst == 0) continue;
    if (heap.size() == worst && std::abs(residual) <= heap.front().abs_residual) continue;
    Worst w{std::abs(residual),
            {std::string(rows.id()), shortened(rows.seq(), max_seq_chars), rows.actual(), *predicted},
            std::move(group)};
    if (heap.size() == worst) {
      std::pop_heap(heap.begin(), heap.end(), smaller_error);
      heap.back() = std::move(w);
    } else {
      heap.push_back(std::move(w));
    }
    std::push_heap(heap.begin(), heap.end(), smaller_error);
  }
  if (result.n == 0) return std::nullopt;
  for (auto& [name, residuals] : by_group) result.groups.push_back(summarise(name, residuals));
  std::stable_sort(result.groups.begin(), result.groups.end(),
                   [](const ResidualGroup& a, const ResidualGroup& b) { return a.n > b.n; });
  std::sort(heap.begin(), heap.end(), larger_error);
  for (Worst& w : heap) {
    result.worst.push_back(std::move(w.point));
    result.worst_groups.push_back(std::move(w.group));
  }
  return result;
}

}  // namespace dnacnn::report

#include "dnacnn/data/fit.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "dnacnn/core/enum_names.hpp"
#include "dnacnn/core/error.hpp"

namespace dnacnn {
namespace {
constexpr std::array<std::string_view, 3> kFitNames{"exact", "crop", "windows"};
constexpr std::array<std::string_view, 2> kAggregateNames{"max", "mean"};
}  // namespace

Fit parse_fit(const std::string& name) { return parse_enum<Fit>(name, kFitNames, "--fit"); }
std::string_view fit_name(Fit fit) { return enum_name(fit, kFitNames); }
Aggregate parse_aggregate(const std::string& name) { return parse_enum<Aggregate>(name, kAggregateNames, "--aggregate"); }
std::string_view aggregate_name(Aggregate aggregate) { return enum_name(aggregate, kAggregateNames); }

std::vector<std::int64_t> window_starts(std::int64_t n, std::int64_t length, std::int64_t step) {
  if (step < 1) throw UsageError("--step must be at least 1");
  if (n <= length) return {0};
  std::vector<std::int64_t> starts;
  for (std::int64_t s = 0; s + length <= n; s += step) starts.push_back(s);
  if (starts.back() + length < n) starts.push_back(n - length);  // the end, so every base is seen
  return starts;
}

Windows cut_windows(const SequenceData& data, std::int64_t length, const FitOptions& options) {
  const std::int64_t step = options.step > 0 ? options.step : std::max<std::int64_t>(1, length / 4);
  Windows w;
  w.data.source = data.source;
  w.data.target_names = data.target_names;
  for (std::int64_t r = 0; r < data.size(); ++r) {
    const std::string& seq = data.seqs[static_cast<std::size_t>(r)];
    const auto n = static_cast<std::int64_t>(seq.size());
    for (std::int64_t s : window_starts(n, length, step)) {
      if (n < length) {  // one window: the sequence N-padded as --fit crop pads it
        w.data.seqs.push_back(fit_length(seq, length, options.pad));
        const std::int64_t missing = length - n;
        s = options.pad == Pad::left ? -missing : options.pad == Pad::right ? 0 : -(missing / 2);
      } else {
        w.data.seqs.push_back(seq.substr(static_cast<std::size_t>(s), static_cast<std::size_t>(length)));
      }
      if (!data.ids.empty()) w.data.ids.push_back(data.ids[static_cast<std::size_t>(r)]);
      if (!data.lines.empty()) w.data.lines.push_back(data.lines[static_cast<std::size_t>(r)]);
      w.row.push_back(r);
      w.start.push_back(s);
    }
  }
  return w;
}

std::vector<float> aggregate_windows(const std::vector<float>& values, const std::vector<std::int64_t>& row,
                                     std::int64_t rows, std::size_t targets, Aggregate aggregate) {
  const bool max = aggregate == Aggregate::max;
  std::vector<float> out(static_cast<std::size_t>(rows) * targets, max ? -std::numeric_limits<float>::infinity() : 0.0f);
  std::vector<double> sums(out.size(), 0.0);
  std::vector<std::int64_t> count(static_cast<std::size_t>(rows), 0);
  for (std::size_t w = 0; w < row.size(); ++w) {
    const auto r = static_cast<std::size_t>(row[w]);
    ++count[r];
    for (std::size_t t = 0; t < targets; ++t) {
      const float v = values[w * targets + t];
      out[r * targets + t] = std::max(out[r * targets + t], v);
      sums[r * targets + t] += v;
    }
  }
  if (!max)
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<float>(sums[i] / static_cast<double>(std::max<std::int64_t>(count[i / targets], 1)));
  return out;
}

}  // namespace dnacnn

// Sequences of other lengths than a model's: `--fit exact|crop|windows` for predict, evaluate and
// attribute. exact takes only the model's length (a model trained with --length fits its inputs
// as trained); crop centre-crops or N-pads each sequence to the model's length; windows slides the
// model along each sequence and aggregates the windows' values per sequence (DeepBind's
// max-over-windows scoring). Torch-free: the windows are cut here, the model runs elsewhere.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dnacnn/data/dataset.hpp"

namespace dnacnn {

enum class Fit { exact, crop, windows };
Fit parse_fit(const std::string& name);  // UsageError naming the choices
std::string_view fit_name(Fit fit);

enum class Aggregate { max, mean };
Aggregate parse_aggregate(const std::string& name);
std::string_view aggregate_name(Aggregate aggregate);

struct FitOptions {
  Fit fit = Fit::exact;
  Pad pad = Pad::both;       // crop, and windows on sequences shorter than the model
  std::int64_t step = 0;     // windows: bases between window starts; 0 = a quarter of the model's length
  Aggregate aggregate = Aggregate::max;
};

// Window starts over `n` bases for a model of `length`: 0, step, 2 step, ... and, so that every
// base is covered, one more ending at the sequence's end. A sequence shorter than the model has
// one window (start 0), N-padded.
std::vector<std::int64_t> window_starts(std::int64_t n, std::int64_t length, std::int64_t step);

// Every window of every row of `data` as a row of its own, `length` bases each.
struct Windows {
  SequenceData data;               // one row per window (no targets), ids as the rows'
  std::vector<std::int64_t> row;   // the row of `data` each window comes from
  std::vector<std::int64_t> start; // its first base in that row (may be negative: N-padding)
};
Windows cut_windows(const SequenceData& data, std::int64_t length, const FitOptions& options);

// Per row, the aggregate (max or mean) of its windows' values (windows x targets) -> rows x targets.
std::vector<float> aggregate_windows(const std::vector<float>& values, const std::vector<std::int64_t>& row,
                                     std::int64_t rows, std::size_t targets, Aggregate aggregate);

}  // namespace dnacnn

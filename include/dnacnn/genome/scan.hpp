// `dnacnn scan`: a model slid along a genome (or BED regions), written as bedGraph tracks.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dnacnn/core/progress.hpp"
#include "dnacnn/data/shard.hpp"

namespace dnacnn {

struct ScanRequest {
  std::vector<std::filesystem::path> models;  // one model, or an ensemble averaged (resolve_model_dirs)
  std::filesystem::path genome;
  std::optional<std::filesystem::path> regions;  // BED; merged and sorted. Default: every sequence
  std::int64_t step = 0;  // 0: 50, or a profile model's profile length (windows tile the genome)
  std::filesystem::path out;  // .bedGraph (one file per target) or .tsv (one table)
  int threads = 1;
  std::int64_t batch_size = 1024;
  std::int64_t chunk_bins = 8192;  // bins per unit of work: bounds memory per thread
  bool rc_average = false;
  // Profile models at step = profile length: the trunk runs once over stretches of 64 windows'
  // profiles instead of once per window (exact for valid convolutions; see docs/signal.md).
  bool shared_trunk = false;
  std::string device = "cpu";
  // Only chunks i with i % N == I, into <output>.shard-I-of-N (dnacnn merge joins them).
  std::optional<Shard> shard;
};

struct ScanResult {
  std::int64_t bases = 0;  // bases covered by the output bins
  std::int64_t windows = 0;
  double seconds = 0;
  std::vector<std::filesystem::path> outputs;
};

// The genome is cut into bins of `step` bases (the last bin of a sequence or region may be
// shorter); each bin's value is the model's prediction for the window of the model's input length
// centred on the bin, N-padded where it hangs off a sequence end. Sequences in name order
// (sort -k1,1 -k2,2n), each chunk of bins predicted by one of `threads` workers, output in order.
ScanResult run_scan(const ScanRequest& request, Progress& progress);

// A profile model (a profile_head) writes every base instead: each bin's window's predicted reads
// (profile x count) at the bin's bases, one track per target; --step at most the profile length.
//
// Output files for the model's targets: `out` itself for one target or a .tsv, else
// <stem>.<target>.bedGraph beside it.
std::vector<std::filesystem::path> scan_output_paths(const std::filesystem::path& out,
                                                     const std::vector<std::string>& targets);

}  // namespace dnacnn

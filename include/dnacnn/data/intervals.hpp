// Training data from genomic intervals: BED regions over a reference genome, resized around their
// centres, with targets from a BED column or binary labels against generated negatives.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dnacnn/data/coverage.hpp"
#include "dnacnn/data/dataset.hpp"

namespace dnacnn {

namespace io {
class Genome;
}

struct Interval {
  std::string chrom;
  std::int64_t start = 0;  // 0-based, half-open
  std::int64_t end = 0;
};

// `length` bases centred on the interval's midpoint (may extend past either chromosome end).
Interval centred(const Interval& interval, std::int64_t length);
std::string interval_id(const Interval& interval);  // "chr1:100-300"

struct IntervalDataOptions {
  std::vector<std::filesystem::path> beds;
  std::filesystem::path genome;
  std::int64_t length = 0;          // 0: the intervals' common width
  std::string target_col;           // a BED column (number or name); empty: binary labels
  std::string negatives;            // shuffle | flank | gc-matched: negatives for binary labels
  double negative_ratio = 1;        // negatives per positive
  std::uint64_t negative_seed = 1;
  std::vector<std::string> val_chroms, test_chroms;  // chromosome hold-out (fills given_split)
  // Targets from signal tracks instead: --bigwig values (data/signal.hpp), aggregated by `aggregate`
  // (sum, mean, max) over each window's central `output_length` bases (0: the whole window).
  // narrowPeak windows are then centred on the summit (column 10) when it is given.
  std::vector<std::string> bigwigs;
  std::string aggregate = "sum";
  std::int64_t output_length = 0;
  // --profile: the tracks' per-base values over the central `output_length` bases instead
  // (SequenceData::profiles), for profile models; `aggregate` is then unused.
  bool profile = false;
  // --bam: reads turned into coverage tracks (data/bam_tracks.hpp) that are then read exactly as
  // --bigwig tracks are, after them. `coverage` says how reads are counted (its full, strand,
  // shift, MAPQ and flag fields; bam, genome and out are unused). The bigWigs are written to
  // `coverage_dir` (a run's RUN/coverage) and reused from there while the BAM and the counting
  // are unchanged; empty: a temporary directory, removed once the targets are read.
  std::vector<std::string> bams;
  CoverageOptions coverage;
  std::filesystem::path coverage_dir;

  bool has_signal() const { return !bigwigs.empty() || !bams.empty(); }
  void validate() const;  // UsageError for contradictory options
};
void to_json(nlohmann::json& j, const IntervalDataOptions& options);
void from_json(const nlohmann::json& j, IntervalDataOptions& options);

// The widest BED interval read (16 Mbp): far above any model's input, far below exhausting memory.
inline constexpr std::int64_t kMaxIntervalWidth = std::int64_t{1} << 24;

// One row per interval (id "chr:start-end", sequence fetched from the genome, N off the ends), with
// the BED column's value or the bigWig tracks' values over the window as targets, or,
// for binary labels, generated negatives with target 0 after the positives (target 1). A sequence
// name absent from the genome is an Error at the BED file and line naming it.
SequenceData read_interval_data(const IntervalDataOptions& options);

// The windows of BED/narrowPeak intervals, without targets (attribute --bed): `length` bases centred
// on each interval's summit (narrowPeak column 10) when given, else on its midpoint; ids
// "chr:start-end" of the windows; an Error at the line for a sequence the genome lacks.
SequenceData read_interval_sequences(const std::vector<std::filesystem::path>& beds,
                                     const std::filesystem::path& genome, std::int64_t length);

// Negatives of `length` bases: `count` windows that overlap no positive and are mostly (>= 90%)
// real bases, seeded. shuffle: uniform over the genome; flank: beside the positives, 1-3 window
// widths away; gc-matched: from a random pool, each matched to a positive's GC content.
std::vector<Interval> generate_negatives(const io::Genome& genome, const std::vector<Interval>& positives,
                                         const std::string& method, std::int64_t count, std::int64_t length,
                                         std::uint64_t seed);

}  // namespace dnacnn

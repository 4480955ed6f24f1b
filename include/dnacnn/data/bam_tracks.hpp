// train/evaluate --bam: reads turned into coverage tracks (make_coverage) that are then read as
// --bigwig tracks are. A run keeps them (RUN/coverage), beside a record of what made them, so that
// `train --resume` and `--config RUN/run.json` reuse them while the BAM is unchanged.
#pragma once
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "dnacnn/data/coverage.hpp"

namespace dnacnn {

struct IntervalDataOptions;

// The track name of a --bam file: its file name without .bam, .sam or .cram ("atac.bam" -> "atac").
std::string bam_track_name(const std::filesystem::path& bam);

// UsageError for --bam values whose tracks would share a name (with each other or a --bigwig
// track) and for contradictory counting options.
void check_bam_tracks(const IntervalDataOptions& options);

// The --bigwig values of the BAMs' coverage tracks in `dir`: "DIR/NAME.bw", or with strand
// "DIR/NAME.plus.bw,DIR/NAME.minus.bw" (tracks NAME+ and NAME-, as for a stranded --bigwig pair).
// Each is made with make_coverage, unless DIR/NAME.json records that the tracks there were made
// from a BAM of the same MD5, over the same chromosomes and sizes, counted the same way. A data
// note (signal.hpp) says which. make_coverage's errors (a header of another assembly) name the BAM.
std::vector<std::string> make_bam_tracks(const IntervalDataOptions& options, const std::filesystem::path& dir);

// The tracks and records of the BAMs in `from` (another run's RUN/coverage, as `train --config
// RUN/run.json` names it) hard-linked (or copied) into `to` when `to` has none of its own, so that
// make_bam_tracks reuses them there if they still hold; nothing when `from` is empty or `to`.
void adopt_bam_tracks(const IntervalDataOptions& options, const std::filesystem::path& from,
                      const std::filesystem::path& to);

// Where make_bam_tracks writes: `dir` (created when missing), or when it is empty a new temporary
// directory (under TMPDIR) removed with this object.
class CoverageDirectory {
 public:
  explicit CoverageDirectory(const std::filesystem::path& dir);
  ~CoverageDirectory();
  CoverageDirectory(const CoverageDirectory&) = delete;
  CoverageDirectory& operator=(const CoverageDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool temporary_ = false;
};

// The JSON of how reads are counted: CoverageOptions' full, strand, shift, min_mapq and
// exclude_flags (run.json's "coverage" beside "bams").
nlohmann::json counting_json(const CoverageOptions& options);
void counting_from_json(const nlohmann::json& j, CoverageOptions& options);

}  // namespace dnacnn

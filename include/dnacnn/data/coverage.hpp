// `dnacnn coverage`: aligned reads (SAM/BAM/CRAM) or a fragments file turned into bigWig signal,
// streaming, one chromosome at a time, memory bounded by the widest read, not the genome.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dnacnn {

struct CoverageOptions {
  std::filesystem::path bam;        // SAM, BAM or CRAM, sorted by position (samtools sort)
  std::filesystem::path fragments;  // or: chrom, start, end, barcode, count (10x), plain or gzip
  std::filesystem::path genome;     // FASTA or 2bit: the chromosomes (and sizes) of the output
  std::filesystem::path out;        // .bw; with `strand`: <stem>.plus.bw and <stem>.minus.bw
  bool full = false;                // every aligned base (CIGAR M/=/X) instead of 5' ends
  bool strand = false;              // separate tracks for reads on the + and - strand
  std::int64_t shift_plus = 0;      // added to 5' ends of + strand reads (Tn5: +4)
  std::int64_t shift_minus = 0;     // added to 5' ends of - strand reads (Tn5: -5)
  int min_mapq = 0;
  std::uint32_t exclude_flags = 0x704;  // unmapped, secondary, QC fail, duplicate (samtools depth's)

  void validate() const;  // UsageError for contradictory options
};

struct CoverageStats {
  std::int64_t records = 0;       // reads or fragments read
  std::int64_t counted = 0;       // of them: counted
  std::int64_t filtered = 0;      // by flag or MAPQ
  std::int64_t other_chrom = 0;   // on a sequence the genome lacks (decoys, another naming)
  std::int64_t clipped = 0;       // 5' ends shifted off a chromosome end (not counted)
  double seconds = 0;
  std::vector<std::filesystem::path> outputs;
};

// "+4,-5" -> {4, -5}; UsageError otherwise.
std::pair<std::int64_t, std::int64_t> parse_shift(const std::string& text);

// The output files: `out`, or <stem>.plus.bw and <stem>.minus.bw with --strand.
std::vector<std::filesystem::path> coverage_outputs(const CoverageOptions& options);

// Reads the input once, in file order, and writes the bigWig track(s) over the genome's
// chromosomes. A chromosome whose reads come in two separate runs (input not sorted), a read
// starting before the one before it, or a header sequence whose length differs from the genome's
// is an Error naming the file.
CoverageStats make_coverage(const CoverageOptions& options);

}  // namespace dnacnn

// bigWig tracks through libBigWig: reading per-base values over windows (with zeros where a track
// has nothing to say) and writing tracks whose chromosomes are a genome's.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace dnacnn::io {

class Genome;

struct ChromSize {
  std::string name;
  std::int64_t length = 0;
};

// Bases that a read filled with zeros, by cause: before 0 or past a chromosome's end, on a
// chromosome the track lacks, or NaN in the track. Positions inside a chromosome that the track
// simply does not cover are 0 as bigWig means (not counted: sparse tracks leave zeros out).
struct ZeroFill {
  std::int64_t off_end = 0, missing_chrom = 0, nan = 0;
  std::int64_t total() const { return off_end + missing_chrom + nan; }
  ZeroFill& operator+=(const ZeroFill& o) {
    off_end += o.off_end, missing_chrom += o.missing_chrom, nan += o.nan;
    return *this;
  }
};

// True when `path` starts with the bigWig signature (either byte order).
bool is_bigwig(const std::filesystem::path& path);

class BigWigReader {
 public:
  // Error naming the file when it is missing or not a bigWig.
  explicit BigWigReader(const std::filesystem::path& path);
  ~BigWigReader();
  BigWigReader(BigWigReader&&) noexcept;
  BigWigReader& operator=(BigWigReader&&) noexcept;

  const std::string& path() const { return path_; }
  const std::vector<ChromSize>& chroms() const { return chroms_; }
  bool contains(const std::string& chrom) const;

  // The per-base values of [start, end) of `chrom` into out[0, end - start), zeros where nothing
  // is known (counted in `fill` as ZeroFill says). Not thread-safe: one reader per thread.
  void values(const std::string& chrom, std::int64_t start, std::int64_t end, float* out, ZeroFill& fill) const;
  // The values as stored: NaN stays NaN, no data is 0. [start, end) must lie inside `chrom`.
  void raw_values(const std::string& chrom, std::int64_t start, std::int64_t end, float* out) const;
  // The chromosome's length here, -1 when the track lacks it.
  std::int64_t length(const std::string& chrom) const;

  // Error naming this file, the chromosome and both sizes when a chromosome of the genome has
  // another length here (another assembly). Chromosomes only one of them has are fine.
  void check_sizes(const Genome& genome) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  std::vector<ChromSize> chroms_;
};

// A genome's chromosomes in the order bigWig wants them: by name, byte-wise (the chromosome
// B+ tree readers search is sorted; UCSC's tools write it so).
std::vector<ChromSize> bigwig_chroms(const Genome& genome);

// Writes a bigWig of `chroms` (in that order: intervals must come chromosome by chromosome in
// this order, ascending and non-overlapping within one). The file appears on commit(), written
// under a temporary name beside it until then (removed when the writer is destroyed uncommitted).
class BigWigWriter {
 public:
  BigWigWriter(std::filesystem::path path, std::vector<ChromSize> chroms);
  ~BigWigWriter();
  BigWigWriter(const BigWigWriter&) = delete;
  BigWigWriter& operator=(const BigWigWriter&) = delete;

  // One interval [start, end) with `value`; an adjacent interval with the same value extends it.
  void add(const std::string& chrom, std::int64_t start, std::int64_t end, float value);
  // Writes the zoom levels and index, and renames the file into place.
  void commit();
  const std::filesystem::path& path() const { return path_; }

 private:
  void flush(bool all);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_, temp_;
  std::vector<ChromSize> chroms_;
  bool committed_ = false;
};

}  // namespace dnacnn::io

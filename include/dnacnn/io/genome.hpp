// A reference genome: an indexed FASTA (plain or bgzip), read through htslib's faidx, or a UCSC
// .2bit file (known by its signature, whatever its name; read with random access, no index).
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dnacnn/core/error.hpp"

namespace dnacnn::io {

class Genome {
 public:
  // Opens `path`, building a FASTA's .fai (and .gzi for bgzip) beside it when missing. A plain-gzip
  // file, a missing file, an index that cannot be written, a truncated or damaged 2bit file are
  // Errors naming the file.
  explicit Genome(const std::filesystem::path& path);
  ~Genome();
  Genome(Genome&&) noexcept;
  Genome& operator=(Genome&&) noexcept;

  const std::string& path() const { return path_; }
  // The file whose checksum identifies the genome's content cheaply: the .fai of a FASTA, the
  // 2bit file itself (its index is inside it).
  std::filesystem::path fingerprint_file() const;
  // Sequence names in file order.
  const std::vector<std::string>& names() const { return names_; }
  bool contains(std::string_view name) const;
  // Length of `name`; an Error at `where` naming it (and the genome's names) when it is absent.
  std::int64_t length(const std::string& name, const SourceLocation& where = {}) const;

  // Bases [start, end) of `name`, upper case, with anything but ACGT as N. Positions before 0 or
  // past the end are N, so a window may hang off either end. Not thread-safe: one Genome per thread.
  std::string fetch(const std::string& name, std::int64_t start, std::int64_t end) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  std::vector<std::string> names_;
};

// Fraction of G and C among the A, C, G, T bases of `seq` (0 when it has none).
double gc_fraction(std::string_view seq);
// Fraction of N in `seq`.
double n_fraction(std::string_view seq);

}  // namespace dnacnn::io

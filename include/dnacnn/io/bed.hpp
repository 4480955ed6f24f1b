// BED intervals (0-based, half-open), plain or gzip/bgzip, read through htslib.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dnacnn::io {

struct BedRecord {
  std::string chrom;
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::vector<std::string> fields;  // every column, the first three included
  long line = 0;
};

// Skips blank, '#', 'track' and 'browser' lines. Fewer than 3 tab-separated columns, a coordinate
// that is not a whole number >= 0, or end < start is an Error at file:line:column.
std::vector<BedRecord> read_bed(const std::filesystem::path& path);

// A BED column given as a 1-based number ("5") or a BED/narrowPeak name (name, score, strand,
// signalValue, pValue, qValue, peak): its 0-based index. UsageError otherwise.
std::size_t bed_column(std::string_view spec);
// The column's name for headers: "score" for 5, "col9" for a column without a standard name.
std::string bed_column_name(std::size_t index);

}  // namespace dnacnn::io

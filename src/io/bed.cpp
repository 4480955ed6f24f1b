#include "dnacnn/io/bed.hpp"

#include <array>
#include <charconv>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/line_reader.hpp"
#include "dnacnn/io/table.hpp"

namespace dnacnn::io {

namespace {

// BED6 then narrowPeak's extra columns (ENCODE), by 0-based index.
constexpr std::array<std::string_view, 10> kColumnNames{"chrom", "start", "end", "name", "score", "strand",
                                                         "signalValue", "pValue", "qValue", "peak"};

bool is_header(std::string_view line) {
  return line.empty() || line.front() == '#' || line.rfind("track", 0) == 0 || line.rfind("browser", 0) == 0;
}

std::int64_t coordinate(std::string_view text, const SourceLocation& where, const char* what) {
  std::int64_t v = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0)
    throw Error(std::string("BED ") + what + " must be a whole number >= 0, got '" + std::string(text.substr(0, 30)) +
                    "'",
                where);
  return v;
}

}  // namespace

std::vector<BedRecord> read_bed(const std::filesystem::path& path) {
  LineReader lines(path);
  std::vector<BedRecord> out;
  std::string_view line;
  std::vector<std::string_view> fields;
  while (lines.next(line)) {
    if (is_header(line)) continue;
    split_fields(line, '\t', fields);
    const long n = lines.line_number();
    if (fields.size() < 3)
      throw Error("a BED line needs at least 3 tab-separated columns (chrom, start, end), found " +
                      std::to_string(fields.size()),
                  {lines.path(), n});
    BedRecord r;
    r.line = n;
    r.chrom = std::string(fields[0]);
    const long start_col = static_cast<long>(fields[0].size()) + 2;
    const long end_col = start_col + static_cast<long>(fields[1].size()) + 1;
    r.start = coordinate(fields[1], {lines.path(), n, start_col}, "start");
    r.end = coordinate(fields[2], {lines.path(), n, end_col}, "end");
    if (r.end < r.start)
      throw Error("BED end " + std::to_string(r.end) + " is before start " + std::to_string(r.start), {lines.path(), n, end_col});
    for (std::string_view f : fields) r.fields.emplace_back(f);
    out.push_back(std::move(r));
  }
  if (out.empty()) throw Error("no intervals in the BED file", {lines.path()});
  return out;
}

std::size_t bed_column(std::string_view spec) {
  for (std::size_t i = 3; i < kColumnNames.size(); ++i)
    if (spec == kColumnNames[i]) return i;
  std::size_t number = 0;
  const auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), number);
  if (ec == std::errc() && end == spec.data() + spec.size() && number >= 4) return number - 1;
  throw UsageError("--target-col with --bed is a column number from 4 or a name (name, score, strand, "
                   "signalValue, pValue, qValue, peak), got '" + std::string(spec) + "'");
}

std::string bed_column_name(std::size_t index) {
  return index < kColumnNames.size() ? std::string(kColumnNames[index]) : "col" + std::to_string(index + 1);
}

}  // namespace dnacnn::io

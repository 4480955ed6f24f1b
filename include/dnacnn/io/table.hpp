// Delimited tables (TSV, CSV) with a header line, read one row at a time.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dnacnn/io/line_reader.hpp"

namespace dnacnn::io {

// Tab for .tsv/.txt (and anything unknown), comma for .csv; a trailing .gz/.bgz is ignored.
char delimiter_for(const std::filesystem::path& path);

class TableReader {
 public:
  // Reads the header; throws Error for an empty file.
  TableReader(const std::filesystem::path& path, char delimiter);

  const std::vector<std::string>& header() const { return header_; }
  std::optional<std::size_t> find_column(std::string_view name) const;
  // Like find_column, but a missing column is an Error that lists the columns there are.
  std::size_t require_column(std::string_view name) const;

  // Advances to the next non-empty row; false at the end. A row whose field count differs
  // from the header's is an Error.
  bool next();
  std::string_view field(std::size_t i) const { return fields_[i]; }
  long line_number() const { return lines_.line_number(); }
  // 1-based character column where field i starts, for error messages.
  long column_of(std::size_t i) const;
  const std::string& path() const { return lines_.path(); }

 private:
  LineReader lines_;
  char delimiter_;
  std::vector<std::string> header_;
  std::string_view line_;
  std::vector<std::string_view> fields_;
};

// Splits on `delimiter` with no quoting: sequence tables never need it.
void split_fields(std::string_view line, char delimiter, std::vector<std::string_view>& out);

// Parses a finite float; nullopt for text, NaN or infinity.
std::optional<float> parse_finite_float(std::string_view text);

}  // namespace dnacnn::io

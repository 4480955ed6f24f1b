// Delimited tables (TSV, CSV) with a header line, read one row at a time. Fields are read as RFC
// 4180 says, in CSV and TSV alike: a field that starts with a double quote runs to the matching
// closing quote, may hold delimiters, line breaks and doubled quotes ("" for one); others are
// taken as written. CRLF line ends and a UTF-8 BOM are accepted (what R, Excel and pandas write).
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
  // from the header's is an Error; so is a quote that never closes (at the line:column where it
  // opened) and text after a closing quote.
  bool next();
  // Field i of the row, unquoted.
  std::string_view field(std::size_t i) const { return fields_[i]; }
  // The line the row starts on (a quoted field may continue it over more lines).
  long line_number() const { return row_line_; }
  // 1-based character column where field i starts, for error messages.
  long column_of(std::size_t i) const { return columns_[i]; }
  const std::string& path() const { return lines_.path(); }

 private:
  bool read_row();  // the next row's fields (may be one empty field); false at the end
  void read_quoted_row(std::string_view line);

  LineReader lines_;
  char delimiter_;
  std::vector<std::string> header_;
  std::string unquoted_;  // a row with quotes: its fields, unquoted, back to back
  std::vector<std::string_view> fields_;
  std::vector<long> columns_;
  long row_line_ = 0;
  bool blank_row_ = false;
};

// Splits on `delimiter` with no quoting (BED, .fai and dnacnn's own outputs).
void split_fields(std::string_view line, char delimiter, std::vector<std::string_view>& out);

// Parses a finite float; nullopt for text, NaN or infinity.
std::optional<float> parse_finite_float(std::string_view text);

}  // namespace dnacnn::io

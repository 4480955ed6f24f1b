// FASTA files record by record: '>' header lines, sequences wrapped over any number of lines.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "dnacnn/io/line_reader.hpp"

namespace dnacnn::io {

struct FastaRecord {
  std::string id;    // the header up to the first space or tab
  std::string seq;   // validated (ACGTN in either case) and upper-cased
  long line = 0;     // line of the '>' header
};

class FastaReader {
 public:
  explicit FastaReader(const std::filesystem::path& path);
  // The next record; false at the end. Text before the first header, an empty id, an empty
  // sequence or a character that is not a base is an Error at file:line[:column].
  bool next(FastaRecord& record);
  const std::string& path() const { return lines_.path(); }

 private:
  LineReader lines_;
  std::optional<std::string> pending_header_;  // the header line that ended the previous record
  long pending_line_ = 0;
  bool any_record_ = false;  // a file without a single record is an error, like an empty table
};

}  // namespace dnacnn::io

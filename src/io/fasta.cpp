#include "dnacnn/io/fasta.hpp"

#include "dnacnn/data/encode.hpp"
#include "dnacnn/core/error.hpp"

namespace dnacnn::io {

FastaReader::FastaReader(const std::filesystem::path& path) : lines_(path) {}

static std::string record_id(std::string_view header, const std::string& path, long line) {
  header.remove_prefix(1);  // '>'
  const std::size_t end = header.find_first_of(" \t");
  std::string id(header.substr(0, end));
  if (id.empty()) throw Error("FASTA header without a name after '>'", {path, line});
  return id;
}

bool FastaReader::next(FastaRecord& record) {
  std::string_view line;
  if (!pending_header_) {  // the first record: skip blank lines, then expect a header
    while (true) {
      if (!lines_.next(line)) {
        if (!any_record_) throw Error("empty file: no FASTA records", {path()});
        return false;
      }
      if (line.empty()) continue;
      if (line.front() != '>')
        throw Error("expected a FASTA header line starting with '>'", {path(), lines_.line_number(), 1});
      pending_header_ = std::string(line);
      pending_line_ = lines_.line_number();
      break;
    }
  }
  any_record_ = true;
  record.id = record_id(*pending_header_, path(), pending_line_);
  record.line = pending_line_;
  record.seq.clear();
  pending_header_.reset();
  while (lines_.next(line)) {
    if (!line.empty() && line.front() == '>') {
      pending_header_ = std::string(line);
      pending_line_ = lines_.line_number();
      break;
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    const std::size_t bad = find_invalid_base(line);
    if (bad != kAllValid)
      throw Error("invalid base " + describe_char(line[bad]) + " in sequence '" + record.id +
                      "' (allowed: A, C, G, T, N)",
                  {path(), lines_.line_number(), static_cast<long>(bad) + 1});
    const std::size_t start = record.seq.size();
    record.seq.append(line);
    for (std::size_t i = start; i < record.seq.size(); ++i) record.seq[i] = static_cast<char>(record.seq[i] & ~0x20);
  }
  if (record.seq.empty()) throw Error("empty sequence for record '" + record.id + "'", {path(), record.line});
  return true;
}

}  // namespace dnacnn::io

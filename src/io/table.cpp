#include "dnacnn/io/table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "dnacnn/core/error.hpp"

namespace dnacnn::io {

char delimiter_for(const std::filesystem::path& path) {
  std::filesystem::path p = path;
  if (p.extension() == ".gz" || p.extension() == ".bgz") p = p.stem();
  return p.extension() == ".csv" ? ',' : '\t';
}

void split_fields(std::string_view line, char delimiter, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(delimiter, start);
    if (end == std::string_view::npos) {
      out.push_back(line.substr(start));
      return;
    }
    out.push_back(line.substr(start, end - start));
    start = end + 1;
  }
}

std::optional<float> parse_finite_float(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  // from_chars takes no '+': strip one, but not before a sign ("+-1" is not a number).
  if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  float value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

TableReader::TableReader(const std::filesystem::path& path, char delimiter)
    : lines_(path), delimiter_(delimiter) {
  if (!read_row()) throw Error("empty file: expected a header line", {lines_.path()});
  for (std::string_view f : fields_) header_.emplace_back(f);
}

std::optional<std::size_t> TableReader::find_column(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  return std::nullopt;
}

std::size_t TableReader::require_column(std::string_view name) const {
  if (auto i = find_column(name)) return *i;
  std::string have;
  for (const auto& h : header_) {
    if (have.size() > 200) {
      have += ", ...";
      break;
    }
    have += (have.empty() ? "" : ", ") + ("'" + printable_excerpt(h) + "'");
  }
  // Standard input has no extension to tell FASTA by: say what to do when it looks like FASTA.
  const bool fasta = !header_.empty() && header_.front().starts_with(">");
  throw Error("no column '" + printable_excerpt(name) + "' in the header (columns: " + have + ")" +
                  (fasta ? "; this looks like FASTA: give --format fasta" : ""),
              {lines_.path(), 1});
}

bool TableReader::read_row() {
  std::string_view line;
  if (!lines_.next(line)) return false;
  row_line_ = lines_.line_number();
  blank_row_ = line.empty();
  if (line.find('"') != std::string_view::npos) {
    read_quoted_row(line);
    return true;
  }
  // No quote: the fields are views of the line itself (the common case, no copy).
  split_fields(line, delimiter_, fields_);
  columns_.clear();
  for (std::string_view f : fields_) columns_.push_back(static_cast<long>(f.data() - line.data()) + 1);
  return true;
}

void TableReader::read_quoted_row(std::string_view line) {
  unquoted_.clear();
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // offsets into unquoted_: it may grow
  columns_.clear();
  std::size_t pos = 0;
  while (true) {
    columns_.push_back(static_cast<long>(pos) + 1);
    const std::size_t begin = unquoted_.size();
    if (pos < line.size() && line[pos] == '"') {
      const SourceLocation opened{lines_.path(), lines_.line_number(), static_cast<long>(pos) + 1};
      ++pos;
      while (true) {
        const std::size_t quote = line.find('"', pos);
        if (quote == std::string_view::npos) {  // the field goes on on the next line
          unquoted_.append(line.substr(pos)).push_back('\n');
          if (!lines_.next(line)) throw Error("a quoted field opens here and never closes", opened);
          pos = 0;
          continue;
        }
        unquoted_.append(line.substr(pos, quote - pos));
        pos = quote + 1;
        if (pos < line.size() && line[pos] == '"') {  // "" inside quotes: one quote
          unquoted_.push_back('"');
          ++pos;
          continue;
        }
        break;
      }
      if (pos < line.size() && line[pos] != delimiter_)
        throw Error("text after a closing quote (a quote inside a quoted field is written \"\")",
                    {lines_.path(), lines_.line_number(), static_cast<long>(pos) + 1});
    } else {
      const std::size_t end = std::min(line.find(delimiter_, pos), line.size());
      unquoted_.append(line.substr(pos, end - pos));
      pos = end;
    }
    spans.emplace_back(begin, unquoted_.size() - begin);
    if (pos >= line.size()) break;
    ++pos;  // the delimiter
  }
  fields_.clear();
  for (const auto& [begin, size] : spans) fields_.push_back(std::string_view(unquoted_).substr(begin, size));
}

bool TableReader::next() {
  while (read_row()) {
    if (blank_row_) continue;
    if (fields_.size() != header_.size()) {
      throw Error("expected " + std::to_string(header_.size()) + " fields like the header, found " +
                      std::to_string(fields_.size()),
                  {lines_.path(), row_line_});
    }
    return true;
  }
  return false;
}

}  // namespace dnacnn::io

#include "dnacnn/io/table.hpp"

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
  std::string_view line;
  if (!lines_.next(line)) throw Error("empty file: expected a header line", {lines_.path()});
  split_fields(line, delimiter_, fields_);
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
  throw Error("no column '" + printable_excerpt(name) + "' in the header (columns: " + have + ")",
              {lines_.path(), 1});
}

bool TableReader::next() {
  while (lines_.next(line_)) {
    if (line_.empty()) continue;
    split_fields(line_, delimiter_, fields_);
    if (fields_.size() != header_.size()) {
      throw Error("expected " + std::to_string(header_.size()) + " fields like the header, found " +
                      std::to_string(fields_.size()),
                  {lines_.path(), lines_.line_number()});
    }
    return true;
  }
  return false;
}

long TableReader::column_of(std::size_t i) const {
  return static_cast<long>(fields_[i].data() - line_.data()) + 1;
}

}  // namespace dnacnn::io

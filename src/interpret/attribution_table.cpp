// attributions.tsv as `dnacnn attribute` writes it, read in large blocks with std::from_chars:
// 20,000 sequences x 200 bp are 4 million rows (~250 MB), which a line-by-line stream reader
// with std::stod would take most of a minute over.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <string_view>

#include "dnacnn/core/error.hpp"
#include "dnacnn/data/encode.hpp"
#include "dnacnn/interpret/discover.hpp"

namespace dnacnn {

namespace {

constexpr std::string_view kHeader = "id\tpos\tbase\tA\tC\tG\tT\tattribution";

class RowParser {
 public:
  RowParser(std::string source, AttributionSet& set) : source_(std::move(source)), set_(set) {}

  void header(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.substr(0, kHeader.size()) != kHeader)
      fail(1, 1, fmt::format("expected the header '{}' of `dnacnn attribute`, found '{}'", "id pos base A C G T attribution",
                             printable_excerpt(line)));
  }

  void row(std::string_view line, long number) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return;
    line_ = line;
    number_ = number;
    at_ = 0;
    const std::string_view id = field("id");
    const std::string_view pos_text = field("pos");
    const std::size_t pos_col = at_ - pos_text.size();
    long pos = 0;
    const auto [p, ec] = std::from_chars(pos_text.data(), pos_text.data() + pos_text.size(), pos);
    if (ec != std::errc() || p != pos_text.data() + pos_text.size() || pos < 1)
      fail(number, static_cast<long>(pos_col), "pos must be a whole number from 1, found '" + printable_excerpt(pos_text) + "'");
    const std::string_view base = field("base");
    if (base.size() != 1) fail(number, static_cast<long>(at_ - base.size()), "base must be one letter, found '" + printable_excerpt(base) + "'");
    std::array<float, 5> v{};
    for (int c = 0; c < 5; ++c) v[static_cast<std::size_t>(c)] = number_field(c < 4 ? "ACGT" + c : nullptr, c == 4);
    if (at_ <= line_.size()) fail(number, static_cast<long>(at_), "more than 8 columns");
    const bool new_sequence = set_.ids.empty() || id != set_.ids.back() || pos == 1;
    if (new_sequence) {
      if (pos != 1) fail(number, static_cast<long>(pos_col), fmt::format("sequence '{}' starts at pos {}, not 1", printable_excerpt(id), pos));
      set_.ids.emplace_back(id);
      set_.start.push_back(set_.base.size());
    } else if (pos != expected_pos_) {
      fail(number, static_cast<long>(pos_col), fmt::format("pos {} follows {} in sequence '{}' (rows must be in order)", pos,
                                                         expected_pos_ - 1, printable_excerpt(id)));
    }
    expected_pos_ = pos + 1;
    set_.base.push_back(static_cast<std::uint8_t>(base_index(base[0])));
    set_.hyp.insert(set_.hyp.end(), v.begin(), v.begin() + 4);
    set_.actual.push_back(v[4]);
  }

  [[noreturn]] void fail(long line, long column, const std::string& what) const {
    throw Error(what, {source_, line, column});
  }

 private:
  // The next tab-separated field; at_ moves past its tab (or one past the end of the line).
  std::string_view field(const char* name) {
    if (at_ > line_.size())
      fail(number_, static_cast<long>(line_.size() + 1), fmt::format("missing column '{}' (8 tab-separated columns expected)", name));
    const std::size_t tab = line_.find('\t', at_);
    const std::size_t end = tab == std::string_view::npos ? line_.size() : tab;
    const std::string_view f = line_.substr(at_, end - at_);
    at_ = end + 1;
    return f;
  }

  float number_field(const char* letter, bool attribution) {
    const std::string name = attribution ? "attribution" : std::string(1, *letter);
    const std::string_view f = field(name.c_str());
    const std::size_t col = at_ - f.size();
    float value = 0;
    const auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), value);
    if (ec != std::errc() || p != f.data() + f.size() || !std::isfinite(value))
      fail(number_, static_cast<long>(col), fmt::format("{} must be a finite number, found '{}'", name, printable_excerpt(f)));
    return value;
  }

  std::string source_;
  AttributionSet& set_;
  std::string_view line_;
  long number_ = 0;
  std::size_t at_ = 0;
  long expected_pos_ = 1;
};

// ISM writes 0 for the observed base (its own "mutation"); other methods do not.
bool looks_like_ism(const AttributionSet& set) {
  for (std::size_t i = 0; i < set.base.size(); ++i)
    if (set.base[i] < 4 && set.hyp[4 * i + set.base[i]] != 0.0f) return false;
  return !set.base.empty();
}

void centre(AttributionSet& set) {
  for (std::size_t i = 0; i < set.base.size(); ++i) {
    float* h = set.hyp.data() + 4 * i;
    const float mean = (h[0] + h[1] + h[2] + h[3]) / 4;
    for (int c = 0; c < 4; ++c) h[c] -= mean;
  }
  set.centred = true;
}

}  // namespace

AttributionSet read_attributions(const std::filesystem::path& table, HypotheticalScores mode) {
  std::ifstream in(table, std::ios::binary);
  if (!in || std::filesystem::is_directory(table)) throw Error("cannot read the attributions table", {table.string()});
  AttributionSet set;
  set.source = table.string();
  RowParser parser(table.string(), set);
  std::string buffer, carry;
  constexpr std::size_t kBlock = 8 << 20;
  long line_number = 0;
  bool seen_header = false;
  std::vector<char> block(kBlock);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    buffer.assign(carry);
    buffer.append(block.data(), got);
    std::size_t from = 0;
    for (std::size_t nl; (nl = buffer.find('\n', from)) != std::string::npos; from = nl + 1) {
      const std::string_view line(buffer.data() + from, nl - from);
      ++line_number;
      if (!seen_header) {
        parser.header(line);
        seen_header = true;
      } else {
        parser.row(line, line_number);
      }
    }
    carry.assign(buffer, from);
  }
  if (!carry.empty()) {
    ++line_number;
    if (!seen_header) parser.header(carry), seen_header = true;
    else parser.row(carry, line_number);
  }
  if (!seen_header) throw Error("empty file: expected the header of `dnacnn attribute`'s attributions.tsv", {table.string()});
  if (set.ids.empty()) throw Error("no attribution rows", {table.string(), 2});
  set.start.push_back(set.base.size());
  if (mode == HypotheticalScores::centre || (mode == HypotheticalScores::automatic && looks_like_ism(set))) centre(set);
  return set;
}

}  // namespace dnacnn

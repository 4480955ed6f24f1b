#include "report/test_points.hpp"

#include <algorithm>
#include <cstdint>

#include "dnacnn/error.hpp"
#include "dnacnn/io/table.hpp"

namespace dnacnn::report {

namespace {

// splitmix64: a well-mixed, platform-independent hash, so samples are the same everywhere.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Candidate {
  std::uint64_t key;
  std::size_t row;
  TestPoint point;
};
bool by_key(const Candidate& a, const Candidate& b) { return a.key < b.key; }

std::string shortened(std::string_view seq, std::size_t max_chars) {
  if (seq.size() <= max_chars) return std::string(seq);
  return std::string(seq.substr(0, max_chars)) + "\u2026";
}

}  // namespace

TestPoints read_test_points(const std::filesystem::path& path, const SampleLimits& limits) {
  io::TableReader table(path, '\t');
  const auto id_col = table.find_column("id");
  const std::size_t seq_col = table.require_column("seq");
  const std::size_t split_col = table.require_column("split");
  const std::size_t actual_col = table.require_column("actual");
  const std::size_t predicted_col = table.require_column("predicted");

  TestPoints result;
  result.has_ids = id_col.has_value();
  // Until sample_from points are seen all are kept; from then on a max-heap (by key) holds the
  // sample_size smallest keys seen so far.
  std::vector<Candidate> kept;
  bool sampling = false;
  std::size_t row = 0;
  while (table.next()) {
    ++row;
    if (table.field(split_col) != "test") continue;
    const auto actual = io::parse_finite_float(table.field(actual_col));
    if (!actual) throw Error("actual value is not a number", {path.string(), table.line_number(), table.column_of(actual_col)});
    const auto predicted = io::parse_finite_float(table.field(predicted_col));
    if (!predicted) {
      ++result.unpredicted;
      continue;
    }
    ++result.total;
    const std::uint64_t key = mix(row);
    if (sampling && (kept.empty() || key >= kept.front().key)) continue;
    TestPoint p{id_col ? std::string(table.field(*id_col)) : std::string(),
                shortened(table.field(seq_col), limits.max_seq_chars), *actual, *predicted};
    if (!sampling) {
      kept.push_back({key, row, std::move(p)});
      if (kept.size() >= limits.sample_from) {
        sampling = true;
        const std::size_t n = std::min(limits.sample_size, kept.size());
        std::nth_element(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(n), kept.end(), by_key);
        kept.resize(n);
        std::make_heap(kept.begin(), kept.end(), by_key);
      }
      continue;
    }
    std::pop_heap(kept.begin(), kept.end(), by_key);
    kept.back() = {key, row, std::move(p)};
    std::push_heap(kept.begin(), kept.end(), by_key);
  }
  std::sort(kept.begin(), kept.end(), [](const Candidate& a, const Candidate& b) { return a.row < b.row; });
  result.points.reserve(kept.size());
  for (Candidate& c : kept) result.points.push_back(std::move(c.point));
  return result;
}

}  // namespace dnacnn::report

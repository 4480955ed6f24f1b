#include "report/test_points.hpp"

#include <algorithm>
#include <cstdint>

#include "dnacnn/core/error.hpp"
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

}  // namespace

std::string shortened(std::string_view seq, std::size_t max_chars) {
  if (seq.size() <= max_chars) return std::string(seq);
  return std::string(seq.substr(0, max_chars)) + "\u2026";
}

TestPoints thinned(const TestPoints& test, std::size_t max_points) {
  if (test.points.size() <= max_points || max_points == 0) return test;
  TestPoints out = test;
  out.points.clear();
  const double step = static_cast<double>(test.points.size()) / static_cast<double>(max_points);
  for (std::size_t i = 0; i < max_points; ++i) out.points.push_back(test.points[static_cast<std::size_t>(i * step)]);
  return out;
}

struct TestRowReader::Columns {
  std::string path;
  io::TableReader table;
  std::optional<std::size_t> id;
  std::size_t seq, split, actual, predicted;
  explicit Columns(const std::filesystem::path& p)
      : path(p.string()),
        table(p, '\t'),
        id(table.find_column("id")),
        seq(table.require_column("seq")),
        split(table.require_column("split")),
        actual(table.require_column("actual")),
        predicted(table.require_column("predicted")) {}
};

TestRowReader::TestRowReader(const std::filesystem::path& path) : columns_(std::make_unique<Columns>(path)) {}
TestRowReader::~TestRowReader() = default;
bool TestRowReader::has_ids() const { return columns_->id.has_value(); }
std::string_view TestRowReader::id() const { return columns_->id ? columns_->table.field(*columns_->id) : ""; }
std::string_view TestRowReader::seq() const { return columns_->table.field(columns_->seq); }

bool TestRowReader::next() {
  Columns& c = *columns_;
  while (c.table.next()) {
    ++row_;
    if (c.table.field(c.split) != "test") continue;
    const auto actual = io::parse_finite_float(c.table.field(c.actual));
    if (!actual) throw Error("actual value is not a number", {c.path, c.table.line_number(), c.table.column_of(c.actual)});
    actual_ = *actual;
    predicted_ = io::parse_finite_float(c.table.field(c.predicted));
    return true;
  }
  return false;
}

TestPoints read_test_points(const std::filesystem::path& path, const SampleLimits& limits) {
  TestRowReader rows(path);
  TestPoints result;
  result.has_ids = rows.has_ids();
  // Until sample_from points are seen all are kept; from then on a max-heap (by key) holds the
  // sample_size smallest keys seen so far.
  std::vector<Candidate> kept;
  bool sampling = false;
  while (rows.next()) {
    const std::size_t row = rows.row();
    const auto predicted = rows.predicted();
    if (!predicted) {
      ++result.unpredicted;
      continue;
    }
    ++result.total;
    const std::uint64_t key = mix(row);
    if (sampling && (kept.empty() || key >= kept.front().key)) continue;
    TestPoint p{std::string(rows.id()), shortened(rows.seq(), limits.max_seq_chars), rows.actual(), *predicted};
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

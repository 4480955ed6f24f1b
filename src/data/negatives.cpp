// Background windows for positives-only data (peaks): random, flanking or GC-matched.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "dnacnn/core/error.hpp"
#include "dnacnn/data/intervals.hpp"
#include "dnacnn/io/genome.hpp"
#include "dnacnn/core/random.hpp"

namespace dnacnn {

namespace {

constexpr double kMaxNFraction = 0.1;
constexpr int kAttemptsPerNegative = 200;

// Positives per chromosome, sorted by start, for overlap tests.
class Occupied {
 public:
  explicit Occupied(const std::vector<Interval>& intervals) {
    for (const auto& i : intervals) by_chrom_[i.chrom].push_back({i.start, i.end});
    for (auto& [chrom, v] : by_chrom_) {
      std::sort(v.begin(), v.end());
      std::int64_t reach = 0;  // longest end so far: a long interval may cover later starts
      for (auto& [s, e] : v) reach = e = std::max(e, reach);
    }
  }
  bool overlaps(const Interval& q) const {
    const auto it = by_chrom_.find(q.chrom);
    if (it == by_chrom_.end()) return false;
    const auto& v = it->second;
    // First interval starting at or after q.end; the one before it has the largest end among those starting before.
    auto after = std::lower_bound(v.begin(), v.end(), std::pair<std::int64_t, std::int64_t>{q.end, INT64_MIN});
    return after != v.begin() && std::prev(after)->second > q.start;
  }

 private:
  std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> by_chrom_;
};

struct Sampler {
  const io::Genome& genome;
  const Occupied& occupied;
  std::int64_t length;
  Rng rng;
  std::vector<std::string> chroms;
  std::vector<std::int64_t> cumulative;  // of the chromosomes' usable start positions

  Sampler(const io::Genome& g, const Occupied& o, std::int64_t len, std::uint64_t seed)
      : genome(g), occupied(o), length(len), rng(seed) {
    std::int64_t total = 0;
    for (const auto& name : g.names()) {
      const std::int64_t starts = g.length(name) - len + 1;
      if (starts <= 0) continue;
      chroms.push_back(name);
      cumulative.push_back(total += starts);
    }
  }

  bool usable(const Interval& w, std::string* seq = nullptr) const {
    if (w.start < 0 || w.end > genome.length(w.chrom) || occupied.overlaps(w)) return false;
    std::string s = genome.fetch(w.chrom, w.start, w.end);
    if (io::n_fraction(s) > kMaxNFraction) return false;
    if (seq) *seq = std::move(s);
    return true;
  }

  // A window placed uniformly at random over the genome (not yet checked).
  Interval random_window() {
    const auto r = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(cumulative.back())));
    const std::size_t c = static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin());
    const std::int64_t start = r - (c == 0 ? 0 : cumulative[c - 1]);
    return {chroms[c], start, start + length};
  }
};

[[noreturn]] void too_few(const std::string& method, std::int64_t found, std::int64_t wanted) {
  throw Error(fmt::format("--negatives {}: found only {} of {} windows that avoid the positives and are "
                          "mostly A/C/G/T; use a smaller --neg-ratio or another method",
                          method, found, wanted));
}

std::vector<Interval> shuffled(Sampler& s, std::int64_t count, const std::string& method) {
  std::vector<Interval> out;
  for (std::int64_t attempt = 0; static_cast<std::int64_t>(out.size()) < count; ++attempt) {
    if (attempt >= count * kAttemptsPerNegative) too_few(method, static_cast<std::int64_t>(out.size()), count);
    Interval w = s.random_window();
    if (s.usable(w)) out.push_back(std::move(w));
  }
  return out;
}

// For each positive in turn, a window 1-3 widths to its left or right.
std::vector<Interval> flanking(Sampler& s, const std::vector<Interval>& positives, std::int64_t count) {
  std::vector<Interval> out;
  std::set<std::tuple<std::string, std::int64_t>> taken;
  for (std::int64_t attempt = 0; static_cast<std::int64_t>(out.size()) < count; ++attempt) {
    if (attempt >= count * kAttemptsPerNegative) too_few("flank", static_cast<std::int64_t>(out.size()), count);
    const Interval& p = positives[static_cast<std::size_t>(attempt) % positives.size()];
    const Interval c = centred(p, s.length);
    const auto widths = static_cast<std::int64_t>(1 + s.rng.below(3));
    const std::int64_t shift = (s.rng.below(2) ? 1 : -1) * widths * s.length;
    Interval w{c.chrom, c.start + shift, c.end + shift};
    if (taken.count({w.chrom, w.start}) || !s.usable(w)) continue;
    taken.insert({w.chrom, w.start});
    out.push_back(std::move(w));
  }
  return out;
}

// A random pool ten times the size wanted, then for each positive the unused window of nearest GC.
std::vector<Interval> gc_matched(Sampler& s, const std::vector<Interval>& positives, std::int64_t count) {
  std::multiset<std::pair<double, std::size_t>> pool;
  std::vector<Interval> windows;
  const std::int64_t pool_size = std::max<std::int64_t>(10 * count, 1000);
  std::string seq;
  for (std::int64_t attempt = 0; static_cast<std::int64_t>(windows.size()) < pool_size; ++attempt) {
    if (attempt >= pool_size * 20) break;
    Interval w = s.random_window();
    if (!s.usable(w, &seq)) continue;
    pool.insert({io::gc_fraction(seq), windows.size()});
    windows.push_back(std::move(w));
  }
  if (static_cast<std::int64_t>(pool.size()) < count) too_few("gc-matched", static_cast<std::int64_t>(pool.size()), count);
  std::vector<Interval> out;
  for (std::int64_t i = 0; i < count; ++i) {
    const Interval c = centred(positives[static_cast<std::size_t>(i) % positives.size()], s.length);
    const double gc = io::gc_fraction(s.genome.fetch(c.chrom, c.start, c.end));
    auto it = pool.lower_bound({gc, 0});
    if (it == pool.end() || (it != pool.begin() && gc - std::prev(it)->first < it->first - gc)) --it;
    out.push_back(windows[it->second]);
    pool.erase(it);
  }
  return out;
}

}  // namespace

std::vector<Interval> generate_negatives(const io::Genome& genome, const std::vector<Interval>& positives,
                                         const std::string& method, std::int64_t count, std::int64_t length,
                                         std::uint64_t seed) {
  if (positives.empty() || count <= 0) return {};
  std::vector<Interval> avoid = positives;
  for (const auto& p : positives) avoid.push_back(centred(p, length));
  const Occupied occupied(avoid);
  Sampler sampler(genome, occupied, length, seed);
  if (sampler.chroms.empty())
    throw Error(fmt::format("no genome sequence is as long as --length {}", length), {genome.path()});
  if (method == "shuffle") return shuffled(sampler, count, method);
  if (method == "flank") return flanking(sampler, positives, count);
  if (method == "gc-matched") return gc_matched(sampler, positives, count);
  throw UsageError("--negatives must be shuffle, flank or gc-matched, got '" + method + "'");
}

}  // namespace dnacnn

#include "dnacnn/interpret/attribution_track.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>
#include <cmath>
#include <limits>
#include <map>

#include "dnacnn/io/bigwig.hpp"
#include "dnacnn/io/genome.hpp"

namespace dnacnn {

namespace {

std::optional<std::int64_t> parse_coordinate(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// One region being written: its place and values, held while it overlaps the bases written.
struct Held {
  std::size_t index;
  std::int64_t start, end;
  std::vector<float> values;
  // Twice the distance from base p's centre (p + 0.5) to the region's centre ((start + end) / 2).
  std::int64_t distance2(std::int64_t p) const {
    const std::int64_t d = 2 * p + 1 - (start + end);
    return d < 0 ? -d : d;
  }
};

// The regions of one chromosome (indices sorted by start), base by base.
void write_chrom(io::BigWigWriter& writer, const std::string& chrom, std::int64_t length,
                 const std::vector<Interval>& regions, const std::vector<std::size_t>& order,
                 const std::function<std::vector<float>(std::size_t)>& values, RegionTrackStats& stats) {
  std::vector<Held> held;
  std::size_t next = 0;
  std::int64_t p = 0;
  while (next < order.size() || !held.empty()) {
    if (held.empty()) p = std::max(p, regions[order[next]].start);
    for (; next < order.size() && regions[order[next]].start <= p; ++next) {
      const Interval& r = regions[order[next]];
      if (r.end <= p) continue;  // wholly under the regions before it
      held.push_back({order[next], r.start, r.end, values(order[next])});
    }
    std::erase_if(held, [p](const Held& h) { return h.end <= p; });
    if (held.empty()) continue;
    // Until the next region starts or a held one ends, the regions at each base stay the same.
    std::int64_t stop = next < order.size() ? regions[order[next]].start : std::numeric_limits<std::int64_t>::max();
    for (const Held& h : held) stop = std::min(stop, h.end);
    for (; p < stop; ++p) {
      if (p < 0 || p >= length) continue;
      const Held* best = &held.front();
      for (const Held& h : held) {
        const auto key = [p](const Held* x) { return std::tuple(x->distance2(p), x->start, x->index); };
        if (key(&h) < key(best)) best = &h;
      }
      const float v = best->values[static_cast<std::size_t>(p - best->start)];
      if (held.size() > 1) ++stats.overlapped;
      if (std::isnan(v)) continue;
      writer.add(chrom, p, p + 1, v);
      ++stats.bases;
    }
  }
}

}  // namespace

std::optional<Interval> parse_interval_id(const std::string& id) {
  const auto colon = id.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  const std::string_view span = std::string_view(id).substr(colon + 1);
  const auto dash = span.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto start = parse_coordinate(span.substr(0, dash)), end = parse_coordinate(span.substr(dash + 1));
  if (!start || !end || *end <= *start) return std::nullopt;
  return Interval{id.substr(0, colon), *start, *end};
}

RegionTrackStats write_region_track(const std::filesystem::path& out, const io::Genome& genome,
                                    const std::vector<Interval>& regions,
                                    const std::function<std::vector<float>(std::size_t)>& values) {
  const std::vector<io::ChromSize> chroms = io::bigwig_chroms(genome);
  std::map<std::string, std::vector<std::size_t>> by_chrom;
  for (std::size_t i = 0; i < regions.size(); ++i) by_chrom[regions[i].chrom].push_back(i);
  io::BigWigWriter writer(out, chroms);
  RegionTrackStats stats;
  for (const io::ChromSize& c : chroms) {
    auto it = by_chrom.find(c.name);
    if (it == by_chrom.end()) continue;
    std::stable_sort(it->second.begin(), it->second.end(),
                     [&](std::size_t a, std::size_t b) { return regions[a].start < regions[b].start; });
    write_chrom(writer, c.name, c.length, regions, it->second, values, stats);
  }
  writer.commit();
  return stats;
}

}  // namespace dnacnn

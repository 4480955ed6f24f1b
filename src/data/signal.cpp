#include "dnacnn/data/signal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>
#include <mutex>
#include <set>
#include <span>
#include <utility>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/genome.hpp"

namespace dnacnn {

namespace {

// "sig.plus" -> "sig" when the stem ends in one of `suffixes` (after a separator or not).
std::string without_strand(const std::string& stem, const std::array<const char*, 5>& suffixes) {
  for (const char* s : suffixes) {
    const std::string suffix = s;
    if (stem.size() > suffix.size() && stem.ends_with(suffix)) {
      std::string base = stem.substr(0, stem.size() - suffix.size());
      if (!base.empty() && (base.back() == '.' || base.back() == '_' || base.back() == '-')) base.pop_back();
      if (!base.empty()) return base;
    }
  }
  return stem;
}

std::string track_stem(const std::filesystem::path& file) {
  std::string name = file.filename().string();
  for (const char* ext : {".bw", ".bigWig", ".bigwig", ".BW"})
    if (name.size() > std::string(ext).size() && name.ends_with(ext)) return name.substr(0, name.size() - std::string(ext).size());
  return name;
}

}  // namespace

std::vector<SignalTrack> parse_bigwig_tracks(const std::vector<std::string>& specs) {
  std::vector<SignalTrack> tracks;
  for (const std::string& spec : specs) {
    const auto comma = spec.find(',');
    if (comma == std::string::npos) {
      if (spec.empty()) throw UsageError("--bigwig takes a file, or PLUS.bw,MINUS.bw for a stranded pair");
      tracks.push_back({track_stem(spec), spec});
      continue;
    }
    const std::string plus = spec.substr(0, comma), minus = spec.substr(comma + 1);
    if (plus.empty() || minus.empty() || minus.find(',') != std::string::npos)
      throw UsageError("--bigwig takes a file, or PLUS.bw,MINUS.bw for a stranded pair, got '" + spec + "'");
    const std::string name = without_strand(track_stem(plus), {"plus", "pos", "fwd", "forward", "+"});
    tracks.push_back({name + "+", plus});
    tracks.push_back({name + "-", minus});
  }
  std::set<std::string> seen;
  for (const auto& t : tracks)
    if (!seen.insert(t.name).second)
      throw UsageError("two --bigwig tracks are named '" + t.name + "' (from their file names): rename one");
  return tracks;
}

SignalAggregate parse_signal_aggregate(const std::string& name) {
  if (name == "sum") return SignalAggregate::sum;
  if (name == "mean") return SignalAggregate::mean;
  if (name == "max") return SignalAggregate::max;
  throw UsageError("--target must be sum, mean or max, got '" + name + "'");
}

namespace {

// Windows close together are read as one stretch: one libBigWig query, each compressed block
// decompressed once, however many windows overlap it (per window, most of the time went there).
constexpr std::int64_t kJoinGap = 1 << 14;     // bases between windows still read through
constexpr std::int64_t kMaxStretch = 1 << 21;  // bases read at once (8 MB of floats)

struct Region {
  std::size_t row;
  std::int64_t start, end;
};

// One window's per-base values from the stretch [from, from + stretch.size()) of a chromosome of
// `chrom_length` bases (-1: the track lacks it) into `out`; zero-filled bases counted in `fill`.
void window_values(const Region& r, const std::vector<float>& stretch, std::int64_t from, std::int64_t chrom_length,
                   float* out, io::ZeroFill& fill) {
  for (std::int64_t p = r.start; p < r.end; ++p) {
    float v = 0;
    if (chrom_length < 0) {
      ++fill.missing_chrom;
    } else if (p < 0 || p >= chrom_length) {
      ++fill.off_end;
    } else {
      v = stretch[static_cast<std::size_t>(p - from)];
      if (std::isnan(v)) ++fill.nan, v = 0;
    }
    out[p - r.start] = v;
  }
}

double aggregate_values(std::span<const float> values, SignalAggregate aggregate) {
  double sum = 0;
  float max = values.empty() ? 0.0f : values[0];
  for (const float v : values) {
    sum += v;
    max = std::max(max, v);
  }
  return aggregate == SignalAggregate::sum    ? sum
         : aggregate == SignalAggregate::mean ? sum / static_cast<double>(std::max<std::size_t>(values.size(), 1))
                                              : max;
}

}  // namespace

SignalTargets read_signal_targets(const std::vector<SignalTrack>& tracks, const std::vector<Interval>& windows,
                                  SignalAggregate aggregate, std::int64_t output_length, const io::Genome& genome) {
  std::vector<Region> regions;
  for (std::size_t w = 0; w < windows.size(); ++w) {
    const std::int64_t width = windows[w].end - windows[w].start;
    const std::int64_t length = output_length > 0 && output_length < width ? output_length : width;
    const std::int64_t start = windows[w].start + (width - length) / 2;
    regions.push_back({w, start, start + length});
  }
  std::sort(regions.begin(), regions.end(), [&](const Region& a, const Region& b) {
    return std::tie(windows[a.row].chrom, a.start) < std::tie(windows[b.row].chrom, b.start);
  });
  SignalTargets out;
  out.values.assign(windows.size() * tracks.size(), 0.0f);
  const std::int64_t profile_length = aggregate == SignalAggregate::profile ? regions.front().end - regions.front().start : 0;
  for (const Region& r : regions)
    if (profile_length > 0 && r.end - r.start != profile_length)
      throw UsageError("--profile needs windows of one length (--length, and --output-length no longer than it)");
  out.profiles.assign(windows.size() * tracks.size() * static_cast<std::size_t>(profile_length), 0.0f);
  std::vector<float> stretch, values;
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    const io::BigWigReader reader(tracks[t].file);
    reader.check_sizes(genome);
    out.names.push_back(tracks[t].name);
    for (std::size_t i = 0; i < regions.size();) {
      const std::string& chrom = windows[regions[i].row].chrom;
      const std::int64_t chrom_length = reader.length(chrom);
      const auto clip = [&](std::int64_t p) { return std::clamp<std::int64_t>(p, 0, std::max<std::int64_t>(chrom_length, 0)); };
      const std::int64_t from = clip(regions[i].start);
      std::int64_t to = clip(regions[i].end);
      std::size_t j = i + 1;
      for (; j < regions.size() && windows[regions[j].row].chrom == chrom; ++j) {
        const std::int64_t end = std::max(to, clip(regions[j].end));
        if (clip(regions[j].start) > to + kJoinGap || end - from > kMaxStretch) break;
        to = end;
      }
      stretch.resize(static_cast<std::size_t>(to - from));
      if (to > from) reader.raw_values(chrom, from, to, stretch.data());
      for (; i < j; ++i) {
        const Region& r = regions[i];
        values.resize(static_cast<std::size_t>(r.end - r.start));
        window_values(r, stretch, from, chrom_length, values.data(), out.fill);
        const std::size_t cell = r.row * tracks.size() + t;
        if (profile_length > 0) {  // per base, and log(1 + total) as the count target
          std::copy(values.begin(), values.end(), out.profiles.begin() + static_cast<std::ptrdiff_t>(cell * values.size()));
          out.values[cell] = static_cast<float>(std::log1p(aggregate_values(values, SignalAggregate::sum)));
        } else {
          out.values[cell] = static_cast<float>(aggregate_values(values, aggregate));
        }
      }
    }
  }
  return out;
}

std::string zero_fill_note(const io::ZeroFill& f) {
  return fmt::format("{} bases missing/NaN filled with zeros ({} past a chromosome end, {} on chromosomes a track "
                     "lacks, {} NaN)",
                     f.total(), f.off_end, f.missing_chrom, f.nan);
}

namespace {
std::mutex g_notes_mutex;
std::vector<std::string> g_notes;
}  // namespace

void add_data_note(std::string note) {
  std::lock_guard lock(g_notes_mutex);
  g_notes.push_back(std::move(note));
}

std::vector<std::string> take_data_notes() {
  std::lock_guard lock(g_notes_mutex);
  return std::exchange(g_notes, {});
}

}  // namespace dnacnn

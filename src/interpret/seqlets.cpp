// Seqlets: windows whose summed contribution stands out. As in TF-MoDISco, the null is the same
// tracks with their positions permuted within each sequence; a window passes when at most
// `target_fdr` of the windows as extreme would be null (each sign apart), and between
// `min_passing` and `max_passing` of all windows pass whatever the null says (top-|sum| fallback).
// Seqlets are then taken greedily, strongest first, suppressing the windows around each one.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "dnacnn/core/random.hpp"
#include "interpret/discover_detail.hpp"

namespace dnacnn::discover_detail {

namespace {

// Sums of every full window of x[0..n): n - w + 1 values (none when n < w).
void window_sums(const float* x, std::size_t n, int w, std::vector<float>& out) {
  out.clear();
  if (n < static_cast<std::size_t>(w)) return;
  double sum = 0;
  for (int i = 0; i < w; ++i) sum += x[i];
  out.push_back(static_cast<float>(sum));
  for (std::size_t s = 1; s + static_cast<std::size_t>(w) <= n; ++s) {
    sum += x[s + static_cast<std::size_t>(w) - 1] - x[s - 1];
    out.push_back(static_cast<float>(sum));
  }
}

// The smallest magnitude t among `real` (> 0 values, one tail) such that the windows at or beyond
// t are at most `fdr` null, the null counts scaled by `ratio` (real windows / null windows).
// Infinity when no threshold reaches the target.
double fdr_threshold(std::vector<float> real, std::vector<float> null, double ratio, double fdr) {
  std::sort(real.begin(), real.end(), std::greater<>());
  std::sort(null.begin(), null.end(), std::greater<>());
  double threshold = std::numeric_limits<double>::infinity();
  std::size_t j = 0;
  for (std::size_t i = 0; i < real.size(); ++i) {
    while (j < null.size() && null[j] >= real[i]) ++j;
    if (static_cast<double>(j) * ratio <= fdr * static_cast<double>(i + 1)) threshold = real[i];
  }
  return threshold;
}

// The value at the top `fraction` of |values|.
double top_quantile(const std::vector<float>& values, double fraction) {
  if (values.empty()) return std::numeric_limits<double>::infinity();
  std::vector<float> mags(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) mags[i] = std::fabs(values[i]);
  const auto k = std::min(mags.size() - 1, static_cast<std::size_t>(fraction * static_cast<double>(mags.size())));
  std::nth_element(mags.begin(), mags.begin() + static_cast<std::ptrdiff_t>(k), mags.end(), std::greater<>());
  return std::max(mags[k], std::numeric_limits<float>::min());
}

struct Windows {
  std::vector<float> real, null;
  std::vector<std::size_t> offset;  // sequence i's windows are real[offset[i] .. offset[i + 1])
};

// `pooled`: the null permutes positions across all sequences instead of within each; for sequences
// only a few windows long (the notebook's 8-mers) a permuted sequence still holds all of its motif
// and its windows would look as strong as the real ones.
Windows all_windows(const AttributionSet& set, int w, bool pooled, const DiscoverOptions& options) {
  std::vector<float> pool;
  if (pooled) {
    pool = set.actual;
    Rng rng(options.seed);
    for (std::size_t k = pool.size(); k > 1; --k) std::swap(pool[k - 1], pool[rng.below(k)]);
  }
  Windows out;
  out.offset.push_back(0);
  for (std::size_t i = 0; i < set.size(); ++i)
    out.offset.push_back(out.offset.back() + (set.length(i) >= static_cast<std::size_t>(w) ? set.length(i) - w + 1 : 0));
  out.real.resize(out.offset.back());
  // The null from at most ~2 million windows: every stride-th sequence.
  const std::size_t stride = std::max<std::size_t>(1, out.real.size() / 2000000 + 1);
  const int threads = thread_count(options.threads);
  std::vector<std::vector<float>> nulls(static_cast<std::size_t>(threads));
  parallel_for(set.size(), threads, [&](std::size_t b, std::size_t e, std::size_t slot) {
    std::vector<float> sums, track;
    for (std::size_t i = b; i < e; ++i) {
      const float* x = set.actual.data() + set.start[i];
      window_sums(x, set.length(i), w, sums);
      std::copy(sums.begin(), sums.end(), out.real.begin() + static_cast<std::ptrdiff_t>(out.offset[i]));
      if (i % stride) continue;
      if (pooled) {
        track.assign(pool.begin() + static_cast<std::ptrdiff_t>(set.start[i]), pool.begin() + static_cast<std::ptrdiff_t>(set.start[i + 1]));
      } else {
        track.assign(x, x + set.length(i));
        Rng rng(options.seed * 0x9E3779B97F4A7C15ULL + i);
        for (std::size_t k = track.size(); k > 1; --k) std::swap(track[k - 1], track[rng.below(k)]);
      }
      window_sums(track.data(), track.size(), w, sums);
      nulls[slot].insert(nulls[slot].end(), sums.begin(), sums.end());
    }
  });
  for (auto& n : nulls) out.null.insert(out.null.end(), n.begin(), n.end());
  return out;
}

std::vector<float> tail(const std::vector<float>& v, int sign) {
  std::vector<float> out;
  for (float x : v)
    if (x * static_cast<float>(sign) > 0) out.push_back(x * static_cast<float>(sign));
  return out;
}

}  // namespace

Geometry effective_geometry(const AttributionSet& set, const DiscoverOptions& options) {
  std::size_t shortest = std::numeric_limits<std::size_t>::max();
  for (std::size_t i = 0; i < set.size(); ++i) shortest = std::min(shortest, set.length(i));
  Geometry g{options.window, options.flank};
  if (shortest < 2 * static_cast<std::size_t>(g.window)) {
    g.window = std::max(1, static_cast<int>(shortest / 2));
    g.flank = std::min(g.flank, g.window / 2);
  }
  return g;
}

SeqletCalls call_seqlets(const AttributionSet& set, const Geometry& g, const DiscoverOptions& options) {
  SeqletCalls calls;
  const Windows win = all_windows(set, g.window, g.window < options.window, options);
  SeqletStats& st = calls.stats;
  st.window = g.window;
  st.flank = g.flank;
  st.windows = static_cast<std::int64_t>(win.real.size());
  st.null_windows = static_cast<std::int64_t>(win.null.size());
  if (win.real.empty()) return calls;
  const double ratio = win.null.empty() ? 1 : double(win.real.size()) / double(win.null.size());
  st.pos_threshold = fdr_threshold(tail(win.real, 1), tail(win.null, 1), ratio, options.target_fdr);
  st.neg_threshold = -fdr_threshold(tail(win.real, -1), tail(win.null, -1), ratio, options.target_fdr);
  std::size_t passing = 0;
  for (float v : win.real) passing += v >= st.pos_threshold || v <= st.neg_threshold;
  const double frac = double(passing) / double(win.real.size());
  if (frac < options.min_passing) {
    const double q = top_quantile(win.real, options.min_passing);
    st.pos_threshold = std::min(st.pos_threshold, q);
    st.neg_threshold = std::max(st.neg_threshold, -q);
  } else if (frac > options.max_passing) {
    const double q = top_quantile(win.real, options.max_passing);
    st.pos_threshold = std::max(st.pos_threshold, q);
    st.neg_threshold = std::min(st.neg_threshold, -q);
  }
  // Greedy per sequence: the strongest passing window, then the next outside its reach, ...
  const int reach = g.window / 2 + g.flank;
  for (std::size_t i = 0; i < set.size(); ++i) {
    const std::size_t n = win.offset[i + 1] - win.offset[i];
    const float* v = win.real.data() + win.offset[i];
    std::vector<std::uint32_t> order;
    for (std::size_t s = 0; s < n; ++s)
      if (v[s] >= st.pos_threshold || v[s] <= st.neg_threshold) order.push_back(static_cast<std::uint32_t>(s));
    std::sort(order.begin(), order.end(), [v](std::uint32_t a, std::uint32_t b) { return std::fabs(v[a]) > std::fabs(v[b]); });
    std::vector<std::uint32_t> taken;
    for (std::uint32_t s : order) {
      if (std::any_of(taken.begin(), taken.end(), [&](std::uint32_t t) { return std::abs(int(s) - int(t)) < reach; })) continue;
      taken.push_back(s);
      Seqlet q{static_cast<std::uint32_t>(i), static_cast<std::int32_t>(s) - g.flank, v[s]};
      (v[s] > 0 ? calls.pos : calls.neg).push_back(q);
    }
  }
  for (auto* list : {&calls.pos, &calls.neg}) {
    std::stable_sort(list->begin(), list->end(), [](const Seqlet& a, const Seqlet& b) { return std::fabs(a.score) > std::fabs(b.score); });
    if (list->size() > static_cast<std::size_t>(options.max_seqlets)) list->resize(static_cast<std::size_t>(options.max_seqlets));
  }
  st.pos_seqlets = static_cast<std::int64_t>(calls.pos.size());
  st.neg_seqlets = static_cast<std::int64_t>(calls.neg.size());
  return calls;
}

}  // namespace dnacnn::discover_detail

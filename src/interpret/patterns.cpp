// Seqlets of one sign into patterns. Each seqlet is a span x 8 matrix (hypothetical contributions
// of A, C, G, T and the actual contribution at the observed base), each half L1-normalised, on
// both strands. Similarity is TF-MoDISco's continuous Jaccard of a central window against every
// offset of the other matrix, on both strands.
//
// Clustering, instead of TF-MoDISco's k-NN graph and Leiden (all seqlets against all):
//  1. seeds: a random sample of `sample` seqlets compared all against all; the seqlet with the most
//     unclaimed neighbours (similarity >= `similarity`) and those neighbours make a cluster, again
//     until no seqlet has enough neighbours left;
//  2. every seqlet joins the cluster whose centroid (mean aligned window) it matches best, if it
//     matches well enough; centroids are recomputed; twice;
//  3. clusters whose centroids are alike (`merge`) are merged (the smaller dropped, its seqlets
//     re-assigned), then one last assignment.
// So the cost is sample^2 + seqlets x clusters comparisons, not seqlets^2.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "dnacnn/core/random.hpp"
#include "interpret/discover_detail.hpp"

namespace dnacnn::discover_detail {

namespace {

constexpr int kF = 8;  // features per position

struct Features {
  int span = 0;
  std::vector<float> fwd, rev;  // seqlet-major, span x kF each
  const float* at(std::size_t i, bool reverse) const {
    return (reverse ? rev : fwd).data() + i * static_cast<std::size_t>(span * kF);
  }
};

Features build_features(const AttributionSet& set, const std::vector<Seqlet>& seqlets, const Geometry& g, int threads) {
  Features f;
  f.span = g.span();
  const std::size_t per = static_cast<std::size_t>(f.span * kF);
  f.fwd.assign(seqlets.size() * per, 0.0f);
  f.rev.assign(seqlets.size() * per, 0.0f);
  parallel_for(seqlets.size(), threads, [&](std::size_t b, std::size_t e, std::size_t) {
    for (std::size_t i = b; i < e; ++i) {
      const Seqlet& q = seqlets[i];
      float* fw = f.fwd.data() + i * per;
      float* rv = f.rev.data() + i * per;
      double hyp_sum = 0, act_sum = 0;
      for (int p = 0; p < f.span; ++p) {
        const std::int64_t pos = q.start + p;
        if (pos < 0 || pos >= static_cast<std::int64_t>(set.length(q.seq))) continue;
        const std::size_t at = set.start[q.seq] + static_cast<std::size_t>(pos);
        const int r = f.span - 1 - p;
        for (int c = 0; c < 4; ++c) {
          const float h = set.hyp[4 * at + static_cast<std::size_t>(c)];
          fw[p * kF + c] = h;
          rv[r * kF + 3 - c] = h;
          hyp_sum += std::fabs(h);
        }
        const int b = set.base[at];
        if (b < 4) {
          fw[p * kF + 4 + b] = set.actual[at];
          rv[r * kF + 4 + 3 - b] = set.actual[at];
          act_sum += std::fabs(set.actual[at]);
        }
      }
      for (int p = 0; p < f.span * kF; ++p) {
        const double sum = p % kF < 4 ? hyp_sum : act_sum;
        const float scale = sum > 0 ? static_cast<float>(1 / sum) : 0.0f;
        fw[p] *= scale;
        rv[p] *= scale;
      }
    }
  });
  return f;
}

// Continuous Jaccard of n = width x kF values; kF independent lanes so that it vectorises and
// gives the same sum on every machine.
float jaccard(const float* a, const float* b, int n) {
  float num[kF] = {}, den[kF] = {};
  for (int i = 0; i < n; i += kF)
    for (int k = 0; k < kF; ++k) {
      const float x = a[i + k], y = b[i + k];
      const float ax = std::fabs(x), ay = std::fabs(y);
      num[k] += std::copysign(std::min(ax, ay), x * y);  // + when the signs agree
      den[k] += std::max(ax, ay);
    }
  float tn = 0, td = 0;
  for (int k = 0; k < kF; ++k) tn += num[k], td += den[k];
  return td > 0 ? tn / td : 0.0f;
}

struct Fit {
  float sim = -2;
  int offset = 0;  // the query window faces columns offset .. offset + window of the (reversed) seqlet
  bool reverse = false;
};

Fit best_fit(const float* query, int window, const Features& f, std::size_t i) {
  Fit best;
  for (int r = 0; r < 2; ++r) {
    const float* m = f.at(i, r == 1);
    for (int o = 0; o + window <= f.span; ++o) {
      const float s = jaccard(query, m + o * kF, window * kF);
      if (s > best.sim) best = {s, o, r == 1};
    }
  }
  return best;
}

using Centroid = std::vector<float>;  // window x kF

struct Assignment {
  int cluster = -1;
  Fit fit;
};

// Mean aligned window of each cluster's members.
std::vector<Centroid> centroids_of(const Features& f, const std::vector<Assignment>& a, std::size_t clusters, int window) {
  std::vector<Centroid> c(clusters, Centroid(static_cast<std::size_t>(window * kF), 0.0f));
  std::vector<int> n(clusters, 0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].cluster < 0) continue;
    const float* m = f.at(i, a[i].fit.reverse) + a[i].fit.offset * kF;
    Centroid& t = c[static_cast<std::size_t>(a[i].cluster)];
    for (int k = 0; k < window * kF; ++k) t[static_cast<std::size_t>(k)] += m[k];
    ++n[static_cast<std::size_t>(a[i].cluster)];
  }
  std::vector<Centroid> kept;
  for (std::size_t k = 0; k < clusters; ++k) {
    if (n[k] == 0) continue;
    for (float& v : c[k]) v /= static_cast<float>(n[k]);
    kept.push_back(std::move(c[k]));
  }
  return kept;
}

std::vector<Assignment> assign(const Features& f, std::size_t n, const std::vector<Centroid>& cs, int window,
                               double threshold, int threads) {
  std::vector<Assignment> a(n);
  parallel_for(n, threads, [&](std::size_t b, std::size_t e, std::size_t) {
    for (std::size_t i = b; i < e; ++i)
      for (std::size_t k = 0; k < cs.size(); ++k) {
        const Fit fit = best_fit(cs[k].data(), window, f, i);
        if (fit.sim >= threshold && fit.sim > a[i].fit.sim) a[i] = {static_cast<int>(k), fit};
      }
  });
  return a;
}

// Step 1: seed clusters from a sample compared all against all.
std::vector<Centroid> seed_centroids(const Features& f, std::size_t n, const Geometry& g, const DiscoverOptions& o,
                                     std::size_t min_seed, int threads) {
  std::vector<std::size_t> sample(n);
  std::iota(sample.begin(), sample.end(), std::size_t{0});
  if (n > static_cast<std::size_t>(o.sample)) {
    Rng rng(o.seed);
    for (std::size_t k = 0; k < static_cast<std::size_t>(o.sample); ++k) std::swap(sample[k], sample[k + rng.below(n - k)]);
    sample.resize(static_cast<std::size_t>(o.sample));
    std::sort(sample.begin(), sample.end());
  }
  const std::size_t m = sample.size();
  std::vector<float> sim(m * m, 0.0f);
  // One direction per pair (i's core against j), mirrored: rows interleaved over the threads so
  // that each gets as many pairs.
  parallel_for(threads, threads, [&](std::size_t b, std::size_t e, std::size_t) {
    for (std::size_t slice = b; slice < e; ++slice)
      for (std::size_t i = slice; i < m; i += static_cast<std::size_t>(threads)) {
        const float* core = f.at(sample[i], false) + g.flank * kF;
        for (std::size_t j = i + 1; j < m; ++j) sim[i * m + j] = sim[j * m + i] = best_fit(core, g.window, f, sample[j]).sim;
      }
  });
  std::vector<char> claimed(m, 0);
  std::vector<Assignment> seeded(n);
  std::size_t clusters = 0;
  constexpr std::size_t kMaxClusters = 50;
  while (clusters < kMaxClusters) {
    std::size_t best = m, best_count = 0;
    for (std::size_t i = 0; i < m; ++i) {
      if (claimed[i]) continue;
      std::size_t count = 0;
      for (std::size_t j = 0; j < m; ++j) count += !claimed[j] && j != i && sim[i * m + j] >= o.similarity;
      if (best == m || count > best_count) best = i, best_count = count;
    }
    if (best == m || best_count + 1 < min_seed) break;
    const float* core = f.at(sample[best], false) + g.flank * kF;
    for (std::size_t j = 0; j < m; ++j) {
      if (claimed[j] || (j != best && sim[best * m + j] < o.similarity)) continue;
      claimed[j] = 1;
      seeded[sample[j]] = {static_cast<int>(clusters), best_fit(core, g.window, f, sample[j])};
    }
    ++clusters;
  }
  return centroids_of(f, seeded, clusters, g.window);
}

// Centroid a against centroid b (zero-padded by the flank on both sides): their best similarity.
float centroid_similarity(const Centroid& a, const Centroid& b, const Geometry& g) {
  Features f;
  f.span = g.span();
  f.fwd.assign(static_cast<std::size_t>(f.span * kF), 0.0f);
  f.rev = f.fwd;
  for (int p = 0; p < g.window; ++p)
    for (int c = 0; c < kF; ++c) {
      const float v = b[static_cast<std::size_t>(p * kF + c)];
      f.fwd[static_cast<std::size_t>((g.flank + p) * kF + c)] = v;
      const int rc = c < 4 ? 3 - c : 4 + 3 - (c - 4);
      f.rev[static_cast<std::size_t>((f.span - 1 - g.flank - p) * kF + rc)] = v;
    }
  return best_fit(a.data(), g.window, f, 0).sim;
}

// Step 3: drop the smaller of the most alike pair while any pair is at least `merge` alike.
void merge_duplicates(std::vector<Centroid>& cs, std::vector<std::size_t> sizes, const Geometry& g, double merge) {
  for (;;) {
    float best = -2;
    std::size_t drop = cs.size();
    for (std::size_t a = 0; a < cs.size(); ++a)
      for (std::size_t b = a + 1; b < cs.size(); ++b) {
        const float s = std::max(centroid_similarity(cs[a], cs[b], g), centroid_similarity(cs[b], cs[a], g));
        if (s >= merge && s > best) best = s, drop = sizes[a] < sizes[b] ? a : b;
      }
    if (drop == cs.size()) return;
    cs.erase(cs.begin() + static_cast<std::ptrdiff_t>(drop));
    sizes.erase(sizes.begin() + static_cast<std::ptrdiff_t>(drop));
  }
}

std::vector<Column> reverse_complement_columns(const std::vector<Column>& m) {
  std::vector<Column> out(m.rbegin(), m.rend());
  for (Column& c : out) c = {c[3], c[2], c[1], c[0]};
  return out;
}

// A pattern's strand is its seed's, which for a near-palindrome (TATAT) can be either: shown the
// way most of its seqlets read on the sequences' own strand.
void orient_by_majority(Pattern& p) {
  const auto reversed = std::count_if(p.members.begin(), p.members.end(), [](const PatternMember& m) { return m.reverse; });
  if (2 * static_cast<std::size_t>(reversed) <= p.members.size()) return;
  p.pwm = reverse_complement_columns(p.pwm);
  p.cwm = reverse_complement_columns(p.cwm);
  p.hcwm = reverse_complement_columns(p.hcwm);
  for (PatternMember& m : p.members) m.reverse = !m.reverse;
}

struct Aggregate {
  std::vector<Column> counts, cwm, hcwm;
  std::vector<int> n;
};

// The members' aligned windows widened by the flank, read from the attributions (not normalised).
Pattern aggregate(const AttributionSet& set, const std::vector<Seqlet>& seqlets, const std::vector<Assignment>& a,
                  int cluster, int sign, const Geometry& g, double trim) {
  const int width = g.span();
  Aggregate agg{std::vector<Column>(static_cast<std::size_t>(width), Column{}), std::vector<Column>(static_cast<std::size_t>(width), Column{}),
                std::vector<Column>(static_cast<std::size_t>(width), Column{}), std::vector<int>(static_cast<std::size_t>(width), 0)};
  // Sequence position of aggregate column k for a member.
  const auto position = [&](const Seqlet& q, const Fit& fit, int k) -> std::int64_t {
    const int col = fit.offset - g.flank + k;  // column of the (reversed) seqlet
    return fit.reverse ? q.start + g.span() - 1 - col : q.start + col;
  };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].cluster != cluster) continue;
    const Seqlet& q = seqlets[i];
    const auto length = static_cast<std::int64_t>(set.length(q.seq));
    for (int k = 0; k < width; ++k) {
      const std::int64_t pos = position(q, a[i].fit, k);
      if (pos < 0 || pos >= length) continue;
      const std::size_t at = set.start[q.seq] + static_cast<std::size_t>(pos);
      const auto col = static_cast<std::size_t>(k);
      for (int c = 0; c < 4; ++c)
        agg.hcwm[col][static_cast<std::size_t>(c)] += set.hyp[4 * at + static_cast<std::size_t>(a[i].fit.reverse ? 3 - c : c)];
      ++agg.n[col];
      const int b = set.base[at];
      if (b >= 4) continue;
      const auto ch = static_cast<std::size_t>(a[i].fit.reverse ? 3 - b : b);
      agg.counts[col][ch] += 1;
      agg.cwm[col][ch] += set.actual[at];
    }
  }
  std::vector<double> mass(static_cast<std::size_t>(width), 0);
  for (std::size_t k = 0; k < mass.size(); ++k) {
    const double n = std::max(agg.n[k], 1);
    for (std::size_t c = 0; c < 4; ++c) {
      agg.cwm[k][c] /= n;
      agg.hcwm[k][c] /= n;
      mass[k] += std::fabs(agg.cwm[k][c]);
    }
  }
  const double top = *std::max_element(mass.begin(), mass.end());
  int first = 0, last = width - 1;
  while (first < last && mass[static_cast<std::size_t>(first)] < trim * top) ++first;
  while (last > first && mass[static_cast<std::size_t>(last)] < trim * top) --last;
  Pattern p;
  p.sign = sign;
  for (int k = first; k <= last; ++k) {
    const auto col = static_cast<std::size_t>(k);
    const double total = agg.counts[col][0] + agg.counts[col][1] + agg.counts[col][2] + agg.counts[col][3];
    Column pwm{0.25, 0.25, 0.25, 0.25};
    if (total > 0)
      for (std::size_t c = 0; c < 4; ++c) pwm[c] = agg.counts[col][c] / total;
    p.pwm.push_back(pwm);
    p.cwm.push_back(agg.cwm[col]);
    p.hcwm.push_back(agg.hcwm[col]);
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].cluster != cluster) continue;
    const Seqlet& q = seqlets[i];
    const std::int64_t x = position(q, a[i].fit, first), y = position(q, a[i].fit, last);
    const auto length = static_cast<std::int64_t>(set.length(q.seq));
    p.members.push_back({q.seq, std::clamp<std::int64_t>(std::min(x, y), 0, length),
                         std::clamp<std::int64_t>(std::max(x, y) + 1, 0, length), a[i].fit.reverse, a[i].fit.sim});
  }
  orient_by_majority(p);
  p.consensus = consensus(p.pwm);
  return p;
}

}  // namespace

std::vector<Pattern> cluster_patterns(const AttributionSet& set, const std::vector<Seqlet>& seqlets, int sign,
                                      const Geometry& g, const DiscoverOptions& o) {
  const int threads = thread_count(o.threads);
  const std::size_t n = seqlets.size();
  if (n == 0) return {};
  // Small inputs: a pattern needs 1% of the seqlets (at least 5) when that is below --min-seqlets.
  const auto min_members = static_cast<std::size_t>(
      std::min<double>(o.min_seqlets, std::max(5.0, std::ceil(0.01 * static_cast<double>(n)))));
  const std::size_t sample = std::min(n, static_cast<std::size_t>(o.sample));
  const auto min_seed = std::max<std::size_t>(
      3, static_cast<std::size_t>(std::ceil(0.5 * double(min_members) * double(sample) / double(n))));
  const Features f = build_features(set, seqlets, g, threads);
  std::vector<Centroid> cs = seed_centroids(f, n, g, o, min_seed, threads);
  std::vector<Assignment> a;
  for (int round = 0; round < 2 && !cs.empty(); ++round) {
    a = assign(f, n, cs, g.window, o.similarity, threads);
    cs = centroids_of(f, a, cs.size(), g.window);
  }
  if (cs.empty()) return {};
  std::vector<std::size_t> sizes(cs.size(), 0);
  a = assign(f, n, cs, g.window, o.similarity, threads);
  for (const Assignment& x : a)
    if (x.cluster >= 0) ++sizes[static_cast<std::size_t>(x.cluster)];
  merge_duplicates(cs, sizes, g, o.merge);
  a = assign(f, n, cs, g.window, o.similarity, threads);
  std::vector<Pattern> patterns;
  for (std::size_t k = 0; k < cs.size(); ++k) {
    const auto members = static_cast<std::size_t>(
        std::count_if(a.begin(), a.end(), [k](const Assignment& x) { return x.cluster == static_cast<int>(k); }));
    if (members < min_members) continue;
    patterns.push_back(aggregate(set, seqlets, a, static_cast<int>(k), sign, g, o.trim));
  }
  std::stable_sort(patterns.begin(), patterns.end(),
                   [](const Pattern& x, const Pattern& y) { return x.members.size() > y.members.size(); });
  return patterns;
}

}  // namespace dnacnn::discover_detail

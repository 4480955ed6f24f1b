#include "dnacnn/interpret/motif_match.hpp"

#include <algorithm>
#include <cmath>

#include "dnacnn/core/error.hpp"
#include "dnacnn/core/random.hpp"

namespace dnacnn {

double column_pearson(const Column& a, const Column& b) {
  const double ma = (a[0] + a[1] + a[2] + a[3]) / 4, mb = (b[0] + b[1] + b[2] + b[3]) / 4;
  double sab = 0, saa = 0, sbb = 0;
  for (int i = 0; i < 4; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  if (saa < 1e-12 || sbb < 1e-12) return 0;
  return sab / std::sqrt(saa * sbb);
}

namespace {

// Column-by-column correlations of query x target, for both strands of the target.
struct ScoreTable {
  int qw = 0, tw = 0;
  std::vector<double> fwd, rev;  // qw x tw
};

ScoreTable score_table(const Motif& q, const Motif& t) {
  const Motif rc = reverse_complement(t);
  ScoreTable s{static_cast<int>(q.width()), static_cast<int>(t.width()), {}, {}};
  for (int i = 0; i < s.qw; ++i)
    for (int j = 0; j < s.tw; ++j) {
      s.fwd.push_back(column_pearson(q.probs[static_cast<std::size_t>(i)], t.probs[static_cast<std::size_t>(j)]));
      s.rev.push_back(column_pearson(q.probs[static_cast<std::size_t>(i)], rc.probs[static_cast<std::size_t>(j)]));
    }
  return s;
}

// Best alignment when query column i is the table's row order[i].
Alignment best_of(const ScoreTable& s, const std::vector<int>& order, int min_overlap) {
  const int need = std::min({min_overlap, s.qw, s.tw});
  Alignment best;
  best.score = -1e300;
  for (int strand = 0; strand < 2; ++strand) {
    const std::vector<double>& m = strand ? s.rev : s.fwd;
    for (int offset = -(s.qw - need); offset <= s.tw - need; ++offset) {
      double score = 0;
      int overlap = 0;
      for (int i = std::max(0, -offset); i < s.qw && i + offset < s.tw; ++i) {
        score += m[static_cast<std::size_t>(order[static_cast<std::size_t>(i)] * s.tw + i + offset)];
        ++overlap;
      }
      if (overlap >= need && score > best.score) best = {score, offset, strand == 1, overlap};
    }
  }
  return best;
}

std::vector<int> identity(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i;
  return v;
}

}  // namespace

Alignment best_alignment(const Motif& query, const Motif& target, int min_overlap) {
  if (query.probs.empty() || target.probs.empty()) return {};
  const ScoreTable s = score_table(query, target);
  return best_of(s, identity(s.qw), min_overlap);
}

std::vector<MotifMatch> match_motif(const Motif& query, const std::vector<Motif>& database, const MatchOptions& options) {
  if (options.permutations < 1) throw UsageError("--permutations must be at least 1");
  std::vector<MotifMatch> matches;
  if (query.probs.empty()) return matches;
  for (const Motif& target : database) {
    if (target.probs.empty()) continue;
    const ScoreTable s = score_table(query, target);
    std::vector<int> order = identity(s.qw);
    MotifMatch m{target.id, target.name, best_of(s, order, options.min_overlap), 1, 1};
    Rng rng(options.seed);  // the same shuffles for every target keeps p-values comparable
    int at_least = 0;
    for (int k = 0; k < options.permutations; ++k) {
      for (int i = s.qw - 1; i > 0; --i)
        std::swap(order[static_cast<std::size_t>(i)], order[rng.below(static_cast<std::uint64_t>(i) + 1)]);
      if (best_of(s, order, options.min_overlap).score >= m.alignment.score - 1e-12) ++at_least;
    }
    m.p_value = (1.0 + at_least) / (1.0 + options.permutations);
    m.e_value = m.p_value * static_cast<double>(database.size());
    matches.push_back(std::move(m));
  }
  std::sort(matches.begin(), matches.end(), [](const MotifMatch& a, const MotifMatch& b) {
    if (a.p_value != b.p_value) return a.p_value < b.p_value;
    return a.alignment.score > b.alignment.score;
  });
  if (matches.size() > static_cast<std::size_t>(options.top)) matches.resize(static_cast<std::size_t>(options.top));
  return matches;
}

}  // namespace dnacnn

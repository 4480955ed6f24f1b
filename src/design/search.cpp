// Scoring sequences for design, and the two discrete searches: greedy evolution and beam search.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "design/engine.hpp"
#include "infer/loaded_model.hpp"
#include "models/models.hpp"
#include "models/tensors.hpp"

namespace dnacnn {

Scorer::Scorer(std::vector<std::shared_ptr<const LoadedModel>> models, Objective objective, Goal goal,
               std::int64_t batch_rows)
    : models_(std::move(models)), objective_(std::move(objective)), goal_(goal), batch_rows_(batch_rows) {}

const ModelConfig& Scorer::config() const { return models_.front()->config; }

std::vector<float> Scorer::outputs(const BaseCodes& codes) const {
  if (codes.rows == 0) return {};
  const torch::Tensor x = codes_tensor(codes);
  torch::Tensor sum;
  for (const auto& m : models_) {
    const torch::Tensor out = predict_in_batches(*m->network, x, batch_rows_, m->device);
    sum = sum.defined() ? sum + out : out;
  }
  return to_vector((models_.size() == 1 ? sum : sum / static_cast<double>(models_.size())).contiguous());
}

double Scorer::score_of_outputs(const float* row) const {
  double s = objective_.offset;
  for (std::size_t t = 0; t < objective_.weights.size(); ++t) s += objective_.weights[t] * row[t];
  return goal_.score(s);
}

std::vector<double> Scorer::scores(const BaseCodes& codes) {
  const std::vector<float> out = outputs(codes);
  const std::size_t n_targets = config().targets.size();
  std::vector<double> s(static_cast<std::size_t>(codes.rows));
  for (std::size_t r = 0; r < s.size(); ++r) s[r] = score_of_outputs(out.data() + r * n_targets);
  scored += codes.rows;
  return s;
}

MutationRules::MutationRules(const DesignConstraints& constraints, std::int64_t length)
    : c_(constraints), frozen_(constraints.frozen_mask(length)) {
  const auto n = static_cast<double>(length);
  gc_lo_ = c_.gc_range ? static_cast<int>(std::ceil(c_.gc_range->first * n - 1e-9)) : 0;
  gc_hi_ = c_.gc_range ? static_cast<int>(std::floor(c_.gc_range->second * n + 1e-9)) : static_cast<int>(length);
}

void MutationRules::append_feasible(std::span<const std::uint8_t> parent, std::span<const std::uint8_t> start,
                                    std::int64_t edits, int gc, std::uint32_t parent_index,
                                    std::vector<std::uint8_t>& scratch, std::vector<Mutant>& out) const {
  const auto is_gc = [](std::uint8_t b) { return b == 1 || b == 2; };
  for (std::size_t p = 0; p < parent.size(); ++p) {
    if (frozen_[p]) continue;
    const std::uint8_t old = parent[p];
    for (std::uint8_t b = 0; b < 4; ++b) {
      if (b == old) continue;
      const int new_gc = gc - is_gc(old) + is_gc(b);
      if (new_gc < gc_lo_ || new_gc > gc_hi_) continue;
      const std::int64_t new_edits = edits - (old != start[p]) + (b != start[p]);
      if (c_.max_edits >= 0 && new_edits > c_.max_edits) continue;
      if (!c_.forbid_both.empty()) {
        scratch[p] = b;
        const bool bad = forbidden_near(c_, scratch, static_cast<std::int64_t>(p));
        scratch[p] = old;
        if (bad) continue;
      }
      out.push_back({parent_index, static_cast<std::uint32_t>(p), b});
    }
  }
}

std::vector<double> score_mutants(Scorer& scorer, const std::vector<std::span<const std::uint8_t>>& parents,
                                  const std::vector<Mutant>& mutants, std::int64_t batch_rows) {
  std::vector<double> scores;
  scores.reserve(mutants.size());
  if (parents.empty()) return scores;
  const auto length = static_cast<std::int64_t>(parents.front().size());
  BaseCodes codes;
  codes.length = length;
  for (std::size_t b = 0; b < mutants.size(); b += static_cast<std::size_t>(batch_rows)) {
    const std::size_t e = std::min(mutants.size(), b + static_cast<std::size_t>(batch_rows));
    codes.rows = static_cast<std::int64_t>(e - b);
    codes.codes.resize(static_cast<std::size_t>(codes.rows * length));
    for (std::size_t m = b; m < e; ++m) {  // the parent's codes with one byte changed
      const std::span<std::uint8_t> row = codes.row(static_cast<std::int64_t>(m - b));
      std::copy(parents[mutants[m].parent].begin(), parents[mutants[m].parent].end(), row.begin());
      row[mutants[m].pos] = mutants[m].base;
    }
    const std::vector<double> part = scorer.scores(codes);
    scores.insert(scores.end(), part.begin(), part.end());
  }
  return scores;
}

namespace {

std::int64_t count_edits(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < a.size(); ++i) n += a[i] != b[i];
  return n;
}

// A strict improvement, beyond float noise between forward passes of different batch layouts.
bool improves(double candidate, double current) {
  return candidate > current + 1e-6 * std::max(1.0, std::fabs(current));
}

void record_round(DesignTrack& t) {
  t.trajectory.push_back(t.best_score);
  t.trajectory_edits.push_back(t.best_edits);
}

}  // namespace

namespace {

// Mutants held at once: tracks are searched in groups of about this many mutants (bounded memory
// for any --n; each group is still scored in big batches).
constexpr std::size_t kMutantsPerGroup = std::size_t{1} << 22;

std::size_t tracks_per_group(const std::vector<DesignTrack>& tracks, int parents_per_track) {
  const std::size_t per_track = 3 * (tracks.empty() ? 1 : tracks.front().start.size()) * static_cast<std::size_t>(parents_per_track);
  return std::max<std::size_t>(1, kMutantsPerGroup / std::max<std::size_t>(per_track, 1));
}

// One evolve round for tracks [begin, end) that are not done: each takes its best improving mutant.
void evolve_group(Scorer& scorer, std::vector<DesignTrack>& tracks, std::size_t begin, std::size_t end,
                  std::vector<bool>& done, const MutationRules& rules, const SearchSettings& s) {
  std::vector<std::span<const std::uint8_t>> parents;
  std::vector<std::size_t> owner;  // track of each parent
  std::vector<Mutant> mutants;
  std::vector<std::uint8_t> scratch;
  for (std::size_t t = begin; t < end; ++t) {
    if (done[t]) continue;
    const auto index = static_cast<std::uint32_t>(parents.size());
    parents.emplace_back(tracks[t].best);
    owner.push_back(t);
    scratch = tracks[t].best;
    rules.append_feasible(tracks[t].best, tracks[t].start, tracks[t].best_edits, gc_count(tracks[t].best), index,
                          scratch, mutants);
  }
  if (parents.empty()) return;
  const std::vector<double> scores = score_mutants(scorer, parents, mutants, s.batch_rows);
  std::vector<std::ptrdiff_t> pick(parents.size(), -1);
  std::vector<double> pick_fitness(parents.size(), 0);
  for (std::size_t m = 0; m < mutants.size(); ++m) {
    const std::uint32_t p = mutants[m].parent;
    const double f = scorer.fitness(scores[m]);
    if (pick[p] < 0 || f > pick_fitness[p]) pick[p] = static_cast<std::ptrdiff_t>(m), pick_fitness[p] = f;
  }
  for (std::size_t p = 0; p < parents.size(); ++p) {
    DesignTrack& t = tracks[owner[p]];
    if (pick[p] < 0 || !improves(pick_fitness[p], t.best_fitness)) {
      done[owner[p]] = true;  // a local optimum: no single change improves it
      continue;
    }
    const Mutant& m = mutants[static_cast<std::size_t>(pick[p])];
    t.best[m.pos] = m.base;
    t.best_score = scores[static_cast<std::size_t>(pick[p])];
    t.best_fitness = pick_fitness[p];
    t.best_edits = count_edits(t.best, t.start);
  }
}

}  // namespace

int evolve(Scorer& scorer, std::vector<DesignTrack>& tracks, const MutationRules& rules, const SearchSettings& s,
           Progress& progress) {
  std::vector<bool> done(tracks.size(), false);
  const std::size_t group = tracks_per_group(tracks, 1);
  int round = 0;
  for (; round < s.rounds; ++round) {
    if (std::all_of(done.begin(), done.end(), [](bool d) { return d; })) break;
    for (std::size_t g = 0; g < tracks.size(); g += group)
      evolve_group(scorer, tracks, g, std::min(tracks.size(), g + group), done, rules, s);
    for (DesignTrack& t : tracks) record_round(t);
    progress.update(fmt::format("design: evolve round {}/{}, {} mutants scored", round + 1, s.rounds, scorer.scored));
  }
  return round;
}

namespace {

struct BeamMember {
  std::vector<std::uint8_t> codes;
  std::int64_t edits = 0;
};

}  // namespace

namespace {

using Beams = std::vector<std::vector<BeamMember>>;
using Seen = std::vector<std::unordered_set<std::string>>;

// One beam round for tracks [begin, end); false when none of them has a feasible mutant left.
bool beam_group(Scorer& scorer, std::vector<DesignTrack>& tracks, std::size_t begin, std::size_t end, Beams& beams,
                Seen& seen, const MutationRules& rules, const SearchSettings& s) {
  std::vector<std::span<const std::uint8_t>> parents;
  std::vector<std::size_t> owner;
  std::vector<Mutant> mutants;
  std::vector<std::uint8_t> scratch;
  for (std::size_t t = begin; t < end; ++t)
    for (const BeamMember& b : beams[t]) {
      const auto index = static_cast<std::uint32_t>(parents.size());
      parents.emplace_back(b.codes);
      owner.push_back(t);
      scratch = b.codes;
      rules.append_feasible(b.codes, tracks[t].start, b.edits, gc_count(b.codes), index, scratch, mutants);
    }
  if (mutants.empty()) return false;
  const std::vector<double> scores = score_mutants(scorer, parents, mutants, s.batch_rows);
  // Per track, its mutants best first (ties: in enumeration order).
  std::vector<std::vector<std::size_t>> ranked(end - begin);
  for (std::size_t m = 0; m < mutants.size(); ++m) ranked[owner[mutants[m].parent] - begin].push_back(m);
  for (std::size_t t = begin; t < end; ++t) {
    std::vector<std::size_t>& order = ranked[t - begin];
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scorer.fitness(scores[a]) > scorer.fitness(scores[b]); });
    std::vector<BeamMember> next;
    for (std::size_t m : order) {
      if (static_cast<int>(next.size()) >= s.beam_width) break;
      const std::span<const std::uint8_t> parent = parents[mutants[m].parent];
      BeamMember child{std::vector<std::uint8_t>(parent.begin(), parent.end()), 0};
      child.codes[mutants[m].pos] = mutants[m].base;
      if (!seen[t].insert(codes_to_string(child.codes)).second) continue;  // reached before
      child.edits = count_edits(child.codes, tracks[t].start);
      if (improves(scorer.fitness(scores[m]), tracks[t].best_fitness)) {
        tracks[t].best = child.codes;
        tracks[t].best_score = scores[m];
        tracks[t].best_fitness = scorer.fitness(scores[m]);
        tracks[t].best_edits = child.edits;
      }
      next.push_back(std::move(child));
    }
    beams[t] = std::move(next);
  }
  return true;
}

}  // namespace

int beam_search(Scorer& scorer, std::vector<DesignTrack>& tracks, const MutationRules& rules, const SearchSettings& s,
                Progress& progress) {
  Beams beams(tracks.size());
  Seen seen(tracks.size());
  for (std::size_t t = 0; t < tracks.size(); ++t) {
    beams[t] = {{tracks[t].best, tracks[t].best_edits}};
    seen[t].insert(codes_to_string(tracks[t].best));
  }
  const std::size_t group = tracks_per_group(tracks, s.beam_width);
  int round = 0;
  for (; round < s.rounds; ++round) {
    bool any = false;
    for (std::size_t g = 0; g < tracks.size(); g += group)
      any = beam_group(scorer, tracks, g, std::min(tracks.size(), g + group), beams, seen, rules, s) || any;
    if (!any) break;
    for (DesignTrack& t : tracks) record_round(t);
    progress.update(fmt::format("design: beam round {}/{}, {} mutants scored", round + 1, s.rounds, scorer.scored));
  }
  return round;
}

std::vector<float> objective_ism(Scorer& scorer, std::span<const std::uint8_t> seq) {
  std::vector<Mutant> mutants;
  for (std::uint32_t p = 0; p < seq.size(); ++p)
    for (std::uint8_t b = 0; b < 4; ++b)
      if (b != seq[p]) mutants.push_back({1, p, b});
  mutants.insert(mutants.begin(), Mutant{0, 0, seq[0]});  // row 0: the sequence itself
  const std::vector<std::span<const std::uint8_t>> parents{seq, seq};
  const std::vector<double> scores = score_mutants(scorer, parents, mutants, 1 << 20);
  std::vector<float> ism(seq.size() * kChannels, 0.0f);
  for (std::size_t m = 1; m < mutants.size(); ++m)
    ism[mutants[m].pos * kChannels + mutants[m].base] = static_cast<float>(scores[m] - scores[0]);
  return ism;
}

}  // namespace dnacnn

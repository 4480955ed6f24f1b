// `dnacnn design`: reads the request, builds the starting points, runs the search and collects
// what output.cpp writes.
#include "dnacnn/design/design.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "design/output.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/io/atomic_file.hpp"

namespace dnacnn {

namespace {


Objective objective_for(const DesignRequest& r, const ModelConfig& config) {
  if (!r.objective.empty()) return parse_objective(r.objective, config.targets);
  if (config.targets.size() == 1) return parse_objective(config.targets.front(), config.targets);
  std::string names;
  for (const auto& t : config.targets) names += (names.empty() ? "" : ", ") + t;
  throw UsageError(fmt::format("the model has {} targets ({}): say what to optimise with --objective, e.g. '{}' or '{} - 0.5*{}'",
                               config.targets.size(), names, config.targets[0], config.targets[0], config.targets[1]));
}

Goal goal_for(const DesignRequest& r, const ModelConfig& config, const Objective& objective) {
  Goal g{r.goal, r.target_value, false};
  if (r.goal != DesignGoal::target || !config.binary()) return g;
  if (!objective.single_target())
    throw UsageError("--target on a binary model is a probability of one target: give --objective as one target's name");
  if (r.target_value < 0 || r.target_value > 1)
    throw UsageError(fmt::format("--target {}: the model is binary, its output is a probability between 0 and 1", r.target_value));
  g.probability = true;
  return g;
}

DesignConstraints constraints_for(const DesignRequest& r, std::int64_t length) {
  DesignConstraints c;
  if (!r.gc_range.empty()) {
    c.gc_range = parse_gc_range(r.gc_range);
    if (const std::string why = gc_range_impossible(*c.gc_range, length); !why.empty()) throw UsageError(why);
  }
  set_forbidden(c, r.forbid);
  for (const std::string& k : r.keep) c.keep.push_back(parse_keep(k, length));
  c.max_edits = r.max_edits;
  return c;
}

std::vector<DesignTrack> start_tracks(const DesignRequest& r, const ModelConfig& config, const DesignConstraints& c) {
  std::vector<DesignTrack> tracks;
  const std::int64_t length = config.length;
  if (r.start.empty()) {
    if (r.gc < 0 || r.gc > 1) throw UsageError(fmt::format("--gc must be between 0 and 1, got {}", r.gc));
    for (auto& s : random_starts(r.n, length, r.gc, c, r.seed)) {
      DesignTrack t;
      t.id = fmt::format("design{}", tracks.size() + 1);
      t.start = std::move(s);
      tracks.push_back(std::move(t));
    }
    return tracks;
  }
  const SequenceData data = read_sequence_table(r.start, r.table);
  for (std::size_t i = 0; i < data.seqs.size(); ++i) {
    const SourceLocation where{data.source, i < data.lines.size() ? data.lines[i] : 0};
    const std::string& seq = data.seqs[i];
    DesignTrack t;
    t.id = data.ids.empty() ? fmt::format("seq{}", i + 1) : data.ids[i];
    if (static_cast<std::int64_t>(seq.size()) != length)
      throw Error(fmt::format("sequence '{}' has {} bases, the model reads {}", t.id, seq.size(), length), where);
    if (const auto n = seq.find('N'); n != std::string::npos)
      throw Error(fmt::format("sequence '{}' has an N at {}: design edits A, C, G and T only", t.id, n + 1), where);
    append_codes(seq, t.start);
    if (const std::string why = constraint_violation(c, t.start); !why.empty())
      throw Error(fmt::format("start sequence '{}' breaks the constraints: {}", t.id, why), where);
    tracks.push_back(std::move(t));
  }
  return tracks;
}

std::vector<double> score_rows(Scorer& scorer, const std::vector<DesignTrack>& tracks, bool final_seqs,
                               std::vector<float>* outputs) {
  BaseCodes codes{static_cast<std::int64_t>(tracks.size()), tracks.empty() ? 0 : static_cast<std::int64_t>(tracks[0].start.size()), {}};
  for (const DesignTrack& t : tracks) {
    const auto& s = final_seqs ? t.best : t.start;
    codes.codes.insert(codes.codes.end(), s.begin(), s.end());
  }
  if (outputs) {
    *outputs = scorer.outputs(codes);
    to_output_scale(scorer.config(), *outputs);
  }
  return scorer.scores(codes);
}

// Per position of a design: its score minus the score with that one edit undone (0 where unedited).
std::vector<float> edit_gains(Scorer& scorer, const DesignTrack& t, double final_score) {
  std::vector<Mutant> reverts;
  for (std::uint32_t p = 0; p < t.best.size(); ++p)
    if (t.best[p] != t.start[p]) reverts.push_back({0, p, t.start[p]});
  const std::vector<double> scores = score_mutants(scorer, {t.best}, reverts, 1 << 20);
  std::vector<float> gains(t.best.size(), 0.0f);
  for (std::size_t k = 0; k < reverts.size(); ++k) gains[reverts[k].pos] = static_cast<float>(final_score - scores[k]);
  return gains;
}

}  // namespace

DesignResult run_design(const DesignRequest& r, Progress& progress) {
  const auto begin = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<const LoadedModel>> models;
  std::vector<const ModelConfig*> configs;
  for (const auto& dir : resolve_model_dirs(r.models)) {
    models.push_back(load_for_inference(dir, r.device));
    configs.push_back(&config_of(*models.back()));
  }
  check_ensemble(configs);
  const ModelConfig& config = config_of(*models.front());
  if (r.length != 0 && r.length != config.length)
    throw UsageError(fmt::format("--length {}: the model reads sequences of {} bases", r.length, config.length));
  const Objective objective = objective_for(r, config);
  Scorer scorer(models, objective, goal_for(r, config, objective), std::max<std::int64_t>(r.batch_rows, 1));
  const DesignConstraints constraints = constraints_for(r, config.length);
  DesignOutputs out;
  out.tracks = start_tracks(r, config, constraints);
  out.start_scores = score_rows(scorer, out.tracks, false, nullptr);
  for (std::size_t i = 0; i < out.tracks.size(); ++i) {
    DesignTrack& t = out.tracks[i];
    t.best = t.start;
    t.best_score = out.start_scores[i];
    t.best_fitness = scorer.fitness(t.best_score);
    t.trajectory = {t.best_score};
    t.trajectory_edits = {0};
  }
  const MutationRules rules(constraints, config.length);
  const SearchSettings settings{r.rounds, r.beam_width, r.batch_rows};
  const std::int64_t scored_before = scorer.scored;
  const auto search_begin = std::chrono::steady_clock::now();
  DesignResult result;
  switch (r.method) {
    case DesignMethod::evolve: result.rounds = evolve(scorer, out.tracks, rules, settings, progress); break;
    case DesignMethod::beam: result.rounds = beam_search(scorer, out.tracks, rules, settings, progress); break;
    case DesignMethod::gradient: result.rounds = gradient_design(scorer, out.tracks, rules, r, progress); break;
  }
  result.search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - search_begin).count();
  result.mutants_scored = scorer.scored - scored_before;
  for (const DesignTrack& t : out.tracks)
    if (const std::string why = constraint_violation(constraints, t.best, t.start); !why.empty())
      throw Error("internal error: design '" + t.id + "' breaks the constraints: " + why);
  out.final_scores = score_rows(scorer, out.tracks, true, &out.final_outputs);
  for (std::size_t i = 0; i < out.tracks.size() && static_cast<std::int64_t>(i) < r.logos; ++i) {
    out.edit_gains.push_back(edit_gains(scorer, out.tracks[i], out.final_scores[i]));
    out.ism.push_back(objective_ism(scorer, out.tracks[i].best));
  }
  result.designs = static_cast<std::int64_t>(out.tracks.size());
  result.best_score = 0;
  for (std::size_t i = 0; i < out.final_scores.size(); ++i)
    if (i == 0 || scorer.fitness(out.final_scores[i]) > scorer.fitness(result.best_score)) result.best_score = out.final_scores[i];
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  out.summary = {{"method", design_method_name(r.method)},
                 {"objective", objective.text},
                 {"goal", r.goal == DesignGoal::maximize ? "maximize" : r.goal == DesignGoal::minimize ? "minimize" : "target"},
                 {"score_scale", scorer.goal().probability ? "probability" : config.binary() ? "logit" : "output"},
                 {"designs", result.designs},
                 {"length", config.length},
                 {"rounds", result.rounds},
                 {"mutants_scored", result.mutants_scored},
                 {"search_seconds", result.search_seconds},
                 {"mutants_per_second", static_cast<double>(result.mutants_scored) / std::max(result.search_seconds, 1e-9)},
                 {"best_score", result.best_score},
                 {"seconds", result.seconds}};
  if (r.goal == DesignGoal::target) out.summary["target"] = r.target_value;
  write_design_outputs(r, config, out);
  return result;
}

}  // namespace dnacnn

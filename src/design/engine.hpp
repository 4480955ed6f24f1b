// The design searches behind `dnacnn design` (torch-free interface; search.cpp and gradient.cpp
// hold the LibTorch side). Sequences are base codes 0..3; every candidate a search keeps satisfies
// the constraints.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnacnn/core/progress.hpp"
#include "dnacnn/data/encode.hpp"
#include "dnacnn/design/design.hpp"
#include "dnacnn/design/objective.hpp"
#include "dnacnn/infer/loaded_model.hpp"

namespace dnacnn {

// Scores code rows through the model: the objective's value over its raw outputs (logits for
// binary models), then the goal's score and fitness. Forwards go in blocks of `batch_rows`.
class Scorer {
 public:
  // One model, or an ensemble: the members' mean raw outputs (logits for binary models).
  Scorer(std::vector<std::shared_ptr<const LoadedModel>> models, Objective objective, Goal goal, std::int64_t batch_rows);
  const ModelConfig& config() const;
  const LoadedModel& model() const { return *models_.front(); }  // the first member (its device)
  const std::vector<std::shared_ptr<const LoadedModel>>& models() const { return models_; }
  const Objective& objective() const { return objective_; }
  const Goal& goal() const { return goal_; }
  // rows x targets raw outputs.
  std::vector<float> outputs(const BaseCodes& codes) const;
  // The score (Goal::score of the objective) of every row; counts the rows in `scored`.
  std::vector<double> scores(const BaseCodes& codes);
  double score_of_outputs(const float* row) const;
  double fitness(double score) const { return goal_.fitness(score); }
  std::int64_t scored = 0;

 private:
  std::vector<std::shared_ptr<const LoadedModel>> models_;
  Objective objective_;
  Goal goal_;
  std::int64_t batch_rows_;
};

// One starting sequence and what the search made of it.
struct DesignTrack {
  std::string id;
  std::vector<std::uint8_t> start, best;
  double best_score = 0, best_fitness = 0;
  std::int64_t best_edits = 0;
  std::vector<double> trajectory;           // best score after each round (index 0: the start)
  std::vector<std::int64_t> trajectory_edits;
};

// A single-base change of a parent sequence.
struct Mutant {
  std::uint32_t parent;  // index into the caller's parents
  std::uint32_t pos;
  std::uint8_t base;
};

// The constraints as the searches apply them to single-base changes.
class MutationRules {
 public:
  MutationRules(const DesignConstraints& constraints, std::int64_t length);
  // Appends every single-base change of `parent` (edits and GC count given) that keeps all
  // constraints; `scratch` is a copy of `parent` (restored on return).
  void append_feasible(std::span<const std::uint8_t> parent, std::span<const std::uint8_t> start, std::int64_t edits,
                       int gc, std::uint32_t parent_index, std::vector<std::uint8_t>& scratch,
                       std::vector<Mutant>& out) const;
  const DesignConstraints& constraints() const { return c_; }
  const std::vector<bool>& frozen() const { return frozen_; }

 private:
  const DesignConstraints& c_;
  std::vector<bool> frozen_;
  int gc_lo_ = 0, gc_hi_ = 0;
};

// Scores `mutants` of `parents` (materialised `batch_rows` at a time): one score per mutant.
std::vector<double> score_mutants(Scorer& scorer, const std::vector<std::span<const std::uint8_t>>& parents,
                                  const std::vector<Mutant>& mutants, std::int64_t batch_rows);

struct SearchSettings {
  int rounds = 10;
  int beam_width = 8;
  std::int64_t batch_rows = 16384;
};

// Greedy in-silico evolution: each round every feasible single-base mutant of each sequence is
// scored and the best is kept if it improves the fitness; a sequence with no improving mutant stops.
// Returns the rounds run.
int evolve(Scorer& scorer, std::vector<DesignTrack>& tracks, const MutationRules& rules, const SearchSettings& s,
           Progress& progress);
// Beam search: each round the `beam_width` best distinct unseen mutants of the beam's sequences
// become the beam; the best sequence ever seen is the design.
int beam_search(Scorer& scorer, std::vector<DesignTrack>& tracks, const MutationRules& rules, const SearchSettings& s,
                Progress& progress);
// Gradient descent on a relaxed one-hot input (Ledidi-style); the best feasible discrete sequence
// seen is the design. Returns the steps run.
int gradient_design(Scorer& scorer, std::vector<DesignTrack>& tracks, const MutationRules& rules,
                    const DesignRequest& request, Progress& progress);

// ISM of the objective's score: per position and base, the score change of that single mutant
// (0 at the sequence's own base), position-major (length x 4).
std::vector<float> objective_ism(Scorer& scorer, std::span<const std::uint8_t> seq);

}  // namespace dnacnn

// `dnacnn design`: sequences a model scores highest (or lowest, or at a target value) under
// constraints, by greedy in-silico evolution, beam search, or gradient descent on a relaxed one-hot
// input (Ledidi-style). See docs/design.md.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dnacnn/core/progress.hpp"
#include "dnacnn/data/dataset.hpp"
#include "dnacnn/design/objective.hpp"

namespace dnacnn {

enum class DesignMethod { evolve, beam, gradient };
DesignMethod parse_design_method(std::string_view name);  // UsageError for others
std::string_view design_method_name(DesignMethod method);

// How the gradient method relaxes the one-hot input: a hard one-hot of the logits' argmax in the
// forward pass with the softmax's gradient (straight-through), or the same on Gumbel-perturbed
// logits, several samples per step (Gumbel-softmax, as Ledidi).
enum class Relaxation { gumbel, straight_through };
Relaxation parse_relaxation(std::string_view name);
std::string_view relaxation_name(Relaxation relaxation);

struct DesignRequest {
  std::vector<std::filesystem::path> models;  // one model, or an ensemble: the members' mean outputs
  std::filesystem::path out;
  // Objective: `objective` ("" = the model's only target), and the goal.
  std::string objective;
  DesignGoal goal = DesignGoal::maximize;
  double target_value = 0;
  // Starting points: `start` sequences, or `n` random ones of `length` (0: the model's) bases.
  std::filesystem::path start;
  TableOptions table{.require_target = false};
  std::int64_t n = 10;
  std::int64_t length = 0;
  double gc = 0.5;  // G+C probability of the random starts
  std::uint64_t seed = 1;
  // Method.
  DesignMethod method = DesignMethod::evolve;
  int rounds = 10;        // evolve, beam
  int beam_width = 8;     // beam
  int steps = 200;        // gradient
  double edit_penalty = 0.0;  // gradient: added to the loss per edited base
  double lr = 0.5;            // gradient: Adam's learning rate on the logits
  Relaxation relaxation = Relaxation::gumbel;
  int samples = 16;           // gradient, gumbel: samples per sequence and step
  // Constraints as typed (parsed once the length is known).
  std::string gc_range;
  std::vector<std::string> forbid;
  std::vector<std::string> keep;
  std::int64_t max_edits = -1;
  // Output.
  std::int64_t logos = 10;  // edit and attribution logos (and report entries) of the first N designs
  std::string device = "cpu";
  std::int64_t batch_rows = 16384;  // mutants scored per batch
};

struct DesignResult {
  std::int64_t designs = 0;
  std::int64_t rounds = 0;            // rounds (evolve, beam) or steps (gradient) run
  std::int64_t mutants_scored = 0;    // sequences passed through the model by the search
  double search_seconds = 0;          // the search alone
  double seconds = 0;                 // everything
  double best_score = 0;
};

// Writes into `out`: designs.tsv (id, sequence, start_score, final_score, edits, then the model's
// outputs as `predict` gives them), trajectory.tsv (id, round, score, edits), logos/<n>_<id>_edits.svg
// and logos/<n>_<id>_attribution.svg, design.json (the request and the figures) and report.html.
DesignResult run_design(const DesignRequest& request, Progress& progress);

}  // namespace dnacnn

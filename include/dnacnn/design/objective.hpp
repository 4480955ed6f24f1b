// What `dnacnn design` optimises and what it must respect, torch-free: the objective (a weighted
// sum of the model's outputs, maximised, minimised or brought to a value) and the constraints every
// designed sequence satisfies (GC range, forbidden motifs, kept regions, an edit budget).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dnacnn/core/random.hpp"

namespace dnacnn {

enum class DesignGoal { maximize, minimize, target };

// s = offset + sum_t weights[t] * output[t], over the model's raw outputs (logits for binary
// models). Parsed from "t1 - 0.5*t2", "2*enhancer+promoter", "score": names are the model's
// targets (the longest matching name wins, so names may hold '-' or '.').
struct Objective {
  std::vector<double> weights;  // one per model target
  double offset = 0;
  std::string text;             // as the user gave it (or the single target's name)
  bool single_target() const;   // one target with weight 1, no offset
};

// UsageError for an unknown target name ("unknown target 'x' (the model's targets: a, b)") or bad syntax.
Objective parse_objective(std::string_view text, const std::vector<std::string>& targets);

// How the objective becomes a score and a fitness (higher is better).
struct Goal {
  DesignGoal goal = DesignGoal::maximize;
  double target = 0;        // DesignGoal::target
  bool probability = false; // binary model with --target: the score is sigmoid(s), the target a probability
  double score(double s) const;          // what designs.tsv reports
  double fitness(double score) const;    // score, -score, or -(score - target)^2
};

// Constraints on every designed sequence. Positions are 0-based here.
struct DesignConstraints {
  std::optional<std::pair<double, double>> gc_range;  // GC fraction, inclusive
  std::vector<std::string> forbid;                    // motifs as given (upper case)
  std::vector<std::string> forbid_both;               // the motifs and their reverse complements
  std::vector<std::pair<std::int64_t, std::int64_t>> keep;  // half-open [begin, end)
  std::int64_t max_edits = -1;                        // < 0: no limit

  // Whether position p may change.
  std::vector<bool> frozen_mask(std::int64_t length) const;
};

// "0.35,0.65" -> {0.35, 0.65}; UsageError unless 0 <= lo <= hi <= 1.
std::pair<double, double> parse_gc_range(std::string_view text);
// ACGT motifs; UsageError for empty ones or other letters.
void set_forbidden(DesignConstraints& c, const std::vector<std::string>& motifs);
// "START:END", 1-based inclusive -> [START-1, END); UsageError unless 1 <= START <= END <= length.
std::pair<std::int64_t, std::int64_t> parse_keep(std::string_view text, std::int64_t length);

// "" when some sequence of `length` bases has a GC fraction in `range`; else why not (for the error).
std::string gc_range_impossible(std::pair<double, double> range, std::int64_t length);

// Base codes (0..3) of a sequence and its GC count.
int gc_count(std::span<const std::uint8_t> codes);
// Which constraint `codes` breaks ("GC 0.72 outside --gc-range 0.35,0.65", "contains forbidden GCGC
// at 12"), or "" when it satisfies them all (the edit budget is checked against `start` when given).
std::string constraint_violation(const DesignConstraints& c, std::span<const std::uint8_t> codes,
                                 std::span<const std::uint8_t> start = {});
// A forbidden motif (either strand) in a window of `codes` that covers position `pos`: the only
// windows a single-base change at `pos` can create one in.
bool forbidden_near(const DesignConstraints& c, std::span<const std::uint8_t> codes, std::int64_t pos);

// `n` random sequences of `length` bases (G and C each with probability gc/2), each made to satisfy
// the constraints: GC brought into the range by changing random bases, forbidden motifs broken by
// redrawing one of their bases; a sequence still failing after that is drawn again. UsageError
// when 1000 draws fail (constraints no random sequence meets). Codes 0..3, one row per sequence.
std::vector<std::vector<std::uint8_t>> random_starts(std::int64_t n, std::int64_t length, double gc,
                                                     const DesignConstraints& c, std::uint64_t seed);

std::string codes_to_string(std::span<const std::uint8_t> codes);

}  // namespace dnacnn

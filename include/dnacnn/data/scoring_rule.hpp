// How simulated sequences are scored: the notebook's rule (mean per-base score plus motif effects)
// and rules where a motif's effect depends on where it sits (the notebook's exercise Q1), read
// from JSON files or built-in presets.
#pragma once
#include <array>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnacnn {

struct ScoringRule {
  // A motif's effect where its occurrence starts in [from, to): fractions of the possible start
  // positions 0..L-m (an 8-mer has 6 starts for a 3-base motif: the first third is starts 0-1).
  struct Zone {
    double from = 0;
    double to = 1;
    double effect = 0;
    std::string name;  // for error analysis; default "from-to%"
  };
  struct Motif {
    std::string pattern;
    double effect = 0;          // anywhere outside the zones
    std::vector<Zone> zones;    // empty: position-independent
  };
  std::string name = "notebook";
  std::array<double, 4> base_scores{20, 17, 14, 11};  // A, C, G, T
  std::vector<Motif> motifs{{"TAT", 10, {}}, {"GCG", -10, {}}};

  // The notebook's rule: A=20 C=17 G=14 T=11, +10 with TAT, -10 with GCG.
  static ScoringRule notebook() { return {}; }
  // Q1's preset: the notebook's base scores; TAT +20 when it starts in the first third, +5
  // elsewhere; GCG -10 only when it starts in the last third.
  static ScoringRule positional();

  // Bases other than ACGT (N) count as the mean base score. Each motif counts once: when it
  // occurs several times, the occurrence with the largest effect (in magnitude) counts.
  double score(std::string_view seq) const;

  // Which motifs a sequence contains and where ("none", "TAT", "TAT@first third + GCG"): the
  // groups of the report's error analysis. Motifs without effect anywhere it occurs are left out.
  std::string motif_group(std::string_view seq) const;
};

// "notebook", "positional", or a JSON file (format in docs/notebook.md, "Scoring rules").
ScoringRule load_scoring_rule(const std::string& name_or_path);
ScoringRule scoring_rule_from_json(const nlohmann::json& j, const std::string& source);
nlohmann::json scoring_rule_to_json(const ScoringRule& rule);

// Where `simulate --out data.tsv` records the rule it used: data.rule.json (.gz/.tsv/.csv are
// stripped). `train` reads it from there, so the report can group errors by the rule's motifs.
std::filesystem::path rule_sidecar_path(const std::filesystem::path& data);

// The rule that scored a data file: `given` (a preset or JSON file) when not empty, else the
// file's sidecar when it exists, else nullopt (real data).
std::optional<ScoringRule> rule_of_data(const std::filesystem::path& data, const std::string& given);

// The preset names, for --help.
inline constexpr std::string_view kScoringRulePresets = "notebook, positional";

}  // namespace dnacnn

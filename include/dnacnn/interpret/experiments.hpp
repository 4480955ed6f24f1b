// In-silico experiments with a trained model or an ensemble, as tangermeme and gReLU run them:
// marginalize (insert a motif into background sequences and measure how the prediction moves),
// spacing (two motifs at every gap between them) and ablate (shuffle or mask a motif's occurrences
// in given sequences). Predictions are on the scale `predict` writes (probabilities for binary models).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dnacnn/core/progress.hpp"
#include "dnacnn/data/dataset.hpp"

namespace dnacnn {

struct ExperimentMotif {
  std::string name;  // the --motif text, or the motif file's id
  std::string seq;   // upper-case ACGT (N matches any base when searching)
};

// --motif values (ACGTN, either case) then every motif of --motif-file (MEME or JASPAR: its
// consensus, the most likely base of each column). UsageError when there are none or a base is bad.
std::vector<ExperimentMotif> experiment_motifs(const std::vector<std::string>& given, const std::filesystem::path& file);

// Background sequences of `length` bases: `spec` is a number N (N random sequences, each base drawn
// with GC content `gc`, seeded) or a file of sequences (table or FASTA, fitted to `length` as
// `predict --fit crop` fits them).
struct BackgroundOptions {
  std::string spec = "100";
  double gc = 0.41;  // the human genome's
  std::uint64_t seed = 1;
  TableOptions table{.require_target = false};
};
SequenceData background_sequences(const BackgroundOptions& options, std::int64_t length);

struct MarginalizeRequest {
  std::vector<std::filesystem::path> models;  // one model, or an ensemble (averaged)
  std::vector<std::string> motifs;
  std::filesystem::path motif_file;
  BackgroundOptions background;
  std::int64_t position = -1;  // 0-based start of the motif; -1: centred
  int spacing = -1;            // >= 0: the first two motifs at every gap 0..spacing (spacing.tsv)
  std::string target;          // empty: the model's first
  std::filesystem::path out;   // directory
  std::string device = "cpu";
};

struct MotifEffect {
  std::string motif;
  std::int64_t n = 0;
  double mean = 0, sd = 0;  // of after - before over the backgrounds (or the sequences with the motif)
};

struct SpacingEffect {
  int gap = 0;  // bases between the end of the first motif and the start of the second
  std::int64_t first_start = 0, second_start = 0;
  double mean = 0, sd = 0;
  double additive = 0;  // the two motifs' effects alone at these places, summed: no interaction
};

struct MarginalizeResult {
  std::vector<MotifEffect> effects;
  std::vector<SpacingEffect> spacing;
  double seconds = 0;
};

// Writes into `out`: effects.tsv (id, motif, position, before, after, effect), summary.json
// ({"mean_effect", "sd_effect", "n"} of the first motif, and "motifs": every motif's), with
// --spacing spacing.tsv (gap, first_start, second_start, mean_effect, sd_effect, n, additive), and
// report.html with the plots.
MarginalizeResult run_marginalize(const MarginalizeRequest& request, Progress& progress);

enum class AblateMethod { shuffle, mask, random };
AblateMethod parse_ablate_method(std::string_view name);
std::string_view ablate_method_name(AblateMethod method);

struct AblateRequest {
  std::vector<std::filesystem::path> models;
  std::vector<std::string> motifs;
  std::filesystem::path motif_file;
  std::filesystem::path in;  // sequences: table or FASTA, fitted to the model as predict fits them
  TableOptions table{.require_target = false};
  // shuffle: the bases inside each occurrence permuted; mask: N (no base); random: new random bases.
  AblateMethod method = AblateMethod::shuffle;
  int shuffles = 10;  // shuffle/random: ablated copies per sequence, their predictions averaged
  bool forward_only = false;  // occurrences on the given strand only (a motif read one way, as the notebook's TAT)
  std::uint64_t seed = 1;
  std::string target;
  std::filesystem::path out;
  std::string device = "cpu";
};

struct AblateResult {
  std::vector<MotifEffect> effects;  // over the sequences holding the motif
  std::int64_t sequences = 0;
  double seconds = 0;
};

// Every base covered by an occurrence of `motif` (N matches any base) or, unless `forward_only`, of
// its reverse complement.
std::vector<bool> motif_cover(std::string_view seq, std::string_view motif, bool forward_only = false);

// Writes effects.tsv (id, motif, occurrences, before, after, effect: 0 without occurrences),
// summary.json and report.html into `out`.
AblateResult run_ablate(const AblateRequest& request, Progress& progress);

}  // namespace dnacnn

// `dnacnn discover`: motifs from attributions, TF-MoDISco style. Seqlets are the windows whose summed
// contribution stands out against the same tracks shuffled; they are split by sign, clustered by
// the similarity of their contribution matrices (both strands, all offsets) into patterns, and each
// pattern is aggregated into a PWM, a contribution weight matrix (CWM) and a hypothetical CWM and
// trimmed to its informative core. Torch-free: it reads what `dnacnn attribute` wrote.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dnacnn/core/progress.hpp"
#include "dnacnn/interpret/motif_match.hpp"
#include "dnacnn/interpret/motifs.hpp"

namespace dnacnn {

// Every base of every sequence: the observed base, its actual contribution and the hypothetical
// contributions of the four bases (position-major).
struct AttributionSet {
  std::string source;
  std::vector<std::string> ids;
  std::vector<std::size_t> start;  // sequence i is positions start[i] .. start[i + 1] - 1
  std::vector<std::uint8_t> base;  // 0..3 = A C G T, 4 = anything else (N)
  std::vector<float> actual;       // the `attribution` column
  std::vector<float> hyp;          // A, C, G, T columns, 4 per position
  bool centred = false;            // ISM scores, mean-centred per position on reading

  std::size_t size() const { return ids.size(); }
  std::size_t length(std::size_t i) const { return start[i + 1] - start[i]; }
};

// How the A/C/G/T columns become hypothetical contributions.
//   auto: ISM output (the observed base's column is 0 everywhere) is mean-centred per position,
//         anything else (deepshap --hypothetical) is taken as it is.
enum class HypotheticalScores { automatic, as_is, centre };

// Reads DIR/attributions.tsv (id, pos, base, A, C, G, T, attribution; a sequence's rows
// consecutive, pos 1, 2, ...). Malformed input is an Error at file:line:col.
AttributionSet read_attributions(const std::filesystem::path& table, HypotheticalScores mode = HypotheticalScores::automatic);

struct DiscoverOptions {
  int window = 21;            // sliding window of the summed contribution
  int flank = 10;             // added on both sides of a seqlet's window
  double target_fdr = 0.2;    // seqlet threshold: windows beyond it are at most this fraction null
  double min_passing = 0.03;  // ... but at least this fraction of windows pass (top-|sum| fallback)
  double max_passing = 0.2;   // ... and at most this one
  int max_seqlets = 20000;    // per sign, strongest kept
  int sample = 800;           // seqlets per sign compared all-against-all to seed the clusters
  double similarity = 0.3;    // continuous Jaccard a seqlet needs to join a pattern
  int min_seqlets = 20;       // patterns with fewer are dropped (lowered for small inputs, see docs)
  double trim = 0.3;          // core = positions whose |CWM| mass is at least this fraction of the max
  double merge = 0.75;        // patterns of one sign this similar are merged
  std::uint64_t seed = 1;
  int threads = 0;            // 0: every core
  void validate() const;      // UsageError for values out of range
};

struct Seqlet {
  std::uint32_t seq = 0;
  std::int32_t start = 0;  // window start - flank (may be < 0 or run past the end: padded)
  float score = 0;         // the window's summed contribution
};

// Where a seqlet sits in a pattern: its trimmed core in sequence coordinates (0-based, half-open).
struct PatternMember {
  std::uint32_t seq = 0;
  std::int64_t start = 0, end = 0;
  bool reverse = false;
  float similarity = 0;
};

struct Pattern {
  std::string name;  // pos_pattern_0, neg_pattern_1, ...
  int sign = 1;
  std::vector<Column> pwm, cwm, hcwm;  // trimmed core, width each
  std::vector<PatternMember> members;
  std::string consensus;
  Motif motif() const;  // the PWM as a motif (id = name, name = consensus, nsites = members)
};

struct SeqletStats {
  double pos_threshold = 0, neg_threshold = 0;  // windowed sums at or beyond these are seqlets
  std::int64_t windows = 0, null_windows = 0, pos_seqlets = 0, neg_seqlets = 0;
  int window = 0, flank = 0;                   // as used (short sequences shrink them)
};

struct DiscoverResult {
  SeqletStats stats;
  std::vector<Pattern> patterns;  // positive first, each sign by seqlet count
};

// The engine: seqlets, clusters, patterns.
DiscoverResult discover_patterns(const AttributionSet& set, const DiscoverOptions& options, Progress& progress);

struct DiscoverRequest {
  std::filesystem::path attributions;  // DIR written by `dnacnn attribute`
  std::filesystem::path out;
  std::optional<std::filesystem::path> database;  // MEME or JASPAR
  DiscoverOptions options;
  HypotheticalScores hypothetical = HypotheticalScores::automatic;
  MatchOptions match;
};

struct DiscoverSummary {
  DiscoverResult result;
  std::vector<std::vector<MotifMatch>> matches;  // per pattern
  double seconds = 0;
  double peak_rss_mb = 0;
};

// Reads, discovers and writes into `out`: patterns.meme, patterns.tsv, seqlets.tsv,
// patterns/<name>.tsv, logos/<name>.{pwm,cwm,hcwm}.svg, discover.json and report.html.
DiscoverSummary run_discover(const DiscoverRequest& request, Progress& progress);

}  // namespace dnacnn

// The inputs of the in-silico experiments (experiments.hpp), torch-free: checked before LibTorch loads.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "dnacnn/core/error.hpp"
#include "dnacnn/core/random.hpp"
#include "dnacnn/data/sequence.hpp"
#include "dnacnn/interpret/experiments.hpp"
#include "dnacnn/interpret/motifs.hpp"
#include "dnacnn/io/motif_formats.hpp"

namespace dnacnn {

std::vector<ExperimentMotif> experiment_motifs(const std::vector<std::string>& given, const std::filesystem::path& file) {
  std::vector<ExperimentMotif> motifs;
  for (const std::string& m : given) {
    std::string seq;
    for (char c : m) {
      const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (u != 'A' && u != 'C' && u != 'G' && u != 'T' && u != 'N')
        throw UsageError(fmt::format("--motif {}: '{}' is not a base (A, C, G, T or N)", m, c));
      seq += u;
    }
    if (seq.empty()) throw UsageError("--motif: empty motif");
    motifs.push_back({m, seq});
  }
  if (!file.empty())
    for (const Motif& m : io::read_motif_file(file)) motifs.push_back({m.id, consensus(m.probs)});
  if (motifs.empty()) throw UsageError("give a motif: --motif ACGT or --motif-file motifs.meme");
  return motifs;
}

SequenceData background_sequences(const BackgroundOptions& o, std::int64_t length) {
  const bool count = !o.spec.empty() && std::all_of(o.spec.begin(), o.spec.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!count) {
    TableOptions table = o.table;
    table.length = length;  // crop longer backgrounds to their centre, N-pad shorter ones
    return read_sequence_table(o.spec, table);
  }
  if (!(o.gc >= 0 && o.gc <= 1)) throw UsageError("--gc must be between 0 and 1");
  const long n = std::stol(o.spec.substr(0, 9));
  if (n < 1) throw UsageError("--background: give at least 1 sequence (or a file)");
  Rng rng(o.seed);
  std::vector<std::string> seqs(static_cast<std::size_t>(n), std::string(static_cast<std::size_t>(length), 'A'));
  for (std::string& s : seqs)
    for (char& c : s) {
      const double u = rng.uniform();
      c = u < o.gc / 2 ? 'C' : u < o.gc ? 'G' : u < o.gc + (1 - o.gc) / 2 ? 'A' : 'T';
    }
  SequenceData data = sequences_from_strings(seqs, "random background");
  for (long i = 0; i < n; ++i) data.ids.push_back(fmt::format("bg{}", i + 1));
  return data;
}

AblateMethod parse_ablate_method(std::string_view name) {
  if (name == "shuffle") return AblateMethod::shuffle;
  if (name == "mask") return AblateMethod::mask;
  if (name == "random") return AblateMethod::random;
  throw UsageError("--method must be shuffle, mask or random, not '" + std::string(name) + "'");
}

std::string_view ablate_method_name(AblateMethod method) {
  switch (method) {
    case AblateMethod::shuffle: return "shuffle";
    case AblateMethod::mask: return "mask";
    case AblateMethod::random: return "random";
  }
  return "?";
}

static bool matches_at(std::string_view seq, std::size_t at, std::string_view motif) {
  for (std::size_t k = 0; k < motif.size(); ++k)
    if (motif[k] != 'N' && seq[at + k] != motif[k]) return false;
  return true;
}

std::vector<bool> motif_cover(std::string_view seq, std::string_view motif, bool forward_only) {
  std::vector<bool> cover(seq.size(), false);
  if (motif.empty() || motif.size() > seq.size()) return cover;
  const std::string reverse = reverse_complement(std::string(motif));
  for (std::size_t at = 0; at + motif.size() <= seq.size(); ++at)
    if (matches_at(seq, at, motif) || (!forward_only && matches_at(seq, at, reverse)))
      std::fill(cover.begin() + static_cast<std::ptrdiff_t>(at), cover.begin() + static_cast<std::ptrdiff_t>(at + motif.size()), true);
  return cover;
}

}  // namespace dnacnn

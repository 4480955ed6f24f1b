#include "dnacnn/data/simulate.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/core/random.hpp"

namespace dnacnn {

void SimulateOptions::validate() const {
  if (k < 1 || k > 12) throw UsageError("--k must be between 1 and 12, got " + std::to_string(k));
  if (!(noise >= 0)) throw UsageError("--noise must be zero or positive");
  if (random < 0) throw UsageError("--random must be zero or positive");
  if (random > 0 && (length < 1 || length > 1'000'000)) throw UsageError("--length must be between 1 and 1000000");
}

// Calls emit(seq, score) for every k-mer in order; scores are float32 like the notebook's.
template <typename Emit>
static void for_each_scored_kmer(const SimulateOptions& options, Emit&& emit) {
  options.validate();
  Rng rng(options.seed);
  const std::uint64_t n = options.random > 0 ? static_cast<std::uint64_t>(options.random) : std::uint64_t{1} << (2 * options.k);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string seq = options.random > 0 ? std::string(static_cast<std::size_t>(options.length), 'A') : kmer_at(i, options.k);
    if (options.random > 0)
      for (char& c : seq) c = kAlphabet[rng.below(4)];
    double score = options.rule.score(seq);
    if (options.noise > 0) score += options.noise * rng.normal();
    emit(std::move(seq), static_cast<float>(score));
  }
}

SequenceData simulate_kmers(const SimulateOptions& options) {
  SequenceData data;
  data.target_names = {"score"};
  data.source = options.random > 0 ? fmt::format("{} simulated {} bp sequences", options.random, options.length)
                                   : fmt::format("simulated {}-mers", options.k);
  for_each_scored_kmer(options, [&](std::string seq, float score) {
    data.seqs.push_back(std::move(seq));
    data.targets.push_back(score);
    data.lines.push_back(static_cast<long>(data.seqs.size()) + 1);
  });
  return data;
}

void write_simulated_kmers(const std::filesystem::path& path, const SimulateOptions& options) {
  options.validate();
  io::AtomicFile file(path);
  std::ostream& out = file.stream();
  out << "seq\tscore\n";
  std::string line;
  for_each_scored_kmer(options, [&](std::string seq, float score) {
    line.clear();
    fmt::format_to(std::back_inserter(line), "{}\t{}\n", seq, score);
    out << line;
  });
  file.commit();
  if (path != "-" && !path.string().starts_with("/dev/"))
    io::write_file_atomically(rule_sidecar_path(path), scoring_rule_to_json(options.rule).dump(2) + "\n");
}

void write_sequence_table(const std::filesystem::path& path, const SequenceData& data) {
  io::AtomicFile file(path);
  std::ostream& out = file.stream();
  const bool ids = !data.ids.empty();
  out << (ids ? "id\t" : "") << "seq";
  for (const auto& name : data.target_names) out << '\t' << name;
  out << "\n";
  for (std::int64_t i = 0; i < data.size(); ++i) {
    const auto r = static_cast<std::size_t>(i);
    if (ids) out << data.ids[r] << '\t';
    out << data.seqs[r];
    for (std::size_t t = 0; t < data.n_targets(); ++t) out << '\t' << fmt::format("{}", data.target(r, t));
    out << '\n';
  }
  file.commit();
}

}  // namespace dnacnn

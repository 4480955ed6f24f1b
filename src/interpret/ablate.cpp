// `dnacnn ablate`: what a motif's occurrences contribute to the predictions for given sequences:
// each occurrence (either strand) shuffled, masked with N or replaced by random bases, and the
// prediction compared with the sequence's own.
#include <fmt/format.h>

#include <chrono>

#include "dnacnn/core/error.hpp"
#include "dnacnn/core/random.hpp"
#include "dnacnn/interpret/experiments.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "interpret/experiment_support.hpp"
#include "report/html.hpp"
#include "report/page.hpp"

namespace dnacnn {

namespace {

// Runs of covered bases: each occurrence, or overlapping occurrences joined.
std::vector<std::pair<std::size_t, std::size_t>> covered_runs(const std::vector<bool>& cover) {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  for (std::size_t i = 0; i < cover.size();) {
    if (!cover[i]) { ++i; continue; }
    std::size_t end = i;
    while (end < cover.size() && cover[end]) ++end;
    runs.emplace_back(i, end);
    i = end;
  }
  return runs;
}

std::string ablated(std::string seq, const std::vector<std::pair<std::size_t, std::size_t>>& runs, AblateMethod method,
                    Rng& rng) {
  static constexpr char kBases[] = "ACGT";
  for (const auto& [begin, end] : runs) {
    if (method == AblateMethod::mask) {
      std::fill(seq.begin() + static_cast<std::ptrdiff_t>(begin), seq.begin() + static_cast<std::ptrdiff_t>(end), 'N');
    } else if (method == AblateMethod::random) {
      for (std::size_t p = begin; p < end; ++p) seq[p] = kBases[rng.below(4)];
    } else {
      for (std::size_t p = end - 1; p > begin; --p) std::swap(seq[p], seq[begin + rng.below(p - begin + 1)]);
    }
  }
  return seq;
}

}  // namespace

AblateResult run_ablate(const AblateRequest& r, Progress& progress) {
  const auto start = std::chrono::steady_clock::now();
  if (r.shuffles < 1) throw UsageError("--shuffles must be at least 1");
  const std::vector<ExperimentMotif> motifs = experiment_motifs(r.motifs, r.motif_file);
  const Predictor predictor = Predictor::load(r.models, r.device);
  const std::size_t target = experiments::target_index(predictor.config(), r.target);
  const SequenceData data = read_sequence_table(r.in, predictor.input_options(r.table, FitOptions{.fit = Fit::crop}));
  const std::vector<double> before = experiments::predict_target(predictor, data.seqs, target);
  const int copies = r.method == AblateMethod::mask ? 1 : r.shuffles;
  io::ensure_directory(r.out);
  io::AtomicFile table(r.out / "effects.tsv");
  table.stream() << "id\tmotif\toccurrences\tbefore\tafter\teffect\n";
  AblateResult result;
  result.sequences = data.size();
  std::vector<std::string> motif_of_row;
  std::vector<double> all_effects;
  for (const ExperimentMotif& m : motifs) {
    Rng rng(r.seed);
    std::vector<std::size_t> rows;  // sequences holding the motif, each `copies` times ablated
    std::vector<std::size_t> occurrences(data.seqs.size(), 0);
    std::vector<std::string> variants;
    for (std::size_t i = 0; i < data.seqs.size(); ++i) {
      const auto runs = covered_runs(motif_cover(data.seqs[i], m.seq, r.forward_only));
      occurrences[i] = runs.size();
      if (runs.empty()) continue;
      rows.push_back(i);
      for (int c = 0; c < copies; ++c) variants.push_back(ablated(data.seqs[i], runs, r.method, rng));
    }
    const std::vector<double> scored = variants.empty() ? std::vector<double>{} : experiments::predict_target(predictor, variants, target);
    std::vector<double> after = before, effects;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      double sum = 0;
      for (int c = 0; c < copies; ++c) sum += scored[k * static_cast<std::size_t>(copies) + static_cast<std::size_t>(c)];
      after[rows[k]] = sum / copies;
      effects.push_back(after[rows[k]] - before[rows[k]]);
      motif_of_row.push_back(m.name);
    }
    std::string text;
    for (std::size_t i = 0; i < data.seqs.size(); ++i)
      fmt::format_to(std::back_inserter(text), "{}\t{}\t{}\t{:.7g}\t{:.7g}\t{:.7g}\n",
                     data.ids.empty() ? std::to_string(i + 1) : data.ids[i], m.name, occurrences[i], before[i], after[i],
                     after[i] - before[i]);
    table.stream() << text;
    all_effects.insert(all_effects.end(), effects.begin(), effects.end());
    result.effects.push_back(experiments::summarise(m.name, effects));
    progress.update(fmt::format("ablate: {} of {} motifs", result.effects.size(), motifs.size()));
  }
  table.commit();
  nlohmann::json summary = experiments::summary_json(result.effects);
  summary["method"] = ablate_method_name(r.method);
  summary["sequences"] = data.size();
  summary["target"] = predictor.config().targets[target];
  io::write_file_atomically(r.out / "summary.json", summary.dump(2) + "\n");
  std::vector<report::Block> blocks{
      report::Html{fmt::format("<p>{} sequences from <code>{}</code>; each occurrence of a motif ({}) {} "
                               "and the prediction of <code>{}</code> compared; n counts the sequences with the motif.</p>\n",
                               data.size(), report::escape_html(data.source), r.forward_only ? "as given" : "either strand",
                               r.method == AblateMethod::mask ? "masked with N"
                               : r.method == AblateMethod::random ? fmt::format("replaced by random bases ({} draws averaged)", copies)
                                                                 : fmt::format("shuffled ({} shuffles averaged)", copies),
                               report::escape_html(summary["target"].get<std::string>()))},
      report::Html{experiments::effects_table_html(result.effects)}};
  if (!all_effects.empty())
    blocks.push_back(report::ChartRow{{experiments::effect_histogram(motif_of_row, all_effects, "Effect of ablating each motif")}});
  io::write_file_atomically(r.out / "report.html", report::render_page({"dnacnn ablate", r.models.front().string()},
                                                                       {report::Section{"effects", "Ablation effects", blocks}}));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace dnacnn

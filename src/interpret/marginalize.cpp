// `dnacnn marginalize`: a motif's marginal effect on the model, as tangermeme's marginalize and
// gReLU's marginalization measure it: the prediction for background sequences before and after
// the motif is written into them. With --spacing, two motifs at every gap between them.
#include <fmt/format.h>

#include <chrono>

#include "dnacnn/core/error.hpp"
#include "dnacnn/interpret/experiments.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "interpret/experiment_support.hpp"
#include "report/charts.hpp"
#include "report/html.hpp"
#include "report/page.hpp"

namespace dnacnn {

namespace {

using experiments::predict_target;

std::string inserted(std::string seq, const std::string& motif, std::int64_t at) {
  seq.replace(static_cast<std::size_t>(at), motif.size(), motif);
  return seq;
}

std::vector<std::string> with_motifs(const std::vector<std::string>& backgrounds,
                                     const std::vector<std::pair<const std::string*, std::int64_t>>& placed) {
  std::vector<std::string> out = backgrounds;
  for (std::string& s : out)
    for (const auto& [motif, at] : placed) s = inserted(std::move(s), *motif, at);
  return out;
}

std::vector<double> differences(const std::vector<double>& after, const std::vector<double>& before) {
  std::vector<double> d(after.size());
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = after[i] - before[i];
  return d;
}

void check_fits(std::int64_t start, std::int64_t width, std::int64_t length, const std::string& what) {
  if (start < 0 || start + width > length)
    throw UsageError(fmt::format("{}: {} bases from position {} do not fit the model's {} bp input", what, width, start, length));
}

// --spacing: the first two motifs, the pair centred, at every gap 0..D.
std::vector<SpacingEffect> spacing_effects(const Predictor& predictor, const std::vector<std::string>& backgrounds,
                                           const std::vector<double>& before, const std::string& a,
                                           const std::string& b, int max_gap, std::size_t target) {
  const auto length = static_cast<std::int64_t>(backgrounds.front().size());
  const auto wa = static_cast<std::int64_t>(a.size()), wb = static_cast<std::int64_t>(b.size());
  check_fits(0, wa + max_gap + wb, length, fmt::format("--spacing {} ({} and {} with up to {} bases between)", max_gap, a, b, max_gap));
  std::vector<SpacingEffect> out;
  for (int gap = 0; gap <= max_gap; ++gap) {
    SpacingEffect s;
    s.gap = gap;
    s.first_start = (length - (wa + gap + wb)) / 2;
    s.second_start = s.first_start + wa + gap;
    const auto both = differences(predict_target(predictor, with_motifs(backgrounds, {{&a, s.first_start}, {&b, s.second_start}}), target), before);
    const MotifEffect e = experiments::summarise("pair", both);
    s.mean = e.mean;
    s.sd = e.sd;
    const double first = experiments::summarise("", differences(predict_target(predictor, with_motifs(backgrounds, {{&a, s.first_start}}), target), before)).mean;
    const double second = experiments::summarise("", differences(predict_target(predictor, with_motifs(backgrounds, {{&b, s.second_start}}), target), before)).mean;
    s.additive = first + second;
    out.push_back(s);
  }
  return out;
}

void write_spacing(const std::filesystem::path& path, const std::vector<SpacingEffect>& spacing, std::int64_t n) {
  io::AtomicFile f(path);
  f.stream() << "gap\tfirst_start\tsecond_start\tmean_effect\tsd_effect\tn\tadditive\n";
  for (const SpacingEffect& s : spacing)
    f.stream() << fmt::format("{}\t{}\t{}\t{:.7g}\t{:.7g}\t{}\t{:.7g}\n", s.gap, s.first_start, s.second_start, s.mean,
                              s.sd, n, s.additive);
  f.commit();
}

report::Chart spacing_chart(const std::vector<SpacingEffect>& spacing, const std::string& pair) {
  nlohmann::ordered_json values = nlohmann::ordered_json::array();
  for (const SpacingEffect& s : spacing) {
    values.push_back({{"gap", s.gap}, {"effect", report::round_significant(s.mean, 5)}, {"series", "both motifs"}});
    values.push_back({{"gap", s.gap}, {"effect", report::round_significant(s.additive, 5)}, {"series", "sum of each alone"}});
  }
  nlohmann::ordered_json spec = {
      {"$schema", report::kVegaLiteSchema},
      {"title", {{"text", "Effect by spacing: " + pair}, {"subtitle", "mean effect over the backgrounds; bases between the motifs"}}},
      {"width", 560},
      {"height", 260},
      {"data", {{"values", std::move(values)}}},
      {"mark", {{"type", "line"}, {"point", true}}},
      {"encoding",
       {{"x", {{"field", "gap"}, {"type", "quantitative"}, {"title", "gap (bases)"}}},
        {"y", {{"field", "effect"}, {"type", "quantitative"}, {"title", "mean effect"}}},
        {"color", {{"field", "series"}, {"type", "nominal"}, {"title", ""}}}}},
      {"config", report::chart_config()}};
  return report::Chart{"spacing", std::move(spec), false};
}

}  // namespace

MarginalizeResult run_marginalize(const MarginalizeRequest& r, Progress& progress) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<ExperimentMotif> motifs = experiment_motifs(r.motifs, r.motif_file);
  if (r.spacing >= 0 && motifs.size() < 2) throw UsageError("--spacing needs two motifs (--motif A --motif B)");
  const Predictor predictor = Predictor::load(r.models, r.device);
  const std::int64_t length = predictor.config().length;
  const std::size_t target = experiments::target_index(predictor.config(), r.target);
  for (const auto& m : motifs)
    check_fits(r.position < 0 ? 0 : r.position, static_cast<std::int64_t>(m.seq.size()), length, "--motif " + m.name);
  const SequenceData backgrounds = background_sequences(r.background, length);
  const std::vector<double> before = predict_target(predictor, backgrounds.seqs, target);
  io::ensure_directory(r.out);

  MarginalizeResult result;
  io::AtomicFile table(r.out / "effects.tsv");
  table.stream() << "id\tmotif\tposition\tbefore\tafter\teffect\n";
  std::vector<std::string> motif_of_row;
  std::vector<double> all_effects;
  for (const ExperimentMotif& m : motifs) {
    const std::int64_t at = r.position >= 0 ? r.position : (length - static_cast<std::int64_t>(m.seq.size())) / 2;
    const std::vector<double> after = predict_target(predictor, with_motifs(backgrounds.seqs, {{&m.seq, at}}), target);
    const std::vector<double> effect = differences(after, before);
    std::string rows;
    for (std::size_t i = 0; i < effect.size(); ++i) {
      const std::string id = backgrounds.ids.empty() ? std::to_string(i + 1) : backgrounds.ids[i];
      fmt::format_to(std::back_inserter(rows), "{}\t{}\t{}\t{:.7g}\t{:.7g}\t{:.7g}\n", id, m.name, at, before[i], after[i], effect[i]);
      motif_of_row.push_back(m.name);
    }
    table.stream() << rows;
    all_effects.insert(all_effects.end(), effect.begin(), effect.end());
    result.effects.push_back(experiments::summarise(m.name, effect));
    progress.update(fmt::format("marginalize: {} of {} motifs", result.effects.size(), motifs.size()));
  }
  table.commit();
  if (r.spacing >= 0) {
    result.spacing = spacing_effects(predictor, backgrounds.seqs, before, motifs[0].seq, motifs[1].seq, r.spacing, target);
    write_spacing(r.out / "spacing.tsv", result.spacing, backgrounds.size());
  }
  nlohmann::json summary = experiments::summary_json(result.effects);
  summary["target"] = predictor.config().targets[target];
  summary["models"] = predictor.members();
  io::write_file_atomically(r.out / "summary.json", summary.dump(2) + "\n");

  std::vector<report::Block> blocks{report::Html{fmt::format(
      "<p>{} background sequences of {} bp from <code>{}</code>; each motif written over them (at the centre unless "
      "<code>--position</code>), the prediction of <code>{}</code> before and after.</p>\n",
      backgrounds.size(), length, report::escape_html(r.background.spec), report::escape_html(summary["target"].get<std::string>()))},
      report::Html{experiments::effects_table_html(result.effects)},
      report::ChartRow{{experiments::effect_histogram(motif_of_row, all_effects, "Marginal effect of each motif")}}};
  if (!result.spacing.empty())
    blocks.push_back(report::ChartRow{{spacing_chart(result.spacing, motifs[0].name + " + " + motifs[1].name)}});
  io::write_file_atomically(r.out / "report.html", report::render_page({"dnacnn marginalize", r.models.front().string()},
                                                                       {report::Section{"effects", "Motif effects", blocks}}));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace dnacnn

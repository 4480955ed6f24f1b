#include "dnacnn/interpret/interpret.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/io/motif_formats.hpp"
#include "dnacnn/interpret/logos.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/models/model_store.hpp"

namespace dnacnn {

namespace fs = std::filesystem;

namespace {

void write_filter_weights(const fs::path& path, const ConvFilters& conv, std::int64_t f) {
  std::string s = "position\tA\tC\tG\tT\n";
  for (std::int64_t j = 0; j < conv.width; ++j)
    s += fmt::format("{}\t{:.6g}\t{:.6g}\t{:.6g}\t{:.6g}\n", j + 1, conv.w(f, 0, j), conv.w(f, 1, j), conv.w(f, 2, j),
                     conv.w(f, 3, j));
  io::write_file_atomically(path, s);
}

std::string filters_table(const MotifsResult& r) {
  std::string s =
      "filter\tsites\tmax_activation\tthreshold\tic_total\tconsensus\tbest_match\tbest_match_name\t"
      "match_similarity\tmatch_pvalue\tmatch_evalue\tmatch_strand\tmatch_offset\n";
  for (const FilterMotif& m : r.filters) {
    s += fmt::format("filter{}\t{}\t{:.4g}\t{:.4g}\t{:.3f}\t{}", m.filter, m.sites, m.max_activation, m.threshold_used,
                     m.ic_total, m.consensus);
    const auto& matches = r.matches[static_cast<std::size_t>(m.filter)];
    if (matches.empty()) {
      s += "\t-\t-\tNA\tNA\tNA\t-\tNA\n";
      continue;
    }
    const MotifMatch& b = matches.front();
    s += fmt::format("\t{}\t{}\t{:.3f}\t{:.3g}\t{:.3g}\t{}\t{}\n", b.target_id, b.target_name.empty() ? "-" : b.target_name,
                     b.alignment.similarity(), b.p_value, b.e_value, b.alignment.reverse ? '-' : '+', b.alignment.offset);
  }
  return s;
}

nlohmann::json result_json(const MotifsRequest& q, const MotifsResult& r) {
  nlohmann::json filters = nlohmann::json::array();
  for (const FilterMotif& m : r.filters) {
    nlohmann::json matches = nlohmann::json::array();
    for (const MotifMatch& x : r.matches[static_cast<std::size_t>(m.filter)])
      matches.push_back({{"id", x.target_id},
                         {"name", x.target_name},
                         {"similarity", x.alignment.similarity()},
                         {"score", x.alignment.score},
                         {"p_value", x.p_value},
                         {"e_value", x.e_value},
                         {"strand", x.alignment.reverse ? "-" : "+"},
                         {"offset", x.alignment.offset}});
    nlohmann::json weights = nlohmann::json::array();
    for (std::int64_t j = 0; j < r.conv.width; ++j)
      weights.push_back({r.conv.w(m.filter, 0, j), r.conv.w(m.filter, 1, j), r.conv.w(m.filter, 2, j),
                         r.conv.w(m.filter, 3, j)});
    filters.push_back({{"filter", m.filter},
                       {"name", m.motif.id},
                       {"sites", m.sites},
                       {"max_activation", m.max_activation},
                       {"threshold", m.threshold_used},
                       {"ic_total", m.ic_total},
                       {"consensus", m.consensus},
                       {"logo", m.sites ? "logos/" + m.motif.id + ".svg" : ""},
                       {"heatmap", "heatmaps/" + m.motif.id + ".svg"},
                       {"pfm", m.motif.probs},
                       {"weights", weights},
                       {"matches", matches}});
  }
  nlohmann::json j = {{"model", q.model_dir.string()},
                      {"data", q.data.string()},
                      {"kernel_size", r.conv.width},
                      {"threshold", q.motif.threshold},
                      {"pseudocount", q.motif.pseudocount},
                      {"filters", filters}};
  if (q.motif.relative_threshold) j["relative_threshold"] = *q.motif.relative_threshold;
  if (q.database) j["database"] = q.database->string();
  return j;
}

}  // namespace

MotifsResult run_motifs(const MotifsRequest& q, Progress& progress) {
  const StoredModel model = load_model(q.model_dir);
  MotifsResult r;
  r.conv = first_conv_layer(model.weights, first_conv_prefix(model.config),
                            (q.model_dir / "weights.safetensors").string());
  std::vector<Motif> database;
  if (q.database) database = io::read_motif_file(*q.database);  // read first: a bad file fails fast
  const SequenceData data = read_sequence_table(q.data, q.table);

  r.filters = filter_motifs(r.conv, data, q.motif);
  r.matches.resize(r.filters.size());
  for (const FilterMotif& m : r.filters) {
    if (m.sites == 0) {
      progress.log(fmt::format("filter{} never fires above its threshold ({:.3g}) on {}: no motif", m.filter,
                               m.threshold_used, q.data.string()));
      continue;
    }
    if (!database.empty()) r.matches[static_cast<std::size_t>(m.filter)] = match_motif(m.motif, database, q.match);
    progress.update(fmt::format("motifs: filter {}/{}", m.filter + 1, r.filters.size()));
  }

  io::ensure_directory(q.out);
  for (const char* sub : {"weights", "logos", "heatmaps"}) io::ensure_directory(q.out / sub);
  std::vector<Motif> fired;
  for (const FilterMotif& m : r.filters) {
    write_filter_weights(q.out / "weights" / (m.motif.id + ".tsv"), r.conv, m.filter);
    io::write_file_atomically(q.out / "heatmaps" / (m.motif.id + ".svg"),
                              weight_heatmap_svg(r.conv, m.filter, m.motif.id + " weights"));
    if (m.sites == 0) continue;
    fired.push_back(m.motif);
    io::write_file_atomically(q.out / "logos" / (m.motif.id + ".svg"),
                              information_logo_svg(m.motif, fmt::format("{} ({} sites)", m.motif.id, m.sites)));
  }
  io::write_meme(q.out / "motifs.meme", fired);
  io::write_file_atomically(q.out / "filters.tsv", filters_table(r));
  io::write_file_atomically(q.out / "motifs.json", result_json(q, r).dump(2) + "\n");
  progress.log(fmt::format("motifs: {} of {} filters fired; wrote {}", fired.size(), r.filters.size(), q.out.string()));
  return r;
}

}  // namespace dnacnn

// `dnacnn motifs`: filter motifs of a trained CNN on a data set, written as MEME, tables, SVG logos
// and heatmaps, optionally matched against a motif database.
#pragma once
#include <filesystem>
#include <optional>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/interpret/motif_match.hpp"
#include "dnacnn/interpret/motifs.hpp"
#include "dnacnn/core/progress.hpp"

namespace dnacnn {

struct MotifsRequest {
  std::filesystem::path model_dir;
  std::filesystem::path data;
  TableOptions table{.require_target = false};
  MotifOptions motif;
  std::optional<std::filesystem::path> database;  // MEME or JASPAR file
  MatchOptions match;
  std::filesystem::path out;
};

struct MotifsResult {
  ConvFilters conv;
  std::vector<FilterMotif> filters;
  std::vector<std::vector<MotifMatch>> matches;  // per filter, best first (empty without a database)
};

// Computes the motifs and writes into `out`: motifs.meme, filters.tsv, motifs.json,
// weights/filterN.tsv, logos/filterN.svg (information content) and heatmaps/filterN.svg (weights).
MotifsResult run_motifs(const MotifsRequest& request, Progress& progress);

}  // namespace dnacnn

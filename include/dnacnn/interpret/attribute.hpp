// `dnacnn attribute`: per-base attribution of a model's predictions for sequences from a FASTA
// file or a table, written as tables, SVG logos and a report.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dnacnn/interpret/attribution.hpp"
#include "dnacnn/data/dataset.hpp"
#include "dnacnn/data/fit.hpp"
#include "dnacnn/core/progress.hpp"

namespace dnacnn {

struct AttributeRequest {
  std::vector<std::filesystem::path> models;  // one model, or an ensemble averaged (resolve_model_dirs)
  std::filesystem::path in;  // FASTA or TSV/CSV table, read as `predict` reads them
  TableOptions table{.require_target = false};  // a model trained with --length fits the sequences
  AttributionMethod method = AttributionMethod::ism;
  AttributionOptions options;  // shuffles, seed, steps, hypothetical, ISM window (0-based [start, end)), naive
  std::string target;        // target name; empty: the first
  std::filesystem::path out; // directory
  std::int64_t logos = 10;   // logos (and report entries) for the first N sequences
  std::string device = "cpu";
  // Other lengths than the model's: crop to it, or (windows) attribute every window and average
  // each base's attributions over the windows that cover it; the prediction is the windows' max or mean.
  FitOptions fit;
  // Or the windows of BED/narrowPeak regions over `genome` (instead of `in`): the model's length
  // centred on each region (its summit when given), ids chr:start-end.
  std::vector<std::filesystem::path> beds;
  std::filesystem::path genome;  // --bed's sequences; with --bigwig the chromosome sizes
  // --bigwig: attributions.bw, the `attribution` column at each sequence's genomic place, read
  // from ids chr:start-end (--bed's, or a table's such as a --bed run's predictions.tsv).
  bool bigwig = false;
};

struct AttributeResult {
  std::int64_t sequences = 0;
  std::int64_t logos = 0;
  double seconds = 0;
};

// Writes into `out`: attributions.tsv (id, pos, base, A, C, G, T, attribution: one row per base),
// sequences.tsv (id, prediction: as `predict` gives it, attribution_sum; deepshap and ig add
// reference_mean, and both outputs are on the attributed scale: logits for binary models, so that
// attribution_sum = prediction - reference_mean), attributions.safetensors
// (attributions (n, L, 4): the A C G T columns; attribution (n, L); one_hot (n, L, 4); L the
// longest sequence, shorter ones zero-padded), logos/<n>_<id>.svg for the first `logos` sequences
// (letter height = attribution of the observed base) and report.html showing them; with `bigwig`
// attributions.bw (write_region_track: overlapping windows take the nearest centre's values).
AttributeResult run_attribute(const AttributeRequest& request, Progress& progress);

}  // namespace dnacnn

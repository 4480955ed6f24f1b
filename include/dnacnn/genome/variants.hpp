// `dnacnn variants`: predicted effects of SNVs and small indels from a VCF.
#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>
#include <string>

#include "dnacnn/core/progress.hpp"

namespace dnacnn {

struct VariantsRequest {
  std::vector<std::filesystem::path> models;  // one model, or an ensemble averaged (resolve_model_dirs)
  std::filesystem::path vcf;
  std::filesystem::path genome;
  std::filesystem::path out;  // TSV; "-" for stdout
  bool rc_average = false;
  std::int64_t max_indel = 50;  // longest REF or ALT allele scored, in bases
  std::int64_t batch_size = 1024;
  std::string device = "cpu";
};

struct VariantsResult {
  std::int64_t records = 0;
  std::int64_t rows = 0;           // one per ALT allele
  std::int64_t scored = 0;
  std::int64_t skipped = 0;        // symbolic, too long, not A/C/G/T/N
  std::int64_t ref_mismatches = 0; // records whose REF differs from the genome
};

// One row per ALT allele: chrom, pos, id, ref, alt, genome_ref, ref_match (yes/no), status
// ("ok" or "skipped: <reason>"), then per target <t>_ref, <t>_alt, <t>_diff (alt - ref) and,
// for binary tasks, <t>_log2_ratio (log2 of alt / ref probability). Both sequences are the model's
// input length with the variant's first base at position length/2 (0-based): the left flank is
// shared and the ALT allele shifts the right flank. The VCF's REF is used even where the genome
// differs, and such rows say so in ref_match; a position past the sequence's end is a skipped row.
// A record on a sequence absent from the genome is an Error naming it.
VariantsResult run_variants(const VariantsRequest& request, Progress& progress);

}  // namespace dnacnn

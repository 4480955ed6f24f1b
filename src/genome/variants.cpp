#include "dnacnn/genome/variants.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <optional>

#include "dnacnn/data/encode.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/io/genome.hpp"
#include "dnacnn/io/vcf.hpp"
#include "dnacnn/infer/predict.hpp"

namespace dnacnn {

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Why an allele pair cannot be scored, or "" when it can.
std::string skip_reason(const std::string& ref, const std::string& alt, std::int64_t max_indel) {
  if (alt.empty() || alt == ".") return "no ALT allele";
  if (alt == "*") return "spanning deletion (*)";
  if (alt.front() == '<' || alt.find_first_of("[]") != std::string::npos) return "symbolic allele " + alt;
  if (find_invalid_base(ref) != kAllValid) return "REF is not A/C/G/T/N";
  if (find_invalid_base(alt) != kAllValid) return "ALT is not A/C/G/T/N";
  if (static_cast<std::int64_t>(std::max(ref.size(), alt.size())) > max_indel)
    return fmt::format("allele longer than --max-indel {}", max_indel);
  return "";
}

struct Row {
  io::VcfRecord record;  // shared by the rows of a multi-allelic record
  std::string alt, genome_ref, status;
  bool ref_match = true;
};

class VariantWriter {
 public:
  VariantWriter(std::ostream& out, const ModelConfig& config) : out_(out), config_(config) {
    out_ << "chrom\tpos\tid\tref\talt\tgenome_ref\tref_match\tstatus";
    for (const auto& t : config.targets) {
      out_ << '\t' << t << "_ref\t" << t << "_alt\t" << t << "_diff";
      if (config.binary()) out_ << '\t' << t << "_log2_ratio";
    }
    out_ << '\n';
  }
  // `ref`/`alt` point at this row's predictions (targets values each), or are null when skipped.
  void write(const Row& row, const float* ref, const float* alt) {
    std::string line = fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}", row.record.chrom, row.record.pos, row.record.id,
                                   row.record.ref, row.alt, row.genome_ref, row.ref_match ? "yes" : "no", row.status);
    const bool binary = config_.binary();
    for (std::size_t t = 0; t < config_.targets.size(); ++t) {
      if (!ref) {
        line += binary ? "\tNA\tNA\tNA\tNA" : "\tNA\tNA\tNA";
        continue;
      }
      fmt::format_to(std::back_inserter(line), "\t{:.6g}\t{:.6g}\t{:.6g}", ref[t], alt[t], alt[t] - ref[t]);
      if (binary) fmt::format_to(std::back_inserter(line), "\t{:.6g}", std::log2(double(alt[t]) / double(ref[t])));
    }
    out_ << line << '\n';
  }

 private:
  std::ostream& out_;
  const ModelConfig& config_;
};

// Pending rows predicted together.
struct Batch {
  std::vector<Row> rows;
  std::vector<bool> scored;
  SequenceData ref, alt;
};

void flush(Batch& b, const Predictor& predictor, const VariantsRequest& r, VariantWriter& writer) {
  std::vector<float> ref, alt;
  if (!b.ref.seqs.empty()) {
    ref = predictor.predict(b.ref, r.batch_size, r.rc_average);
    alt = predictor.predict(b.alt, r.batch_size, r.rc_average);
  }
  const std::size_t n_targets = predictor.config().targets.size();
  std::size_t k = 0;
  for (std::size_t i = 0; i < b.rows.size(); ++i) {
    if (b.scored[i]) {
      writer.write(b.rows[i], ref.data() + k * n_targets, alt.data() + k * n_targets);
      ++k;
    } else {
      writer.write(b.rows[i], nullptr, nullptr);
    }
  }
  b = Batch{};
}

}  // namespace

VariantsResult run_variants(const VariantsRequest& r, Progress& progress) {
  if (r.max_indel < 1) throw UsageError("--max-indel must be at least 1");
  const Predictor predictor = Predictor::load(r.models, r.device);
  const std::int64_t length = predictor.config().length;
  const io::Genome genome(r.genome);
  io::VcfReader vcf(r.vcf);
  std::optional<io::AtomicFile> file;
  if (r.out != "-") file.emplace(r.out);
  VariantWriter writer(file ? file->stream() : std::cout, predictor.config());

  VariantsResult result;
  Batch batch;
  io::VcfRecord rec;
  while (vcf.next(rec)) {
    ++result.records;
    if (!genome.contains(rec.chrom)) {
      try {
        genome.length(rec.chrom);
      } catch (const Error& e) {  // the genome's message names the sequence; add the record
        throw Error(fmt::format("record {} ({}:{}): {}", rec.number, rec.chrom, rec.pos, e.message()), {vcf.path()});
      }
    }
    const std::int64_t chrom_length = genome.length(rec.chrom);
    const std::int64_t p = rec.pos - 1;  // 0-based first base of REF
    const bool past_end = p >= chrom_length;  // a VCF of another assembly: reported, not fatal
    const std::string ref = upper(rec.ref);
    const std::string genome_ref = genome.fetch(rec.chrom, p, p + static_cast<std::int64_t>(ref.size()));
    const bool match = genome_ref == ref;
    result.ref_mismatches += !match;
    // Enough flank on the right for the longest deletion the window can need.
    const std::string left = genome.fetch(rec.chrom, p - length / 2, p);
    const std::int64_t right_start = p + static_cast<std::int64_t>(ref.size());
    const std::string right = genome.fetch(rec.chrom, right_start, right_start + length);
    for (const std::string& alt_raw : rec.alts) {
      const std::string alt = upper(alt_raw);
      Row row{rec, alt_raw, genome_ref, "ok", match};
      const std::string reason = past_end ? fmt::format("position past the end of {} ({} bases)", rec.chrom, chrom_length)
                                          : skip_reason(ref, alt, r.max_indel);
      ++result.rows;
      batch.scored.push_back(reason.empty());
      if (!reason.empty()) {
        row.status = "skipped: " + reason;
        ++result.skipped;
      } else {
        ++result.scored;
        batch.ref.seqs.push_back((left + ref + right).substr(0, static_cast<std::size_t>(length)));
        batch.alt.seqs.push_back((left + alt + right).substr(0, static_cast<std::size_t>(length)));
      }
      batch.rows.push_back(std::move(row));
    }
    if (static_cast<std::int64_t>(batch.ref.seqs.size()) >= r.batch_size) {
      flush(batch, predictor, r, writer);
      progress.update(fmt::format("variants: {} records, {} scored", result.records, result.scored));
    }
  }
  flush(batch, predictor, r, writer);
  if (file) file->commit();
  else std::cout.flush();
  return result;
}

}  // namespace dnacnn

#include "targets.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dnacnn/train/checkpoint.hpp"
#include "dnacnn/data/dataset.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/interpret/discover.hpp"
#include "dnacnn/io/motif_formats.hpp"
#include "dnacnn/io/safetensors.hpp"
#include "dnacnn/models/model_config.hpp"
#include "dnacnn/models/model_spec.hpp"
#include "dnacnn/train/run_config.hpp"
#include <nlohmann/json.hpp>
#include "dnacnn/data/intervals.hpp"
#include "dnacnn/data/scoring_rule.hpp"
#include "dnacnn/io/bed.hpp"
#include "dnacnn/io/fasta.hpp"
#include "dnacnn/io/genome.hpp"
#include "dnacnn/io/vcf.hpp"
#include "dnacnn/data/coverage.hpp"
#include "dnacnn/io/bigwig.hpp"

namespace dnacnn::fuzz {

namespace fs = std::filesystem;

namespace {

// The parsers read files: one scratch directory per process, reused for every input.
const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("dnacnn-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

fs::path write(const std::string& name, std::string_view bytes) {
  const fs::path path = scratch() / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

template <class F>
void expect_only_errors(F&& f) {
  try {
    f();
  } catch (const Error&) {
    // the one acceptable failure: a located message for the user
  }
}

}  // namespace

void sequence_table(std::string_view bytes) {
  if (bytes.empty()) return;
  const unsigned char flags = static_cast<unsigned char>(bytes[0]);
  bytes.remove_prefix(1);
  // Flag bits pick the reader's mode: CSV or TSV (or FASTA), targets required or not, a named
  // target column, and --length fitting with left padding.
  const fs::path path = write(flags & 8 ? "t.fa" : flags & 1 ? "t.csv" : "t.tsv", bytes);
  TableOptions options;
  options.require_target = (flags & 2) == 0 && (flags & 8) == 0;
  if (flags & 4) options.target_cols = {"score"};
  if (flags & 16) {
    options.length = 1 + (flags >> 5);
    options.pad = Pad::left;
  }
  expect_only_errors([&] {
    const SequenceData data = read_sequence_table(path, options);
    const std::int64_t length = data.common_length();
    if (length * data.size() < (1 << 20)) encode_codes(data, length);
  });
}

void motif_file(std::string_view bytes) {
  const fs::path path = write("m.meme", bytes);
  expect_only_errors([&] {
    for (const Motif& m : io::read_motif_file(path))
      if (m.probs.empty()) throw std::logic_error("motif without columns");
  });
}

void safetensors(std::string_view bytes) {
  const fs::path path = write("w.safetensors", bytes);
  expect_only_errors([&] {
    std::map<std::string, std::string> metadata;
    for (const auto& t : io::read_safetensors(path, &metadata)) {
      std::size_t n = 1;
      for (auto d : t.shape) n *= static_cast<std::size_t>(d);
      if (n != t.values.size()) throw std::logic_error("tensor size does not match its shape");
    }
  });
}

void model_config(std::string_view bytes) {
  const fs::path dir = scratch() / "model";
  fs::create_directories(dir);
  write("model/config.json", bytes);
  expect_only_errors([&] { read_model_config(dir); });
}

void checkpoint(std::string_view bytes) {
  const fs::path dir = scratch() / "run";
  fs::create_directories(dir);
  write("run/checkpoint.safetensors", bytes);
  expect_only_errors([&] { read_checkpoint(dir); });
}

void rule_file(std::string_view bytes) {
  const fs::path path = write("rule.json", bytes);
  expect_only_errors([&] {
    const ScoringRule rule = load_scoring_rule(path.string());
    for (const char* seq : {"TATAAAAA", "GCGTATGC", "A", "NNNNNNNNNNNN"}) {
      rule.score(seq);
      rule.motif_group(seq);
    }
  });
}

void fasta(std::string_view bytes) {
  const fs::path path = write("r.fa", bytes);
  expect_only_errors([&] {
    io::FastaReader reader(path);
    io::FastaRecord record;
    while (reader.next(record))
      if (record.id.empty() || record.seq.empty()) throw std::logic_error("FASTA record without id or bases");
  });
}

void bed(std::string_view bytes) {
  const fs::path path = write("r.bed", bytes);
  expect_only_errors([&] {
    for (const io::BedRecord& r : io::read_bed(path)) {
      if (r.start < 0 || r.end < r.start || r.fields.size() < 3) throw std::logic_error("BED record out of shape");
      for (std::size_t c = 0; c < r.fields.size(); ++c) io::bed_column_name(c);
    }
  });
  expect_only_errors([&] { io::bed_column(bytes.substr(0, 16)); });
}

void vcf(std::string_view bytes) {
  const fs::path path = write("r.vcf", bytes);
  expect_only_errors([&] {
    io::VcfReader reader(path);
    io::VcfRecord record;
    for (int n = 0; n < 100000 && reader.next(record); ++n)
      if (record.chrom.empty()) throw std::logic_error("VCF record without a chromosome");
  });
}

namespace {

// Fetches that a window scan or a BED interval would make: whole sequences, ends, off both ends.
void fetch_around(const io::Genome& g) {
  for (const std::string& name : g.names()) {
    const std::int64_t n = g.length(name);
    if (n > (1 << 20)) continue;
    for (const auto& [start, end] : std::vector<std::pair<std::int64_t, std::int64_t>>{
             {0, n}, {-5, 3}, {n - 2, n + 4}, {n / 2, n / 2 + 7}})
      if (static_cast<std::int64_t>(g.fetch(name, start, end).size()) != end - start)
        throw std::logic_error("fetch returned the wrong number of bases");
  }
}

// A small genome FASTA, written once per process.
const fs::path& fixed_genome() {
  static const fs::path path = [] {
    const fs::path p = scratch() / "fixed.fa";
    std::ofstream(p) << ">chr1\nACGTACGTTTGACCANNNNACGTGGGCCCATATATGCGCAAATTTCCCGGG\nACGTACGTAC\n"
                        ">chr2 second\nTTTTTGGGGGCCCCCAAAAANNNNNACGT\n>chrM\nACGT\n";
    return p;
  }();
  return path;
}

}  // namespace

void genome(std::string_view bytes) {
  const fs::path path = write("g.fa", bytes);
  fs::remove(scratch() / "g.fa.fai");  // built from this input, not left from the last one
  fs::remove(scratch() / "g.fa.gzi");
  expect_only_errors([&] { fetch_around(io::Genome(path)); });
}

void genome_index(std::string_view bytes) {
  const fs::path fa = scratch() / "indexed.fa";
  fs::copy_file(fixed_genome(), fa, fs::copy_options::overwrite_existing);
  write("indexed.fa.fai", bytes);
  expect_only_errors([&] { fetch_around(io::Genome(fa)); });
}

void two_bit(std::string_view bytes) {
  const fs::path path = write("g.2bit", bytes);
  expect_only_errors([&] { fetch_around(io::Genome(path)); });
}

void intervals(std::string_view bytes) {
  if (bytes.empty()) return;
  const unsigned char flags = static_cast<unsigned char>(bytes[0]);
  bytes.remove_prefix(1);
  fs::remove(fixed_genome().string() + ".fai");  // (another target may have left a broken one)
  IntervalDataOptions options;
  options.beds = {write("i.bed", bytes)};
  options.genome = fixed_genome();
  options.length = flags & 1 ? 1 + (flags >> 4) : 0;
  if (flags & 2) options.target_col = flags & 4 ? "score" : "signalValue";
  if (!(flags & 2) && (flags & 12)) {
    options.negatives = (flags & 12) == 4 ? "shuffle" : (flags & 12) == 8 ? "flank" : "gc-matched";
    options.negative_ratio = 1 + (flags >> 6);
  }
  if (flags & 16) options.val_chroms = {"chr2"};
  if (flags & 32) options.test_chroms = {"chrM"};
  expect_only_errors([&] {
    options.validate();
    const SequenceData data = read_interval_data(options);
    for (const std::string& seq : data.seqs)
      if (options.length > 0 && static_cast<std::int64_t>(seq.size()) != options.length)
        throw std::logic_error("an interval's sequence does not have --length bases");
  });
}

namespace {

// A bigWig over the fixed genome's chr1 and chr2 (chrM missing), with a gap and a NaN run; and one
// whose chr1 has another length (another assembly).
const fs::path& fixed_bigwig(bool other_assembly) {
  static const auto write_track = [](const char* name, std::int64_t chr1_length) {
    const fs::path p = scratch() / name;
    io::BigWigWriter w(p, {{"chr1", chr1_length}, {"chr2", 29}});
    w.add("chr1", 0, 10, 1.5f);
    w.add("chr1", 20, 40, 3.0f);
    w.add("chr2", 0, 5, std::numeric_limits<float>::quiet_NaN());
    w.add("chr2", 5, 29, 2.0f);
    w.commit();
    return p;
  };
  static const fs::path same = write_track("fixed.bw", 60), other = write_track("other.bw", 61);
  return other_assembly ? other : same;
}

}  // namespace

void bigwig_regions(std::string_view bytes) {
  if (bytes.empty()) return;
  const unsigned char flags = static_cast<unsigned char>(bytes[0]);
  bytes.remove_prefix(1);
  fs::remove(fixed_genome().string() + ".fai");
  IntervalDataOptions options;
  options.beds = {write("r.bed", bytes)};
  options.genome = fixed_genome();
  options.length = flags & 1 ? 1 + (flags >> 5) : 0;
  options.aggregate = (flags & 6) == 0 ? "sum" : (flags & 6) == 2 ? "mean" : "max";
  options.output_length = flags & 8 ? 1 + (flags >> 6) : 0;
  const std::string track = fixed_bigwig(flags & 16).string();
  options.bigwigs = {flags & 32 ? track + "," + track : track};
  expect_only_errors([&] {
    const SequenceData data = read_interval_data(options);
    if (data.targets.size() != data.seqs.size() * data.n_targets()) throw std::logic_error("targets per row differ");
    for (float v : data.targets)
      if (!std::isfinite(v) || v < 0) throw std::logic_error("a bigWig target is not a finite value >= 0");
  });
}

void bam_coverage(std::string_view bytes) {
  if (bytes.empty()) return;
  const unsigned char flags = static_cast<unsigned char>(bytes[0]);
  bytes.remove_prefix(1);
  fs::remove(fixed_genome().string() + ".fai");
  CoverageOptions o;
  (flags & 1 ? o.fragments : o.bam) = write(flags & 1 ? "f.tsv" : "r.sam", bytes);
  o.genome = fixed_genome();
  o.out = scratch() / "cov.bw";
  o.full = flags & 2;
  o.strand = (flags & 4) && !(flags & 1);
  if (flags & 8) o.shift_plus = 4, o.shift_minus = -5;
  if (flags & 16) o.exclude_flags = 0;
  o.min_mapq = flags & 32 ? 20 : 0;
  expect_only_errors([&] {
    const CoverageStats stats = make_coverage(o);
    // 5' ends: every counted read adds 1 (a fragment 2) unless shifted off the chromosome.
    double total = 0;
    for (const auto& out : stats.outputs) {
      const io::BigWigReader track(out);
      io::ZeroFill fill;
      for (const auto& c : track.chroms()) {
        std::vector<float> values(static_cast<std::size_t>(c.length));
        track.values(c.name, 0, c.length, values.data(), fill);
        for (float v : values) {
          if (!(v >= 0)) throw std::logic_error("a negative or NaN count");
          total += v;
        }
      }
    }
    const double expected = static_cast<double>(stats.counted * (o.fragments.empty() ? 1 : 2) - stats.clipped);
    if (!o.full && total != expected) throw std::logic_error("5' counts do not add up to the reads counted");
  });
}

void model_spec(std::string_view bytes) {
  const fs::path path = write("spec.json", bytes);
  expect_only_errors([&] {
    const ModelSpec spec = read_model_spec(path);
    // Written and read back: the same spec.
    const nlohmann::json once = model_spec_json(spec);
    if (model_spec_json(model_spec_from_json(once, "again")) != once) throw std::logic_error("spec JSON round trip differs");
    for (const std::int64_t length : {1, 8, 200}) {
      try {
        check_spec_shapes(spec, length, 2, path.string());
        spec_summary(spec, length, 2);
      } catch (const Error&) {  // this length does not fit: try the next
      }
    }
  });
}

void run_config(std::string_view bytes) {
  const fs::path path = write("run.json", bytes);
  expect_only_errors([&] {
    const RunConfig config = read_run_config(path);
    // What train does with it: validate, and write the options back as run.json's params.
    config.options.validate();
    const nlohmann::json once = config.options;
    if (nlohmann::json(once.get<TrainOptions>()) != once) throw std::logic_error("options JSON round trip differs");
    override_options(config.options, TrainOptions{}, {"epochs", "folds", "fold_by"});
  });
}

void attributions(std::string_view bytes) {
  const fs::path path = write("attributions.tsv", bytes);
  expect_only_errors([&] {
    const AttributionSet set = read_attributions(path);
    if (set.base.size() > 20000) return;  // the engine on small inputs only: the fuzzer wants speed
    DiscoverOptions options;
    options.threads = 1;
    options.sample = 40;
    options.min_seqlets = 2;
    Progress quiet(true);
    for (const Pattern& p : discover_patterns(set, options, quiet).patterns)
      if (p.pwm.empty() || p.members.empty()) throw std::logic_error("empty pattern");
  });
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all{{"sequence_table", sequence_table},
                                       {"motif_file", motif_file},
                                       {"bigwig_regions", bigwig_regions},
                                       {"bam_coverage", bam_coverage},
                                       {"safetensors", safetensors},
                                       {"model_config", model_config},
                                       {"checkpoint", checkpoint},
                                       {"rule_file", rule_file},
                                       {"fasta", fasta},
                                       {"bed", bed},
                                       {"vcf", vcf},
                                       {"genome", genome},
                                       {"genome_index", genome_index},
                                       {"two_bit", two_bit},
                                       {"intervals", intervals},
                                       {"model_spec", model_spec},
                                       {"run_config", run_config},
                                       {"attributions", attributions}};
  return all;
}

}  // namespace dnacnn::fuzz

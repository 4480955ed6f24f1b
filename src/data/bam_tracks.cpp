#include "dnacnn/data/bam_tracks.hpp"
#include "dnacnn/io/md5.hpp"

#include <fmt/format.h>
#include <htslib/hts.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "dnacnn/core/error.hpp"
#include "dnacnn/data/intervals.hpp"
#include "dnacnn/data/signal.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/io/bigwig.hpp"
#include "dnacnn/io/genome.hpp"

namespace dnacnn {

namespace fs = std::filesystem;

namespace {

// The track names a --bam gives: NAME, or NAME+ and NAME- with --strand.
std::vector<std::string> bam_names(const IntervalDataOptions& o) {
  std::vector<std::string> names;
  for (const std::string& bam : o.bams) {
    const std::string name = bam_track_name(bam);
    if (o.coverage.strand) {
      names.push_back(name + "+");
      names.push_back(name + "-");
    } else {
      names.push_back(name);
    }
  }
  return names;
}

// Whether the record beside earlier tracks says they were made as `made` would make them.
bool reusable(const fs::path& record, const nlohmann::json& made, const std::vector<fs::path>& outputs) {
  std::error_code ec;
  if (!fs::exists(record, ec)) return false;
  for (const auto& out : outputs)
    if (!fs::exists(out, ec) || !io::is_bigwig(out)) return false;
  try {
    std::ifstream in(record);
    const nlohmann::json j = nlohmann::json::parse(in);
    for (const char* key : {"bam_md5", "chromosomes_md5", "coverage"})
      if (!j.contains(key) || j.at(key) != made.at(key)) return false;
    return true;
  } catch (const std::exception&) {
    return false;  // unreadable: made again
  }
}

std::string coverage_note(const std::string& bam, const CoverageStats& s) {
  std::string outputs;
  for (const auto& out : s.outputs) outputs += (outputs.empty() ? "" : ", ") + out.string();
  std::string note = fmt::format("{}: {} of {} reads counted ({} filtered", bam, s.counted, s.records, s.filtered);
  if (s.other_chrom > 0) note += fmt::format(", {} on sequences the genome lacks", s.other_chrom);
  if (s.clipped > 0) note += fmt::format(", {} 5' ends shifted past a chromosome end", s.clipped);
  return note + fmt::format(") in {:.2f} s -> {}", s.seconds, outputs);
}

}  // namespace

std::string bam_track_name(const fs::path& bam) {
  const std::string name = bam.filename().string();
  for (const char* ext : {".bam", ".sam", ".cram", ".BAM", ".SAM", ".CRAM"})
    if (name.size() > std::string(ext).size() && name.ends_with(ext)) return name.substr(0, name.size() - std::string(ext).size());
  return name;
}

void check_bam_tracks(const IntervalDataOptions& o) {
  if (o.bams.empty()) return;
  std::set<std::string> seen;
  for (const SignalTrack& t : parse_bigwig_tracks(o.bigwigs)) seen.insert(t.name);
  for (const std::string& bam : o.bams)
    if (bam.empty()) throw UsageError("--bam takes a file of reads (BAM, SAM or CRAM)");
  for (const std::string& name : bam_names(o))
    if (!seen.insert(name).second)
      throw UsageError("two tracks are named '" + name + "' (from the --bigwig and --bam files' names): rename one");
  if (o.coverage.min_mapq < 0 || o.coverage.min_mapq > 255) throw UsageError("--min-mapq must be 0-255");
}

std::vector<std::string> make_bam_tracks(const IntervalDataOptions& o, const fs::path& dir) {
  const io::Genome genome(o.genome);
  std::string chroms;
  for (const io::ChromSize& c : io::bigwig_chroms(genome)) chroms += fmt::format("{}\t{}\n", c.name, c.length);
  const std::string chroms_md5 = text_md5(chroms);
  std::vector<std::string> specs;
  for (const std::string& bam : o.bams) {
    CoverageOptions c = o.coverage;
    c.bam = bam;
    c.fragments.clear();
    c.genome = o.genome;
    c.out = dir / (bam_track_name(bam) + ".bw");
    const std::vector<fs::path> outputs = coverage_outputs(c);
    specs.push_back(outputs.size() == 1 ? outputs[0].string() : outputs[0].string() + "," + outputs[1].string());
    const fs::path record = dir / (bam_track_name(bam) + ".json");
    nlohmann::json made = {{"bam", fs::absolute(bam).string()},
                           {"bam_md5", file_md5(c.bam)},
                           {"chromosomes_md5", chroms_md5},
                           {"coverage", counting_json(c)}};
    if (reusable(record, made, outputs)) {
      add_data_note(fmt::format("{}: coverage reused from {} (same BAM MD5, chromosomes and counting)", bam,
                                dir.string()));
      continue;
    }
    std::error_code ec;
    fs::remove(record, ec);  // the tracks are made again: the old record no longer describes them
    const CoverageStats s = make_coverage(c);
    made["reads"] = s.records;
    made["counted"] = s.counted;
    io::write_file_atomically(record, made.dump(2) + "\n");
    add_data_note(coverage_note(bam, s));
  }
  return specs;
}

void adopt_bam_tracks(const IntervalDataOptions& o, const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (from.empty() || !fs::is_directory(from, ec) || fs::equivalent(from, to, ec)) return;
  io::ensure_directory(to);
  for (const std::string& bam : o.bams) {
    CoverageOptions c = o.coverage;
    c.out = from / (bam_track_name(bam) + ".bw");
    std::vector<fs::path> files = coverage_outputs(c);
    files.push_back(from / (bam_track_name(bam) + ".json"));
    bool complete = true;
    for (const auto& f : files) complete = complete && fs::exists(f, ec) && !fs::exists(to / f.filename(), ec);
    if (!complete) continue;
    for (const auto& f : files) {
      fs::create_hard_link(f, to / f.filename(), ec);
      if (ec) fs::copy_file(f, to / f.filename(), ec);  // another file system
    }
  }
}

CoverageDirectory::CoverageDirectory(const fs::path& dir) : path_(dir) {
  if (!dir.empty()) {
    io::ensure_directory(dir);
    return;
  }
  const fs::path base = fs::temp_directory_path();
  for (int attempt = 0;; ++attempt) {
    path_ = base / fmt::format("dnacnn-coverage-{}-{}", ::getpid(), attempt);
    std::error_code ec;
    if (fs::create_directory(path_, ec)) break;
    if (ec || attempt > 1000) throw Error("cannot create a temporary directory for --bam's tracks", {base.string()});
  }
  temporary_ = true;
}

CoverageDirectory::~CoverageDirectory() {
  std::error_code ec;
  if (temporary_) fs::remove_all(path_, ec);
}

nlohmann::json counting_json(const CoverageOptions& o) {
  return {{"full", o.full},
          {"strand", o.strand},
          {"shift", {o.shift_plus, o.shift_minus}},
          {"min_mapq", o.min_mapq},
          {"exclude_flags", o.exclude_flags}};
}

void counting_from_json(const nlohmann::json& j, CoverageOptions& o) {
  o.full = j.value("full", false);
  o.strand = j.value("strand", false);
  const auto shift = j.value("shift", std::vector<std::int64_t>{0, 0});
  if (shift.size() != 2) throw UsageError("'coverage.shift' must be [plus, minus]");
  o.shift_plus = shift[0];
  o.shift_minus = shift[1];
  o.min_mapq = j.value("min_mapq", 0);
  o.exclude_flags = j.value("exclude_flags", std::uint32_t{0x704});
}

}  // namespace dnacnn

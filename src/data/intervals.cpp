#include "dnacnn/data/intervals.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/bed.hpp"
#include "dnacnn/io/genome.hpp"
#include "dnacnn/io/table.hpp"
#include "dnacnn/data/bam_tracks.hpp"
#include "dnacnn/data/signal.hpp"

namespace dnacnn {

Interval centred(const Interval& interval, std::int64_t length) {
  // floor((start + end) / 2), also for the (theoretical) negative sums of shifted windows
  const std::int64_t sum = interval.start + interval.end;
  const std::int64_t mid = sum >= 0 ? sum / 2 : -((-sum + 1) / 2);
  const std::int64_t start = mid - length / 2;
  return {interval.chrom, start, start + length};
}

std::string interval_id(const Interval& interval) {
  return fmt::format("{}:{}-{}", interval.chrom, interval.start, interval.end);
}

void IntervalDataOptions::validate() const {
  if (beds.empty()) throw UsageError("--bed needs at least one BED file");
  if (genome.empty()) throw UsageError("--bed needs --genome FASTA");
  if (length < 0) throw UsageError("--length must be positive");
  if (length > kMaxIntervalWidth) throw UsageError("--length must be at most " + std::to_string(kMaxIntervalWidth));
  if (profile && !has_signal()) throw UsageError("--profile reads per-base targets from signal tracks: add --bigwig or --bam");
  if (has_signal()) {
    if (!target_col.empty() || !negatives.empty())
      throw UsageError(std::string(bigwigs.empty() ? "--bam" : "--bigwig") +
                       " gives the targets: it excludes --target-col and --negatives");
    parse_signal_aggregate(aggregate);
    if (output_length < 0) throw UsageError("--output-length must be positive");
    parse_bigwig_tracks(bigwigs);
    check_bam_tracks(*this);
    return;
  }
  if (target_col.empty() && negatives.empty())
    throw UsageError("--bed needs --target-col COLUMN (a number per interval) or --negatives "
                     "shuffle|flank|gc-matched (the intervals are positives, labelled 1 against 0)");
  if (!target_col.empty() && !negatives.empty())
    throw UsageError("--target-col and --negatives exclude each other: a BED column is a regression target, "
                     "--negatives makes binary labels");
  if (!negatives.empty() && negatives != "shuffle" && negatives != "flank" && negatives != "gc-matched")
    throw UsageError("--negatives must be shuffle, flank or gc-matched, got '" + negatives + "'");
  if (!(negative_ratio > 0) || !std::isfinite(negative_ratio)) throw UsageError("--neg-ratio must be positive");
}

namespace {

// The intervals' common width, or a UsageError that lists the widths found.
std::int64_t common_width(const std::vector<Interval>& intervals) {
  std::map<std::int64_t, std::size_t> widths;
  for (const auto& i : intervals) ++widths[i.end - i.start];
  if (widths.size() == 1 && widths.begin()->first > 0) return widths.begin()->first;
  std::string found;
  for (auto it = widths.begin(); it != widths.end() && std::distance(widths.begin(), it) < 4; ++it)
    found += fmt::format("{}{} bp ({})", found.empty() ? "" : ", ", it->first, it->second);
  throw UsageError("the intervals have different widths (" + found + (widths.size() > 4 ? ", ..." : "") +
                   "); give --length to resize them around their centres");
}

std::vector<Split> chromosome_split(const std::vector<std::string>& chroms, const IntervalDataOptions& o,
                                    const io::Genome& genome) {
  if (o.val_chroms.empty() && o.test_chroms.empty()) return {};
  std::set<std::string> val, test;
  for (const auto& [names, flag, set] : {std::tuple{&o.val_chroms, "--val-chroms", &val},
                                         std::tuple{&o.test_chroms, "--test-chroms", &test}})
    for (const auto& c : *names) {
      if (!genome.contains(c)) throw UsageError(std::string(flag) + ": '" + c + "' is not a sequence of the genome " + genome.path());
      set->insert(c);
    }
  for (const auto& c : val)
    if (test.count(c)) throw UsageError("'" + c + "' is in both --val-chroms and --test-chroms");
  std::vector<Split> out;
  for (const auto& c : chroms) out.push_back(test.count(c) ? Split::test : val.count(c) ? Split::val : Split::train);
  return out;
}

// A record's sequence must be in the genome (an Error naming it otherwise). Off-end windows are
// N-padded; one wholly past the end is another assembly's (or a typo), and a window wider than any
// model's input would only exhaust memory.
void check_interval(const io::BedRecord& r, const io::Genome& genome, const std::filesystem::path& path) {
  const std::int64_t chrom_length = genome.length(r.chrom, {path.string(), r.line, 1});
  if (r.start >= chrom_length)
    throw Error(fmt::format("interval starts at {}, past the end of '{}' ({} bp): another assembly?", r.start,
                            r.chrom, chrom_length),
                {path.string(), r.line, 2});
  if (r.end - r.start > kMaxIntervalWidth)
    throw Error(fmt::format("interval is {} bp wide; dnacnn reads intervals up to {} bp", r.end - r.start,
                            kMaxIntervalWidth),
                {path.string(), r.line, 2});
}

// A narrowPeak summit: column 10, an offset from the start (-1: none given).
std::optional<std::int64_t> summit_of(const io::BedRecord& r) {
  if (r.fields.size() < 10) return std::nullopt;
  const auto offset = io::parse_finite_float(r.fields[9]);
  if (!offset || *offset < 0 || *offset != std::floor(*offset)) return std::nullopt;
  // No peak is wider than the widest interval read; a larger offset (2.6e20, found by the fuzz
  // campaign) would not even fit the integer: read it as no summit, like MACS2's -1.
  if (*offset > static_cast<double>(kMaxIntervalWidth)) return std::nullopt;
  return static_cast<std::int64_t>(*offset);
}

}  // namespace

namespace {

SequenceData read_intervals(const IntervalDataOptions& o) {
  const io::Genome genome(o.genome);
  const std::optional<std::size_t> column =
      o.target_col.empty() ? std::nullopt : std::optional(io::bed_column(o.target_col));

  const bool signal = o.has_signal();
  SequenceData data;
  data.source = o.beds.front().string();
  data.target_names = {column ? io::bed_column_name(*column) : "label"};
  std::vector<Interval> positives;
  std::vector<std::optional<std::int64_t>> summits;  // narrowPeak column 10, with --bigwig
  for (const auto& path : o.beds) {
    for (const io::BedRecord& r : io::read_bed(path)) {
      check_interval(r, genome, path);
      positives.push_back({r.chrom, r.start, r.end});
      data.lines.push_back(r.line);
      if (signal) {
        summits.push_back(summit_of(r));
        continue;
      }
      if (!column) {
        data.targets.push_back(1);
        continue;
      }
      if (*column >= r.fields.size())
        throw Error(fmt::format("no column {} ('{}') on this line: it has {} columns", *column + 1,
                                io::bed_column_name(*column), r.fields.size()),
                    {path.string(), r.line});
      const auto value = io::parse_finite_float(r.fields[*column]);
      if (!value)
        throw Error(fmt::format("column {} ('{}') is not a finite number: '{}'", *column + 1,
                                io::bed_column_name(*column), r.fields[*column].substr(0, 30)),
                    {path.string(), r.line});
      data.targets.push_back(*value);
    }
  }
  const std::int64_t length = o.length > 0 ? o.length : common_width(positives);

  std::vector<Interval> rows;
  for (std::size_t i = 0; i < positives.size(); ++i) {
    const Interval& p = positives[i];
    const bool at_summit = signal && summits[i];
    rows.push_back(at_summit ? centred({p.chrom, p.start + *summits[i], p.start + *summits[i] + 1}, length)
                             : centred(p, length));
  }
  if (signal) {
    const SignalAggregate aggregate = o.profile ? SignalAggregate::profile : parse_signal_aggregate(o.aggregate);
    SignalTargets targets = read_signal_targets(parse_bigwig_tracks(o.bigwigs), rows, aggregate, o.output_length, genome);
    data.target_names = targets.names;
    data.targets = targets.values;
    data.profiles = std::move(targets.profiles);
    if (o.profile) data.profile_length = o.output_length > 0 && o.output_length < length ? o.output_length : length;
    if (targets.fill.total() > 0) add_data_note(zero_fill_note(targets.fill));
  } else if (!column) {
    const auto count = static_cast<std::int64_t>(std::llround(o.negative_ratio * static_cast<double>(positives.size())));
    for (Interval& n : generate_negatives(genome, positives, o.negatives, count, length, o.negative_seed)) {
      rows.push_back(std::move(n));
      data.targets.push_back(0);
      data.lines.push_back(0);
    }
  }
  std::vector<std::string> chroms;
  for (const Interval& r : rows) {
    data.ids.push_back(interval_id(r));
    data.seqs.push_back(genome.fetch(r.chrom, r.start, r.end));
    chroms.push_back(r.chrom);
  }
  data.given_split = chromosome_split(chroms, o, genome);
  return data;
}

}  // namespace

SequenceData read_interval_data(const IntervalDataOptions& options) {
  options.validate();
  if (options.bams.empty()) return read_intervals(options);
  // --bam: the reads' coverage tracks join the --bigwig ones, and from here on are bigWig tracks
  // like them (the temporary directory, when the caller keeps none, lives until they are read).
  IntervalDataOptions o = options;
  const CoverageDirectory dir(options.coverage_dir);
  for (std::string& spec : make_bam_tracks(options, dir.path())) o.bigwigs.push_back(std::move(spec));
  o.bams.clear();
  return read_intervals(o);
}

}  // namespace dnacnn

namespace dnacnn {

SequenceData read_interval_sequences(const std::vector<std::filesystem::path>& beds,
                                     const std::filesystem::path& genome_path, std::int64_t length) {
  if (beds.empty()) throw UsageError("--bed needs at least one BED file");
  if (genome_path.empty()) throw UsageError("--bed needs --genome FASTA");
  if (length <= 0 || length > kMaxIntervalWidth) throw UsageError(fmt::format("window length {} is out of range", length));
  const io::Genome genome(genome_path);
  SequenceData data;
  data.source = beds.front().string();
  data.target_names.clear();
  for (const auto& path : beds)
    for (const io::BedRecord& r : io::read_bed(path)) {
      check_interval(r, genome, path);
      const std::optional<std::int64_t> summit = summit_of(r);
      const Interval window = summit ? centred({r.chrom, r.start + *summit, r.start + *summit + 1}, length)
                                     : centred({r.chrom, r.start, r.end}, length);
      data.ids.push_back(interval_id(window));
      data.seqs.push_back(genome.fetch(window.chrom, window.start, window.end));
      data.lines.push_back(r.line);
    }
  if (data.seqs.empty()) throw Error("no intervals", {data.source});
  return data;
}

}  // namespace dnacnn

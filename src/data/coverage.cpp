// Coverage from reads: each read (or fragment) adds +1 over the bases it counts for, kept as a
// difference array over a window that slides along the sorted input. Finished bases leave the
// window as runs of equal value, spilled to a scratch file; at the end the runs are written to
// bigWig in the order bigWig wants (chromosomes by name), which need not be the input's.
#include "dnacnn/data/coverage.hpp"

#include <fmt/format.h>
#include <htslib/sam.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <optional>
#include <unordered_map>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/bigwig.hpp"
#include "dnacnn/io/genome.hpp"
#include "dnacnn/io/line_reader.hpp"

namespace dnacnn {

namespace fs = std::filesystem;

namespace {

// A whole number, all of `text` (an optional sign first).
std::optional<std::int64_t> parse_int(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

}  // namespace

void CoverageOptions::validate() const {
  if (bam.empty() == fragments.empty()) throw UsageError("give either --bam READS or --fragments FILE");
  if (genome.empty()) throw UsageError("--genome is required: the output's chromosomes and their sizes");
  if (out.empty()) throw UsageError("--out is required");
  if (min_mapq < 0 || min_mapq > 255) throw UsageError("--min-mapq must be 0-255");
}

std::pair<std::int64_t, std::int64_t> parse_shift(const std::string& text) {
  const auto comma = text.find(',');
  const auto plus = comma == std::string::npos ? std::nullopt : parse_int(std::string_view(text).substr(0, comma));
  const auto minus = comma == std::string::npos ? std::nullopt : parse_int(std::string_view(text).substr(comma + 1));
  if (!plus || !minus || std::abs(*plus) > 1000 || std::abs(*minus) > 1000)
    throw UsageError("--shift takes PLUS,MINUS: bases added to 5' ends on the + and - strand (Tn5: +4,-5), got '" +
                     text + "'");
  return {*plus, *minus};
}

std::vector<fs::path> coverage_outputs(const CoverageOptions& o) {
  if (!o.strand) return {o.out};
  const fs::path dir = o.out.parent_path();
  const std::string stem = o.out.extension() == ".bw" || o.out.extension() == ".bigWig" ? o.out.stem().string()
                                                                                       : o.out.filename().string();
  return {dir / (stem + ".plus.bw"), dir / (stem + ".minus.bw")};
}

namespace {

struct Run {
  std::uint32_t start, end;
  float value;
};

// Runs of one track, spilled to a scratch file; per chromosome the (offset, count) pieces.
class Spill {
 public:
  explicit Spill(const fs::path& path) : path_(path), file_(std::fopen(path.c_str(), "w+b")) {
    if (!file_) throw Error("cannot write a scratch file here (missing directory or no permission)", {path.string()});
  }
  ~Spill() {
    std::fclose(file_);
    std::error_code ec;
    fs::remove(path_, ec);
  }
  void add(std::size_t chrom, const std::vector<Run>& runs) {
    if (runs.empty()) return;
    pieces_[chrom].push_back({written_, runs.size()});
    if (std::fwrite(runs.data(), sizeof(Run), runs.size(), file_) != runs.size())
      throw Error("cannot write a scratch file (disk full?)", {path_.string()});
    written_ += runs.size();
  }
  // Calls f(runs) for every piece of `chrom`, in order.
  template <class F>
  void read(std::size_t chrom, F&& f) {
    std::vector<Run> buffer;
    for (const auto& [offset, count] : pieces_[chrom]) {
      buffer.resize(count);
      if (std::fseek(file_, static_cast<long>(offset * sizeof(Run)), SEEK_SET) ||
          std::fread(buffer.data(), sizeof(Run), count, file_) != count)
        throw Error("cannot read back a scratch file", {path_.string()});
      f(buffer);
    }
    std::fseek(file_, 0, SEEK_END);
  }

 private:
  fs::path path_;
  std::FILE* file_;
  std::uint64_t written_ = 0;
  std::map<std::size_t, std::vector<std::pair<std::uint64_t, std::size_t>>> pieces_;
};

// One track's counts over a window [base_, base_ + size) of the current chromosome, as +1/-1
// differences; bases before the window are final and have become runs.
class Track {
 public:
  explicit Track(Spill& spill) : spill_(spill) {}

  void start_chrom(std::size_t chrom, std::int64_t length) {
    chrom_ = chrom, length_ = length, base_ = 0, head_ = 0, level_ = 0;
    delta_.clear();
  }
  // +1 over [b, e), already clipped to the chromosome and at or after the window's start.
  void add(std::int64_t b, std::int64_t e) {
    const std::size_t need = static_cast<std::size_t>(e - base_) + head_ + 1;
    if (delta_.size() < need) delta_.resize(std::max(need, delta_.size() * 2), 0);
    ++delta_[head_ + static_cast<std::size_t>(b - base_)];
    --delta_[head_ + static_cast<std::size_t>(e - base_)];
  }
  // Makes bases before `upto` final.
  void finish_before(std::int64_t upto) {
    upto = std::min(upto, length_);
    while (base_ < upto) {
      const std::size_t i = head_;
      if (i < delta_.size()) {
        level_ += delta_[i];
        delta_[i] = 0;
      }
      ++head_;
      emit(base_, level_);
      ++base_;
      if (head_ >= delta_.size()) {  // past everything recorded: jump ahead
        if (level_ == 0) base_ = upto;
        head_ = 0;
        delta_.clear();
      }
    }
    if (head_ > 4096 && head_ * 2 > delta_.size()) {  // drop the finished front
      delta_.erase(delta_.begin(), delta_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void end_chrom() {
    finish_before(length_);
    close_run();
    spill_.add(chrom_, runs_);
    runs_.clear();
  }
  std::int64_t window_start() const { return base_; }

 private:
  void emit(std::int64_t pos, std::int32_t value) {
    if (value == run_value_ && pos == run_end_) {
      ++run_end_;
      return;
    }
    close_run();
    run_start_ = pos, run_end_ = pos + 1, run_value_ = value;
  }
  void close_run() {
    if (run_value_ != 0 && run_end_ > run_start_)
      runs_.push_back({static_cast<std::uint32_t>(run_start_), static_cast<std::uint32_t>(run_end_),
                       static_cast<float>(run_value_)});
    run_start_ = run_end_ = 0, run_value_ = 0;
    if (runs_.size() >= (1u << 20)) {
      spill_.add(chrom_, runs_);
      runs_.clear();
    }
  }

  Spill& spill_;
  std::size_t chrom_ = 0;
  std::int64_t length_ = 0, base_ = 0;
  std::size_t head_ = 0;
  std::int32_t level_ = 0;
  std::vector<std::int32_t> delta_;
  std::vector<Run> runs_;
  std::int64_t run_start_ = 0, run_end_ = 0;
  std::int32_t run_value_ = 0;
};

// The state shared by both inputs: the genome's chromosomes, the tracks, the order check.
struct Counter {
  const CoverageOptions& o;
  std::vector<io::ChromSize> chroms;  // bigWig order
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::unique_ptr<Spill>> spills;
  std::vector<Track> tracks;  // 1, or plus and minus
  std::vector<bool> done;
  std::optional<std::size_t> current;
  std::int64_t last_start = 0;
  std::int64_t margin = 1;
  CoverageStats stats;

  Counter(const CoverageOptions& options, const io::Genome& genome) : o(options), chroms(io::bigwig_chroms(genome)) {
    for (std::size_t i = 0; i < chroms.size(); ++i) index[chroms[i].name] = i;
    const auto outputs = coverage_outputs(o);
    for (const auto& out : outputs) {
      const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
      std::string name = ".";  // built piecewise: GCC 12 warns (-Wrestrict) on "." + string + ...
      name += out.filename().string();
      name += ".runs-" + std::to_string(::getpid());
      spills.push_back(std::make_unique<Spill>(dir / name));
    }
    for (auto& s : spills) tracks.emplace_back(*s);
    done.assign(chroms.size(), false);
    margin = std::max(std::abs(o.shift_plus), std::abs(o.shift_minus)) + 1;
  }

  // Moves to the record's chromosome (nullopt: not in the genome) and checks the input's order.
  std::optional<std::size_t> enter(const std::string& chrom, std::int64_t start, const std::string& file, long where) {
    const auto it = index.find(chrom);
    if (it == index.end()) {
      ++stats.other_chrom;
      return std::nullopt;
    }
    enter(it->second, start, file, where);
    return it->second;
  }
  void enter(std::size_t chrom, std::int64_t start, const std::string& file, long where) {
    if (current != chrom) {
      if (done[chrom])
        throw Error(fmt::format("the input is not sorted by position: '{}' appears again after other sequences "
                                "(record {}); sort it (samtools sort, or sort -k1,1 -k2,2n)", chroms[chrom].name, where),
                    {file});
      if (current) finish_chrom();
      current = chrom;
      last_start = 0;
      for (auto& t : tracks) t.start_chrom(chrom, chroms[chrom].length);
    } else if (start < last_start) {
      throw Error(fmt::format("the input is not sorted by position: {}:{} comes after {}:{} (record {}); sort it "
                              "(samtools sort, or sort -k1,1 -k2,2n)", chroms[chrom].name, start + 1, chroms[chrom].name,
                              last_start + 1, where),
                  {file});
    }
    last_start = start;
    for (auto& t : tracks) t.finish_before(start - margin);
  }
  void finish_chrom() {
    for (auto& t : tracks) t.end_chrom();
    done[*current] = true;
  }
  Track& track(bool reverse) { return tracks[o.strand && reverse ? 1 : 0]; }
  // A 5' end at `pos`: counted when on the chromosome.
  void five_prime(std::size_t chrom, std::int64_t pos, bool reverse) {
    if (pos < 0 || pos >= chroms[chrom].length) {
      ++stats.clipped;
      return;
    }
    track(reverse).add(pos, pos + 1);
  }
  void span(std::size_t chrom, std::int64_t b, std::int64_t e, bool reverse) {
    b = std::max<std::int64_t>(b, 0), e = std::min(e, chroms[chrom].length);
    if (e > b) track(reverse).add(b, e);
  }
};

void check_header(const sam_hdr_t* header, const Counter& c, const CoverageOptions& o) {
  for (int tid = 0; tid < sam_hdr_nref(header); ++tid) {
    const std::string name = sam_hdr_tid2name(header, tid);
    const auto it = c.index.find(name);
    if (it == c.index.end()) continue;
    const std::int64_t length = static_cast<std::int64_t>(sam_hdr_tid2len(header, tid));
    if (length != c.chroms[it->second].length)
      throw Error(fmt::format("chromosome '{}' is {} bp here but {} bp in the genome {}: another assembly?", name,
                              length, c.chroms[it->second].length, o.genome.string()),
                  {o.bam.string()});
  }
}

void count_reads(Counter& c, const CoverageOptions& o) {
  const std::string file = o.bam.string();
  if (!fs::is_regular_file(o.bam)) throw Error("no such file", {file});
  samFile* fp = sam_open(file.c_str(), "r");
  if (!fp) throw Error("cannot open as SAM/BAM/CRAM", {file});
  std::unique_ptr<samFile, int (*)(htsFile*)> close_fp(fp, hts_close);
  if (hts_get_format(fp)->format == cram) hts_set_fai_filename(fp, o.genome.c_str());  // CRAM decodes against it
  sam_hdr_t* header = sam_hdr_read(fp);
  if (!header) throw Error("not a SAM/BAM/CRAM file, or its header is damaged", {file});
  std::unique_ptr<sam_hdr_t, void (*)(sam_hdr_t*)> free_header(header, sam_hdr_destroy);
  check_header(header, c, o);
  bam1_t* b = bam_init1();
  std::unique_ptr<bam1_t, void (*)(bam1_t*)> free_b(b, bam_destroy1);
  std::vector<std::optional<std::size_t>> chrom_of(static_cast<std::size_t>(sam_hdr_nref(header)));
  for (int tid = 0; tid < sam_hdr_nref(header); ++tid) {
    const auto it = c.index.find(sam_hdr_tid2name(header, tid));
    if (it != c.index.end()) chrom_of[static_cast<std::size_t>(tid)] = it->second;
  }
  int rc = 0;
  while ((rc = sam_read1(fp, header, b)) >= 0) {
    ++c.stats.records;
    const bam1_core_t& core = b->core;
    if ((core.flag & o.exclude_flags) || core.qual < o.min_mapq) {
      ++c.stats.filtered;
      continue;
    }
    if (core.tid < 0 || !chrom_of[static_cast<std::size_t>(core.tid)]) {
      ++c.stats.other_chrom;
      continue;
    }
    const std::size_t chrom = *chrom_of[static_cast<std::size_t>(core.tid)];
    c.enter(chrom, core.pos, file, static_cast<long>(c.stats.records));
    const bool reverse = bam_is_rev(b);
    ++c.stats.counted;
    if (!o.full) {
      c.five_prime(chrom, reverse ? bam_endpos(b) - 1 + o.shift_minus : core.pos + o.shift_plus, reverse);
      continue;
    }
    std::int64_t pos = core.pos, block = -1;
    const std::uint32_t* cigar = bam_get_cigar(b);
    for (std::uint32_t i = 0; i < core.n_cigar; ++i) {
      const int op = bam_cigar_op(cigar[i]);
      const std::int64_t len = bam_cigar_oplen(cigar[i]);
      const bool aligned = op == BAM_CMATCH || op == BAM_CEQUAL || op == BAM_CDIFF;
      if (aligned && block < 0) block = pos;
      if (!aligned && (bam_cigar_type(op) & 2) && block >= 0) c.span(chrom, block, pos, reverse), block = -1;
      if (bam_cigar_type(op) & 2) pos += len;
    }
    if (block >= 0) c.span(chrom, block, pos, reverse);
  }
  if (rc < -1) throw Error(fmt::format("damaged or truncated after record {}", c.stats.records), {file});
}

void count_fragments(Counter& c, const CoverageOptions& o) {
  io::LineReader reader(o.fragments);
  std::string_view line;
  while (reader.next(line)) {
    if (line.empty() || line[0] == '#') continue;
    std::string_view fields[3];
    std::size_t from = 0;
    for (int f = 0; f < 3; ++f) {
      const std::size_t tab = line.find('\t', from);
      if (tab == std::string_view::npos && f < 2)
        throw Error("a fragment line has chrom, start, end, barcode, count separated by tabs",
                    {reader.path(), reader.line_number()});
      fields[f] = line.substr(from, tab == std::string_view::npos ? std::string_view::npos : tab - from);
      from = tab + 1;
    }
    const auto start = parse_int(fields[1]), end = parse_int(fields[2]);
    if (!start || !end || *start < 0 || *end <= *start)
      throw Error(fmt::format("start and end must be whole numbers with 0 <= start < end, got '{}' and '{}'",
                              printable_excerpt(fields[1]), printable_excerpt(fields[2])),
                  {reader.path(), reader.line_number(), 2});
    ++c.stats.records;
    const auto chrom = c.enter(std::string(fields[0]), *start, reader.path(), reader.line_number());
    if (!chrom) continue;
    ++c.stats.counted;
    // A fragment is the DNA between two Tn5 cuts: one cut at each end, like a read pair's 5' ends.
    if (o.full) {
      c.span(*chrom, *start, *end, false);
      continue;
    }
    c.five_prime(*chrom, *start + o.shift_plus, false);
    c.five_prime(*chrom, *end - 1 + o.shift_minus, true);
  }
}

}  // namespace

CoverageStats make_coverage(const CoverageOptions& o) {
  o.validate();
  const auto began = std::chrono::steady_clock::now();
  const io::Genome genome(o.genome);
  Counter c(o, genome);
  std::vector<std::unique_ptr<io::BigWigWriter>> writers;  // opened first: an unwritable --out fails now
  for (const auto& out : coverage_outputs(o)) writers.push_back(std::make_unique<io::BigWigWriter>(out, c.chroms));
  if (!o.bam.empty())
    count_reads(c, o);
  else
    count_fragments(c, o);
  if (c.current) c.finish_chrom();
  for (std::size_t t = 0; t < writers.size(); ++t) {
    for (std::size_t chrom = 0; chrom < c.chroms.size(); ++chrom)
      c.spills[t]->read(chrom, [&](const std::vector<Run>& runs) {
        for (const Run& r : runs) writers[t]->add(c.chroms[chrom].name, r.start, r.end, r.value);
      });
    writers[t]->commit();
    c.stats.outputs.push_back(writers[t]->path());
  }
  c.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  return c.stats;
}

}  // namespace dnacnn

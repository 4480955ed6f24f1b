#include <fmt/format.h>

#include <cctype>
#include <map>
#include <tuple>

#include "commands.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/core/progress.hpp"
#include "dnacnn/data/coverage.hpp"

namespace dnacnn::app {

// Flag names for --exclude-flags, as samtools spells them.
static std::uint32_t parse_flags(const std::string& text) {
  static const std::map<std::string, std::uint32_t> names{
      {"PAIRED", 0x1},     {"PROPER_PAIR", 0x2}, {"UNMAP", 0x4},      {"MUNMAP", 0x8},
      {"REVERSE", 0x10},   {"MREVERSE", 0x20},   {"READ1", 0x40},     {"READ2", 0x80},
      {"SECONDARY", 0x100}, {"QCFAIL", 0x200},   {"DUP", 0x400},      {"SUPPLEMENTARY", 0x800}};
  try {
    std::size_t used = 0;
    const unsigned long value = std::stoul(text, &used, 0);
    if (used == text.size() && value <= 0xFFFF) return static_cast<std::uint32_t>(value);
  } catch (const std::exception&) {
  }
  std::uint32_t flags = 0;
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t comma = std::min(text.find(',', from), text.size());
    const auto it = names.find(text.substr(from, comma - from));
    if (it == names.end())
      throw UsageError("--exclude-flags takes a number (0x704) or names like UNMAP,SECONDARY,QCFAIL,DUP, got '" + text + "'");
    flags |= it->second;
    from = comma + 1;
  }
  return flags;
}

void add_counting_options(CLI::App& cmd, CoverageOptions& o, const std::string& context) {
  // "With --bam: count ..." after a context, "Count ..." alone.
  const auto with = [&context](std::string help) {
    if (context.empty()) return help;
    if (help.size() > 1 && std::islower(static_cast<unsigned char>(help[1])))  // not PLUS,MINUS
      help[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(help[0])));
    return context + ": " + help;
  };
  cmd.add_flag("--full", o.full, with("Count every aligned base (CIGAR M/=/X) instead of 5' ends"));
  cmd.add_flag("--strand", o.strand, with("Separate tracks for reads on the + and - strand"));
  // Parsed as they are read, so that every command using them needs no callback of its own.
  cmd.add_option_function<std::string>(
         "--shift", [&o](const std::string& text) { std::tie(o.shift_plus, o.shift_minus) = parse_shift(text); },
         with("PLUS,MINUS: bases added to 5' ends on the + and - strand (Tn5 insertion: +4,-5)"))
      ->default_str("0,0");
  cmd.add_option("--min-mapq", o.min_mapq, with("Skip reads with a lower mapping quality"))
      ->check(CLI::Range(0, 255))
      ->capture_default_str();
  cmd.add_option_function<std::string>(
         "--exclude-flags", [&o](const std::string& text) { o.exclude_flags = parse_flags(text); },
         with("Skip reads with any of these SAM flags (a number or names)"))
      ->default_str("UNMAP,SECONDARY,QCFAIL,DUP");
}

const std::vector<std::string>& counting_flags() {
  static const std::vector<std::string> flags{"--full", "--strand", "--shift", "--min-mapq", "--exclude-flags"};
  return flags;
}

void add_coverage(CLI::App& root) {
  auto o = std::make_shared<CoverageOptions>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* cmd = root.add_subcommand(
      "coverage", "Signal from aligned reads (BAM/SAM/CRAM) or a fragments file: a bigWig of 5' end counts or coverage");
  cmd->add_option("--bam", o->bam, "Reads sorted by position (samtools sort): BAM, SAM or CRAM; no index needed");
  cmd->add_option("--fragments", o->fragments,
                  "Or: fragments (chrom, start, end, barcode, count; plain or gzip, sorted), each counting its two "
                  "ends (Tn5 cuts) once");
  cmd->add_option("--genome", o->genome, "Reference FASTA or 2bit: the track's chromosomes and sizes")->required();
  cmd->add_option("-o,--out", o->out, "Output bigWig; with --strand: OUT.plus.bw and OUT.minus.bw")->required();
  add_counting_options(*cmd, *o, "");
  add_quiet_flag(*cmd, *quiet);
  cmd->final_callback([o, quiet, cmd] {
    if (!o->fragments.empty() && (o->strand || cmd->count("--exclude-flags") || cmd->count("--min-mapq")))
      throw UsageError("--strand, --exclude-flags and --min-mapq go with --bam: fragments have no strand or flags");
    Progress progress(*quiet);
    const CoverageStats s = make_coverage(*o);
    if (s.other_chrom > 0)
      progress.log(fmt::format("{} records on sequences the genome lacks were skipped", s.other_chrom));
    if (s.clipped > 0) progress.log(fmt::format("{} 5' ends shifted past a chromosome end were skipped", s.clipped));
    progress.log(fmt::format("{} of {} {} counted ({} filtered) in {:.2f} s: {:.0f} records/s -> {}", s.counted,
                             s.records, o->bam.empty() ? "fragments" : "reads", s.filtered, s.seconds,
                             static_cast<double>(s.records) / std::max(s.seconds, 1e-9),
                             s.outputs.size() == 1 ? s.outputs[0].string()
                                                   : s.outputs[0].string() + ", " + s.outputs[1].string()));
  });
}

}  // namespace dnacnn::app

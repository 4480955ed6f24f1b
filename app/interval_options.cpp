// --bed/--genome input for train and evaluate: intervals over a reference genome instead of --data.
// --target-col and --length are the input options' own (cli_common.cpp); with --bed they name a BED
// column and the window length.
#include "commands.hpp"
#include "dnacnn/core/error.hpp"

namespace dnacnn::app {

void add_interval_options(CLI::App& cmd, IntervalDataOptions& o, bool training) {
  cmd.add_option("--bed", o.beds, "BED file(s) of intervals (instead of --data); with --negatives: the positives")
      ->check(CLI::ExistingFile);
  cmd.add_option("--genome", o.genome, "Reference FASTA for --bed, plain or bgzip (.fai built when missing)");
  cmd.add_option("--negatives", o.negatives,
                 "Binary labels (--task binary): the intervals are positives (1) against generated negatives (0) "
                 "placed uniformly (shuffle), beside them (flank) or matching their GC content (gc-matched)")
      ->check(CLI::IsMember({"shuffle", "flank", "gc-matched"}));
  cmd.add_option("--neg-ratio", o.negative_ratio, "Negatives per positive")->check(CLI::PositiveNumber);
  cmd.add_option("--neg-seed", o.negative_seed, "Seed for placing the negatives");
  cmd.add_option("--bigwig", o.bigwigs,
                 "bigWig track(s) whose values over each window are the targets (regression, one per track), "
                 "repeatable; PLUS.bw,MINUS.bw: a stranded pair (two targets, NAME+ and NAME-)");
  cmd.add_option("--bam", o.bams,
                 "Reads (BAM/SAM/CRAM sorted by position) whose coverage is a target track, as `dnacnn coverage` "
                 "makes it with the options below, then read as a --bigwig track (named after the file; with "
                 "--strand NAME+ and NAME-), repeatable; a run keeps the tracks in RUN/coverage")
      ->delimiter(',');
  add_counting_options(cmd, o.coverage, "With --bam");
  cmd.add_option("--target", o.aggregate, "With --bigwig/--bam: one value per track and window, the sum, mean or max of "
                                          "its per-base values (gaps and NaN count as 0)")
      ->check(CLI::IsMember({"sum", "mean", "max"}))
      ->capture_default_str();
  cmd.add_option("--output-length", o.output_length,
                 "With --bigwig/--bam: take the values over the window's central N bases (0: the whole window)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_flag("--profile", o.profile,
               "With --bigwig: per-base targets over the central --output-length bases, one profile per track "
               "(profile models: --model bpnet or a spec ending in a profile_head; implies --loss multinomial)");
  CLI::Option* target_col = cmd.get_option("--target-col");
  target_col->description(target_col->get_description() +
                          "; with --bed: one BED column, a number from 4 or a name (score, signalValue, ...)");
  if (!training) return;
  CLI::Option* length = cmd.get_option("--length");
  length->description(length->get_description() +
                      "; with --bed: window length centred on each interval (0: the intervals' common width)");
  cmd.add_option("--val-chroms", o.val_chroms, "With --bed: chromosomes held out for validation (comma-separated)")
      ->delimiter(',');
  cmd.add_option("--test-chroms", o.test_chroms, "With --bed: chromosomes held out for testing (comma-separated)")
      ->delimiter(',');
}

void add_region_options(CLI::App& cmd, std::vector<std::filesystem::path>& beds, std::filesystem::path& genome) {
  cmd.add_option("--bed", beds,
                 "BED or narrowPeak regions (instead of --in): windows of the model's length centred on each "
                 "(on the summit when given), ids chr:start-end")
      ->check(CLI::ExistingFile);
  cmd.add_option("--genome", genome, "Reference FASTA or 2bit: --bed's sequences; with --bigwig the chromosome sizes");
}

void check_interval_options(const CLI::App& cmd, const IntervalDataOptions& o) {
  if (o.bams.empty())
    for (const std::string& flag : counting_flags())
      if (cmd.count(flag)) throw UsageError(flag + " goes with --bam: it says how the reads are counted");
  if (o.has_signal()) return;
  for (const char* flag : {"--target", "--output-length", "--profile"})
    if (cmd.count(flag))
      throw UsageError(std::string(flag) + " goes with --bigwig (a BED column's targets are --target-col)");
}

Task task_for_input(const IntervalDataOptions& intervals, Task task, bool task_given) {
  if (intervals.negatives.empty()) return task;
  if (task_given && task != Task::binary)
    throw UsageError("--negatives makes binary labels (1 for the intervals, 0 for the negatives): it takes --task "
                     "binary, not --task " + std::string(task_name(task)));
  return Task::binary;
}

}  // namespace dnacnn::app

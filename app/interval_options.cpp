// --bed/--genome input for train and evaluate: intervals over a reference genome instead of a table.
#include "commands.hpp"
#include "dnacnn/error.hpp"

namespace dnacnn::app {

void add_interval_options(CLI::App& cmd, IntervalDataOptions& o, bool training) {
  cmd.add_option("--bed", o.beds, "BED file(s) of intervals (instead of --data); with --negatives: the positives")
      ->check(CLI::ExistingFile);
  cmd.add_option("--genome", o.genome, "Reference FASTA for --bed, plain or bgzip (.fai built when missing)");
  cmd.add_option("--negatives", o.negatives,
                 "Binary labels: the intervals are positives (1) against generated negatives (0) placed "
                 "uniformly (shuffle), beside them (flank) or matching their GC content (gc-matched)")
      ->check(CLI::IsMember({"shuffle", "flank", "gc-matched"}));
  cmd.add_option("--neg-ratio", o.negative_ratio, "Negatives per positive")->check(CLI::PositiveNumber);
  cmd.add_option("--neg-seed", o.negative_seed, "Seed for placing the negatives");
  if (!training) return;
  cmd.add_option("--length", o.length, "With --bed: bases per sequence, centred on each interval (default: their width)")
      ->check(CLI::PositiveNumber);
  cmd.add_option("--val-chroms", o.val_chroms, "With --bed: chromosomes held out for validation (comma-separated)")
      ->delimiter(',');
  cmd.add_option("--test-chroms", o.test_chroms, "With --bed: chromosomes held out for testing (comma-separated)")
      ->delimiter(',');
}

SequenceData read_input_data(const std::string& data, const TableOptions& table, IntervalDataOptions intervals) {
  if (data.empty() == intervals.beds.empty())
    throw UsageError("give either --data TABLE or --bed BED --genome FASTA");
  if (!data.empty()) {
    if (!intervals.genome.empty() || !intervals.negatives.empty() || !intervals.val_chroms.empty() ||
        !intervals.test_chroms.empty())
      throw UsageError("--genome, --negatives, --val-chroms and --test-chroms go with --bed, not --data");
    return read_sequence_table(data, table);
  }
  intervals.target_col = table.target_col;
  return read_interval_data(intervals);
}

}  // namespace dnacnn::app

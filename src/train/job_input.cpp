// A training job's input: reading it (a table, FASTA or BED intervals) and checking, on resume,
// that it has not changed. Torch-free: bad input is refused before LibTorch loads.
#include "dnacnn/core/error.hpp"
#include "dnacnn/data/signal.hpp"
#include "dnacnn/io/genome.hpp"
#include "dnacnn/train/run.hpp"
#include "dnacnn/train/train_job.hpp"

namespace dnacnn {

SequenceData read_input_data(const std::string& data, const TableOptions& table, IntervalDataOptions intervals) {
  if (data.empty() == intervals.beds.empty()) throw UsageError("give either --data FILE or --bed BED --genome FASTA");
  if (!data.empty()) {
    if (!intervals.genome.empty() || !intervals.negatives.empty() || !intervals.val_chroms.empty() ||
        !intervals.test_chroms.empty() || intervals.has_signal())
      throw UsageError("--genome, --negatives, --bigwig, --bam, --val-chroms and --test-chroms go with --bed, not --data");
    return read_sequence_table(data, table);
  }
  if (!table.labels.empty() || !table.split_col.empty())
    throw UsageError("--labels and --split-col go with --data; with --bed the split is --val-chroms/--test-chroms");
  if (table.target_cols.size() > 1)
    throw UsageError("--bed takes one --target-col (a BED column), got " + std::to_string(table.target_cols.size()));
  if (!table.target_cols.empty()) intervals.target_col = table.target_cols.front();
  if (intervals.length == 0) intervals.length = table.length;
  return read_interval_data(intervals);
}

std::string input_md5(const TrainJob& job) {
  if (job.intervals.beds.empty()) return file_md5(job.data);
  std::string md5s;
  for (const auto& bed : job.intervals.beds) md5s += file_md5(bed) + ",";
  for (const auto& track : parse_bigwig_tracks(job.intervals.bigwigs)) md5s += file_md5(track.file) + ",";
  for (const auto& bam : job.intervals.bams) md5s += file_md5(bam) + ",";  // (not RUN/coverage's tracks)
  return md5s + file_md5(io::Genome(job.intervals.genome).fingerprint_file());
}

SequenceData read_job_input(const TrainJob& job) {
  const bool intervals = !job.intervals.beds.empty();
  const auto changed = [&] {
    return Error(intervals ? "the BED files or the genome's index changed since the run started, or a --bigwig or "
                             "--bam file did (MD5 differs); resuming needs the same input"
                           : "the data changed since the run started (MD5 differs); resuming needs the same file",
                 {job.data.string()});
  };
  // With --bam checked first: a changed BAM would otherwise have its coverage made again over the run's.
  if (!job.intervals.bams.empty() && input_md5(job) != job.data_md5) throw changed();
  SequenceData data = read_input_data(intervals ? "" : job.data.string(), job.table, job.intervals);
  if (input_md5(job) != job.data_md5) throw changed();
  return data;
}

}  // namespace dnacnn

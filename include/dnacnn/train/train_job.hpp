// A training job end to end, as `dnacnn train` runs it: read the input (a table/FASTA file or BED
// intervals), train from scratch or from a run's checkpoint with Ctrl-C handled, then write the
// run directory and its report. In a --distributed group every rank trains and rank 0 writes.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "dnacnn/train/checkpoint.hpp"
#include "dnacnn/data/intervals.hpp"
#include "dnacnn/io/table.hpp"
#include "dnacnn/core/progress.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {

class Communicator;

// The data of train/evaluate: `data` read with `table`, or when `data` is empty the BED intervals
// (table.target_cols: the BED column; intervals.length, else table.length: the window length).
// UsageError unless exactly one of them is given, or for options of the other kind.
SequenceData read_input_data(const std::string& data, const TableOptions& table, IntervalDataOptions intervals);

// What must not change between a run's start and its resumption: the MD5 of the data file, or of
// the BED files plus the genome's .fai index (names and lengths; hashing a genome costs seconds).
std::string input_md5(const TrainJob& job);

// The job's input read again for a resume; an Error when it changed since the run started.
SequenceData read_job_input(const TrainJob& job);

// Trains `job` on `data` (continuing from `resume` when given) into the run directory `out`,
// checkpointing every epoch; Ctrl-C/SIGTERM save after the current batch and throw. Then, unless
// this is a rank other than 0 of `comm`'s group, writes the run (metrics, predictions, model) and
// RUN/report.html. `device` overrides the job's device for this process (a rank's own GPU).
TrainResult run_train_job(const std::filesystem::path& out, const TrainJob& job, const SequenceData& data,
                          std::optional<TrainCheckpoint> resume, Progress& progress, Communicator* comm = nullptr,
                          const std::string& device = "");

}  // namespace dnacnn

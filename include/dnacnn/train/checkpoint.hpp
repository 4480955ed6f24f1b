// Training checkpoints: everything needed to continue a run exactly where it stopped (weights,
// optimiser state, random generator states, history), in one file written atomically, so a run
// killed at any moment resumes from its last complete checkpoint. Pure data: safetensors tensors
// plus a JSON state in the header's metadata; reading it never runs code.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/data/intervals.hpp"
#include "dnacnn/io/safetensors.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {

// Where training stands. `next_epoch` is the epoch to run next (epochs + 1 when done) and
// `batch_offset` how many of its shuffled training rows are already done (non-zero only when the
// run was interrupted mid-epoch).
struct TrainCheckpoint {
  int next_epoch = 1;
  std::int64_t batch_offset = 0;
  double partial_sse = 0;      // summed loss of next_epoch's finished batches
  double partial_seconds = 0;  // time spent in them
  std::array<std::uint64_t, 4> batch_rng{};  // batch-order generator before next_epoch's shuffle
  std::array<std::uint64_t, 4> rc_rng{};     // --rc-augment's generator before next_epoch's flips
  std::string torch_rng;                     // LibTorch's CPU generator state, hex
  std::vector<EpochRecord> history;
  double train_seconds = 0;  // training time of the finished epochs
  EngineKind engine = EngineKind::torch;  // which engine trained it
  long optimizer_steps = 0;
  std::vector<io::NamedTensor> weights;    // model parameters: torch names and layouts
  std::vector<io::NamedTensor> optimizer;  // optimiser state (e.g. Adam moments)
  // The learning-rate schedule's and early stopping's state (null in checkpoints from before them),
  // and with --patience the best epoch's weights so far.
  nlohmann::json policy;
  std::vector<io::NamedTensor> best_weights;
};

// What `dnacnn train --resume RUN` needs to restart the same job: options, data, model name.
struct TrainJob {
  TrainOptions options;
  TableOptions table;
  std::filesystem::path data;  // absolute, so resuming works from any directory (--bed: the first BED)
  std::string data_md5;        // the data (--bed: the BEDs and the genome's .fai) must not change before a resume
  std::string name;
  std::string command_line;    // as first typed, for run.json
  nlohmann::json rule;         // scoring rule of simulated data, for the report (null: unknown)
  IntervalDataOptions intervals = {};  // --bed input (beds empty: `data` is a table or FASTA)
};

struct Checkpoint {
  TrainJob job;
  TrainCheckpoint state;
};

// RUN/checkpoint.safetensors
std::filesystem::path checkpoint_path(const std::filesystem::path& run_dir);
void write_checkpoint(const std::filesystem::path& run_dir, const Checkpoint& checkpoint);
// An Error naming the file when it is missing, damaged or from another format version.
Checkpoint read_checkpoint(const std::filesystem::path& run_dir);
// Removes temporary files a killed writer left behind in `dir` (".NAME.tmp-PID").
void remove_stale_temporaries(const std::filesystem::path& dir);

// Hands training state to disk: train_model calls save() after every epoch and when interrupted,
// and resumes from resume_state() when there is one.
class Checkpointer {
 public:
  Checkpointer(std::filesystem::path run_dir, TrainJob job, std::optional<TrainCheckpoint> resume = std::nullopt);
  ~Checkpointer();  // waits for a write in progress
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;
  const TrainCheckpoint* resume_state() const { return resume_ ? &*resume_ : nullptr; }
  // Writes `state` on a background thread: creating and renaming a file costs about a millisecond
  // here, a fifth of a notebook cnn epoch. Waits for the previous save first (they land in order)
  // and throws its Error, if it had one.
  void save(TrainCheckpoint state) const;
  // Returns when the last save is on disk; throws its Error.
  void flush() const;
  const std::filesystem::path& run_dir() const { return run_dir_; }

 private:
  std::filesystem::path run_dir_;
  TrainJob job_;
  std::optional<TrainCheckpoint> resume_;
  mutable std::future<void> writing_;
};

}  // namespace dnacnn

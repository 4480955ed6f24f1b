// Splitting work by input records over N processes or cluster jobs (--shard I/N) and joining
// their outputs (`dnacnn merge`) into the file one process would have written, byte for byte.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dnacnn/data/dataset.hpp"

namespace dnacnn {

// Rows that one CPU forward pass predicts together (see predict_in_batches). LibTorch's kernels
// round a row by its place among the rows of its forward pass, so a row's prediction is the same
// bits only when it is predicted in the same block of rows: blocks start at multiples of this.
inline constexpr std::int64_t kPredictBlockRows = 256;

// Shard `index` of `count`. predict's records go in blocks of `block` (record i belongs to shard
// (i / block) % count), each block one forward pass as in one process, so shards' predictions are
// one process's bit for bit. scan's genome chunks go one by one (owns: chunk i to shard i % count).
struct Shard {
  int index = 0;
  int count = 1;
  std::int64_t block = kPredictBlockRows;
  bool owns(std::int64_t item) const { return item % count == index; }
  bool owns_record(std::int64_t record) const { return (record / block) % count == index; }
};

// Share `part` of `count` items split into `parts` contiguous ranges, [begin, end): how a batch
// is split between threads or ranks.
struct Range {
  std::int64_t begin = 0, end = 0;
  std::int64_t size() const { return end - begin; }
};
Range share_of(std::int64_t count, int part, int parts);

// "I/N" (0 <= I < N), or "auto": RANK/WORLD_SIZE (dnacnn launch, torchrun), else SLURM_PROCID/
// SLURM_NTASKS (srun), else SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN / SLURM_ARRAY_TASK_COUNT.
// UsageError otherwise.
Shard parse_shard(const std::string& text);

// Where shard I/N of OUT goes: "OUT.shard-I-of-N".
std::filesystem::path shard_path(const std::filesystem::path& out, const Shard& shard);

// Keeps the rows of `batch` that `shard` owns, the first row being record `first_record`; returns
// the kept rows' 1-based record numbers (predict's id when the input has none).
std::vector<std::int64_t> keep_shard_rows(SequenceData& batch, std::int64_t first_record, const Shard& shard);

// The shard files of OUT ("OUT.shard-*-of-N"): every one of 0..N-1, in shard order. Error when
// there are none, or some are missing or from different N.
std::vector<std::filesystem::path> find_shards(const std::filesystem::path& out);

// Joins shard files (in shard order) into `out`. predict's tables: their common header line, then
// the records interleaved back into input order, `block` records of each shard in turn. scan's bedGraph tracks and tables (whole genome
// chunks per shard): the lines merged by (chrom, start), the order one process writes. Error when
// the headers differ, the record counts cannot come from one input, or a track is out of order.
struct MergeStats {
  std::int64_t records = 0;
  int shards = 0;
};
MergeStats merge_shards(const std::filesystem::path& out, const std::vector<std::filesystem::path>& shards,
                        std::int64_t block = kPredictBlockRows);

}  // namespace dnacnn

// --shard I/N and merge: which records a shard owns, where its file goes, the shares of a global
// batch, and merging back (including shard files that cannot be one input's).
#include "dnacnn/data/shard.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "dnacnn/train/distributed.hpp"
#include "dnacnn/core/error.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

TEST(Shard, ParsesIOverNAndRefusesOthers) {
  const Shard s = parse_shard("2/5");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 5);
  EXPECT_TRUE(s.owns(7));
  EXPECT_FALSE(s.owns(8));
  for (const char* bad : {"5/5", "-1/2", "1/0", "1", "a/b", "1/2/3", "", "0/99999999999"})
    EXPECT_THROW(parse_shard(bad), UsageError) << bad;
}

TEST(Shard, AutoReadsTheLauncherOrSlurm) {
  for (const char* v : {"RANK", "WORLD_SIZE", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_ARRAY_TASK_ID",
                        "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"})
    ::unsetenv(v);
  EXPECT_THROW(parse_shard("auto"), UsageError);
  ::setenv("SLURM_ARRAY_TASK_ID", "4", 1);
  ::setenv("SLURM_ARRAY_TASK_MIN", "3", 1);
  ::setenv("SLURM_ARRAY_TASK_COUNT", "2", 1);
  EXPECT_EQ(parse_shard("auto").index, 1);
  ::setenv("RANK", "0", 1);
  ::setenv("WORLD_SIZE", "3", 1);
  EXPECT_EQ(parse_shard("auto").count, 3);  // the launcher's variables come first
  ::setenv("RANK", "3", 1);
  EXPECT_THROW(parse_shard("auto"), UsageError);
  for (const char* v : {"RANK", "WORLD_SIZE", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"})
    ::unsetenv(v);
}

TEST(Shard, KeepsEveryNthRecordAcrossBatches) {
  SequenceData batch;
  batch.seqs = {"A", "C", "G", "T", "AA"};
  batch.ids = {"a", "c", "g", "t", "aa"};
  batch.lines = {2, 3, 4, 5, 6};
  batch.targets = {0, 1, 2, 3, 4};
  // Records 10..14 in blocks of one record: shard 1 of 3 owns 10 and 13.
  const std::vector<std::int64_t> numbers = keep_shard_rows(batch, 10, {1, 3, 1});
  EXPECT_EQ(numbers, (std::vector<std::int64_t>{11, 14}));
  EXPECT_EQ(batch.seqs, (std::vector<std::string>{"A", "T"}));
  EXPECT_EQ(batch.ids, (std::vector<std::string>{"a", "t"}));
  EXPECT_EQ(batch.lines, (std::vector<long>{2, 5}));
  EXPECT_EQ(batch.targets, (std::vector<float>{0, 3}));
}

TEST(Shard, KeepsWholeBlocksOfRecords) {
  EXPECT_EQ(Shard{}.block, kPredictBlockRows);  // a CPU forward pass's rows
  const Shard second{1, 3, 4};
  for (std::int64_t r = 0; r < 24; ++r) EXPECT_EQ(second.owns_record(r), (r >= 4 && r < 8) || (r >= 16 && r < 20)) << r;
  SequenceData batch;
  batch.seqs = {"A", "C", "G", "T", "AA", "CC"};  // records 2..7: blocks 0 (2, 3) and 1 (4..7)
  const std::vector<std::int64_t> numbers = keep_shard_rows(batch, 2, second);
  EXPECT_EQ(numbers, (std::vector<std::int64_t>{5, 6, 7, 8}));
  EXPECT_EQ(batch.seqs, (std::vector<std::string>{"G", "T", "AA", "CC"}));
}

TEST(Shard, MergeInterleavesBlocks) {
  const TempDir dir;
  const fs::path out = dir / "p.tsv";
  // 7 records in blocks of 2 over 2 shards: 1 2 | 3 4 | 5 6 | 7.
  test::write_file(shard_path(out, {0, 2}), "id\n1\n2\n5\n6\n");
  test::write_file(shard_path(out, {1, 2}), "id\n3\n4\n7\n");
  EXPECT_EQ(merge_shards(out, find_shards(out), 2).records, 7);
  EXPECT_EQ(test::read_file(out), "id\n1\n2\n3\n4\n5\n6\n7\n");
  test::write_file(shard_path(out, {1, 2}), "id\n3\n4\n7\n8\n9\n");  // a block after shard 0 ended
  EXPECT_THROW_MSG(merge_shards(out, find_shards(out), 2), Error, "more records than shard 0");
  test::write_file(shard_path(out, {0, 2}), "id\n1\n2\n5\n6\n9\n");
  test::write_file(shard_path(out, {1, 2}), "id\n3\n4\n7\n");  // shard 1 ran short, shard 0 goes on
  EXPECT_THROW_MSG(merge_shards(out, find_shards(out), 2), Error, "records left after the other shards ended");
}

TEST(Shard, SharesOfABatchCoverItOnce) {
  for (std::int64_t n : {0, 1, 7, 15, 32})
    for (int parts : {1, 2, 3, 5}) {
      std::int64_t next = 0;
      for (int p = 0; p < parts; ++p) {
        const Range r = share_of(n, p, parts);
        EXPECT_EQ(r.begin, next);
        EXPECT_LE(r.size(), n / parts + 1);
        next = r.end;
      }
      EXPECT_EQ(next, n);
    }
}

TEST(Shard, MergeInterleavesAndChecksTheShards) {
  const TempDir dir;
  const fs::path out = dir / "p.tsv";
  test::write_file(shard_path(out, {0, 2}), "id\tscore\n1\t0.5\n3\t0.7\n5\t0.9\n");
  test::write_file(shard_path(out, {1, 2}), "id\tscore\n2\t0.6\n4\t0.8\n");
  const MergeStats stats = merge_shards(out, find_shards(out), 1);
  EXPECT_EQ(stats.records, 5);
  EXPECT_EQ(test::read_file(out), "id\tscore\n1\t0.5\n2\t0.6\n3\t0.7\n4\t0.8\n5\t0.9\n");

  test::write_file(shard_path(out, {1, 2}), "id\tscore\n2\t0.6\n");  // one short
  EXPECT_THROW(merge_shards(out, find_shards(out), 1), Error);
  test::write_file(shard_path(out, {1, 2}), "id\tscore\n2\t0.6\n4\t0.8\n6\t1\n8\t1\n");  // too long
  EXPECT_THROW(merge_shards(out, find_shards(out), 1), Error);
  test::write_file(shard_path(out, {1, 2}), "id\tother\n2\t0.6\n4\t0.8\n");  // another header
  EXPECT_THROW(merge_shards(out, find_shards(out), 1), Error);
  test::write_file(shard_path(out, {1, 2}), "id\tscore\n2\t0.6\n4\t0.8");  // unfinished
  EXPECT_THROW(merge_shards(out, find_shards(out), 1), Error);
  EXPECT_THROW(merge_shards(out, {shard_path(out, {1, 2}), shard_path(out, {0, 2})}, 1), UsageError);
  test::write_file(shard_path(out, {0, 3}), "id\tscore\n");  // a stale shard of another split
  EXPECT_THROW(find_shards(out), Error);
  EXPECT_THROW(find_shards(dir / "none.tsv"), Error);
}

}  // namespace
}  // namespace dnacnn

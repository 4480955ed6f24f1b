// Checkpoint files: every field survives the round trip bit for bit; damaged files are Errors.
#include "dnacnn/train/checkpoint.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "dnacnn/core/error.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

Checkpoint example() {
  Checkpoint c;
  c.job.options.arch = "deepcnn";
  c.job.options.hparams = {{"filters", 8}, {"dropout", 0.3}};
  c.job.options.epochs = 12;
  c.job.options.lr = 0.1 + 0.2;  // not a short decimal: must round-trip exactly
  c.job.options.seed = 18446744073709551615ull;
  c.job.options.optimizer = Optimizer::adam;
  c.job.options.task = Task::binary;
  c.job.options.pos_weight = 2.5;
  c.job.options.rc_augment = true;
  c.job.options.pad = "left";
  c.job.table.target_cols = {"expr", "bound"};
  c.job.table.format = "fasta";
  c.job.table.labels = "/data/labels.tsv";
  c.job.table.split_col = "fold";
  c.job.table.length = 200;
  c.job.table.pad = Pad::left;
  c.job.intervals.beds = {"/data/peaks a.bed", "/data/more.bed"};
  c.job.intervals.genome = "/data/hg38.fa.gz";
  c.job.intervals.length = 500;
  c.job.intervals.negatives = "gc-matched";
  c.job.intervals.negative_ratio = 2.5;
  c.job.intervals.negative_seed = 99;
  c.job.intervals.val_chroms = {"chr8"};
  c.job.intervals.test_chroms = {"chr9", "chrX"};
  c.job.data = "/data/x y.tsv";
  c.job.data_md5 = "0123456789abcdef0123456789abcdef";
  c.job.name = "mine";
  c.job.command_line = "dnacnn train --data 'x y.tsv'";
  c.state.next_epoch = 4;
  c.state.batch_offset = 640;
  c.state.partial_sse = 1234.5678901234567;
  c.state.partial_seconds = 0.25;
  c.state.batch_rng = {1, 2, 0xffffffffffffffffull, 4};
  c.state.rc_rng = {5, 0xfffffffffffffffeull, 7, 8};
  c.state.torch_rng = "00ff10";
  c.state.history = {{1, 3.5, std::numeric_limits<double>::quiet_NaN(), 0.5}, {2, 1.0 / 3.0, 0.25, 0.75}};
  c.state.train_seconds = 1.25;
  c.state.engine = EngineKind::fused;
  c.state.optimizer_steps = 77;
  c.state.weights = {{"conv.weight", {2, 4, 3}, std::vector<float>(24, 0.5f)}, {"conv.bias", {2}, {1e-30f, -0.0f}}};
  c.state.optimizer = {{"conv.weight.m", {24}, std::vector<float>(24, -1.5f)}};
  return c;
}

TEST(Checkpoint, RoundTripsEveryField) {
  TempDir dir;
  const Checkpoint c = example();
  write_checkpoint(dir.path(), c);
  const Checkpoint r = read_checkpoint(dir.path());
  EXPECT_EQ(r.job.options.arch, "deepcnn");
  EXPECT_EQ(r.job.options.hparams, c.job.options.hparams);
  EXPECT_EQ(r.job.options.epochs, 12);
  EXPECT_EQ(r.job.options.lr, c.job.options.lr);
  EXPECT_EQ(r.job.options.seed, c.job.options.seed);
  EXPECT_EQ(r.job.options.optimizer, Optimizer::adam);
  EXPECT_EQ(r.job.options.task, Task::binary);
  EXPECT_EQ(r.job.options.pos_weight, 2.5);
  EXPECT_TRUE(r.job.options.rc_augment);
  EXPECT_EQ(r.job.options.pad, "left");
  EXPECT_EQ(r.job.table.target_cols, (std::vector<std::string>{"expr", "bound"}));
  EXPECT_EQ(r.job.table.format, "fasta");
  EXPECT_EQ(r.job.table.labels, c.job.table.labels);
  EXPECT_EQ(r.job.table.split_col, "fold");
  EXPECT_EQ(r.job.table.length, 200);
  EXPECT_EQ(r.job.table.pad, Pad::left);
  EXPECT_EQ(r.job.intervals.beds, c.job.intervals.beds);
  EXPECT_EQ(r.job.intervals.genome, c.job.intervals.genome);
  EXPECT_EQ(r.job.intervals.length, 500);
  EXPECT_EQ(r.job.intervals.negatives, "gc-matched");
  EXPECT_EQ(r.job.intervals.negative_ratio, 2.5);
  EXPECT_EQ(r.job.intervals.negative_seed, 99u);
  EXPECT_EQ(r.job.intervals.val_chroms, c.job.intervals.val_chroms);
  EXPECT_EQ(r.job.intervals.test_chroms, c.job.intervals.test_chroms);
  EXPECT_EQ(r.job.data, c.job.data);
  EXPECT_EQ(r.job.data_md5, c.job.data_md5);
  EXPECT_EQ(r.job.name, "mine");
  EXPECT_EQ(r.job.command_line, c.job.command_line);
  EXPECT_EQ(r.state.next_epoch, 4);
  EXPECT_EQ(r.state.batch_offset, 640);
  EXPECT_EQ(r.state.partial_sse, c.state.partial_sse);
  EXPECT_EQ(r.state.batch_rng, c.state.batch_rng);
  EXPECT_EQ(r.state.rc_rng, c.state.rc_rng);
  EXPECT_EQ(r.state.torch_rng, "00ff10");
  ASSERT_EQ(r.state.history.size(), 2u);
  EXPECT_TRUE(std::isnan(r.state.history[0].val_loss));
  EXPECT_EQ(r.state.history[1].train_loss, 1.0 / 3.0);
  EXPECT_EQ(r.state.engine, EngineKind::fused);
  EXPECT_EQ(r.state.optimizer_steps, 77);
  ASSERT_EQ(r.state.weights.size(), 2u);  // by name (safetensors headers are JSON objects: sorted)
  EXPECT_EQ(r.state.weights[0].name, "conv.bias");
  EXPECT_EQ(r.state.weights[0].values, c.state.weights[1].values);
  EXPECT_TRUE(std::signbit(r.state.weights[0].values[1]));
  EXPECT_EQ(r.state.weights[1].name, "conv.weight");
  EXPECT_EQ(r.state.weights[1].shape, (std::vector<std::int64_t>{2, 4, 3}));
  ASSERT_EQ(r.state.optimizer.size(), 1u);
  EXPECT_EQ(r.state.optimizer[0].name, "conv.weight.m");
  EXPECT_EQ(test::list_dir(dir.path()), std::vector<std::string>{"checkpoint.safetensors"});
}

TEST(Checkpoint, DamagedOrForeignFilesAreLocatedErrors) {
  TempDir dir;
  EXPECT_THROW_MSG(read_checkpoint(dir / "missing"), Error, "no such run directory");
  EXPECT_THROW_MSG(read_checkpoint(dir.path()), Error, "no checkpoint to resume from");
  // A model's weights file is safetensors too, but not a checkpoint.
  io::write_safetensors(checkpoint_path(dir.path()), {{"conv.bias", {1}, {1}}}, {{"format", "pt"}});
  EXPECT_THROW_MSG(read_checkpoint(dir.path()), Error, "not a dnacnn checkpoint");
  io::write_safetensors(checkpoint_path(dir.path()), {}, {{"format", "dnacnn-checkpoint"}, {"version", "99"}});
  EXPECT_THROW_MSG(read_checkpoint(dir.path()), Error, "version '99' is not supported");
  io::write_safetensors(checkpoint_path(dir.path()), {},
                        {{"format", "dnacnn-checkpoint"}, {"version", "1"}, {"job", "{}"}, {"state", "[1"}});
  EXPECT_THROW_MSG(read_checkpoint(dir.path()), Error, checkpoint_path(dir.path()).string() + ": invalid checkpoint");
  write_checkpoint(dir.path(), example());
  const std::string bytes = test::read_file(checkpoint_path(dir.path()));
  test::write_file(checkpoint_path(dir.path()), bytes.substr(0, bytes.size() - 10));
  EXPECT_THROW_MSG(read_checkpoint(dir.path()), Error, "invalid weights file");
}

TEST(Checkpoint, StaleTemporariesOfAKilledWriterAreRemoved) {
  TempDir dir;
  test::write_file(dir / ".checkpoint.safetensors.tmp-12345", "half");
  test::write_file(dir / "history.tsv", "keep");
  test::write_file(dir / ".hidden", "keep");
  remove_stale_temporaries(dir.path());
  EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{".hidden", "history.tsv"}));
}

}  // namespace
}  // namespace dnacnn

// Simulated k-mer data sets: size, order, scores, noise and the TSV writer.
#include "dnacnn/data/simulate.hpp"
#include "dnacnn/data/scoring_rule.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "dnacnn/core/error.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

TEST(Simulate, NotebookDataHas65536ScoredEightMers) {
  const SequenceData d = simulate_kmers({});
  ASSERT_EQ(d.size(), 65536);
  ASSERT_EQ(d.targets.size(), 65536u);
  EXPECT_EQ(d.common_length(), 8);
  EXPECT_EQ(d.target_names, std::vector<std::string>{"score"});
  EXPECT_TRUE(d.ids.empty());
  EXPECT_EQ(d.seqs.front(), "AAAAAAAA");
  EXPECT_EQ(d.seqs.back(), "TTTTTTTT");
  const ScoringRule rule = ScoringRule::notebook();
  for (std::size_t i = 0; i < d.seqs.size(); ++i) {
    ASSERT_EQ(d.seqs[i], kmer_at(i, 8));
    ASSERT_EQ(d.targets[i], static_cast<float>(rule.score(d.seqs[i]))) << d.seqs[i];
  }
  // Spot values from the notebook's table.
  EXPECT_FLOAT_EQ(d.targets[0], 20.0f);                 // AAAAAAAA
  EXPECT_FLOAT_EQ(d.targets[65535], 11.0f);             // TTTTTTTT
  EXPECT_FLOAT_EQ(d.targets[0b1100110000000000], 27.75f);  // TATAAAAA
}

TEST(Simulate, RowsForSmallK) {
  SimulateOptions o;
  o.k = 3;
  const SequenceData d = simulate_kmers(o);
  EXPECT_EQ(d.size(), 64);
  EXPECT_EQ(d.seqs, all_kmers(3));
  // Line numbers are those of the equivalent TSV (header on line 1).
  EXPECT_EQ(d.lines.front(), 2);
  EXPECT_EQ(d.lines.back(), 65);
}

TEST(Simulate, NoiseIsSeededAndGaussian) {
  SimulateOptions clean;
  SimulateOptions noisy;
  noisy.noise = 2.0;
  noisy.seed = 5;
  SimulateOptions same = noisy;
  SimulateOptions other = noisy;
  other.seed = 6;
  const SequenceData c = simulate_kmers(clean);
  const SequenceData a = simulate_kmers(noisy);
  const SequenceData b = simulate_kmers(same);
  const SequenceData o = simulate_kmers(other);
  EXPECT_EQ(a.targets, b.targets);  // same seed: identical
  EXPECT_NE(a.targets, o.targets);  // other seed: different
  EXPECT_NE(a.targets, c.targets);  // noise changes scores
  EXPECT_EQ(a.seqs, c.seqs);        // but not the sequences
  // The differences look like N(0, 2^2).
  double sum = 0, sum2 = 0;
  std::size_t changed = 0;
  for (std::size_t i = 0; i < c.targets.size(); ++i) {
    const double d = static_cast<double>(a.targets[i]) - c.targets[i];
    sum += d;
    sum2 += d * d;
    changed += d != 0;
  }
  const double n = static_cast<double>(c.targets.size());
  EXPECT_GT(changed, c.targets.size() * 99 / 100);
  EXPECT_NEAR(sum / n, 0.0, 0.05);
  EXPECT_NEAR(std::sqrt(sum2 / n - (sum / n) * (sum / n)), 2.0, 0.05);
}

TEST(Simulate, SeedIsIgnoredWithoutNoise) {
  SimulateOptions a, b;
  a.k = b.k = 4;
  b.seed = 12345;
  EXPECT_EQ(simulate_kmers(a).targets, simulate_kmers(b).targets);
}

TEST(Simulate, ValidateRejectsBadOptions) {
  SimulateOptions o;
  o.k = 0;
  EXPECT_THROW(simulate_kmers(o), UsageError);
  o.k = 13;
  EXPECT_THROW(simulate_kmers(o), UsageError);
  o.k = 4;
  o.noise = -1;
  EXPECT_THROW(simulate_kmers(o), UsageError);
  o.noise = std::nan("");
  EXPECT_THROW(o.validate(), UsageError);
  o.noise = 0;
  EXPECT_NO_THROW(o.validate());
}

TEST(Simulate, WriteTsvMatchesInMemoryData) {
  TempDir dir;
  const auto path = dir / "kmers.tsv";
  write_simulated_kmers(path, {});
  const auto lines = test::read_lines(path);
  ASSERT_EQ(lines.size(), 65537u);
  EXPECT_EQ(lines[0], "seq\tscore");
  EXPECT_EQ(lines[1], "AAAAAAAA\t20");
  // Read back through the table reader: identical sequences and (float) scores.
  const SequenceData from_file = read_sequence_table(path);
  const SequenceData in_memory = simulate_kmers({});
  EXPECT_EQ(from_file.seqs, in_memory.seqs);
  EXPECT_EQ(from_file.targets, in_memory.targets);
  // No temp file left; the rule that scored the rows sits next to them.
  EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{"kmers.rule.json", "kmers.tsv"}));
  EXPECT_EQ(load_scoring_rule((dir / "kmers.rule.json").string()).motifs.size(), 2u);
}

TEST(Simulate, WriteTsvWithNoiseIsDeterministic) {
  TempDir dir;
  SimulateOptions o;
  o.k = 5;
  o.noise = 1;
  o.seed = 3;
  write_simulated_kmers(dir / "a.tsv", o);
  write_simulated_kmers(dir / "b.tsv", o);
  o.seed = 4;
  write_simulated_kmers(dir / "c.tsv", o);
  EXPECT_EQ(test::read_file(dir / "a.tsv"), test::read_file(dir / "b.tsv"));
  EXPECT_NE(test::read_file(dir / "a.tsv"), test::read_file(dir / "c.tsv"));
  o.seed = 3;
  EXPECT_EQ(read_sequence_table(dir / "a.tsv").targets, simulate_kmers(o).targets);
}

TEST(Simulate, WriteToMissingDirectoryIsError) {
  TempDir dir;
  EXPECT_THROW(write_simulated_kmers(dir / "no" / "such" / "x.tsv", {}), Error);
}

TEST(Simulate, WriteSequenceTableRoundTrip) {
  TempDir dir;
  SequenceData d;
  d.source = "test";
  d.ids = {"r1", "r2"};
  d.seqs = {"ACGT", "NNAA"};
  d.targets = {1.5f, -0.25f};
  d.target_names = {"expr"};
  d.lines = {1, 2};
  write_sequence_table(dir / "t.tsv", d);
  EXPECT_EQ(test::read_file(dir / "t.tsv"), "id\tseq\texpr\nr1\tACGT\t1.5\nr2\tNNAA\t-0.25\n");
  const SequenceData back = read_sequence_table(dir / "t.tsv");
  EXPECT_EQ(back.ids, d.ids);
  EXPECT_EQ(back.seqs, d.seqs);
  EXPECT_EQ(back.targets, d.targets);
  EXPECT_EQ(back.target_names, std::vector<std::string>{"expr"});
}

}  // namespace
}  // namespace dnacnn

// Training data from BED intervals over a genome: resizing, targets, N padding, unknown names,
// chromosome hold-out and generated negatives.
#include "dnacnn/data/intervals.hpp"

#include <gtest/gtest.h>

#include <set>

#include "dnacnn/io/genome.hpp"
#include "genome_fixture.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

TEST(Intervals, CentredResizing) {
  EXPECT_EQ(centred({"c", 100, 200}, 50).start, 125);
  EXPECT_EQ(centred({"c", 100, 200}, 50).end, 175);
  EXPECT_EQ(centred({"c", 100, 101}, 4).start, 98);  // odd widths: floor of the midpoint
  EXPECT_EQ(centred({"c", 0, 10}, 30).start, -10);    // may hang off the start
  EXPECT_EQ(interval_id({"chr1", 5, 9}), "chr1:5-9");
}

struct IntervalFixture : ::testing::Test {
  TempDir dir;
  test::TestGenome genome = test::write_test_genome(dir.path(), true);
  IntervalDataOptions options(const std::string& bed_text) {
    test::write_file(dir / "r.bed", bed_text);
    IntervalDataOptions o;
    o.beds = {dir / "r.bed"};
    o.genome = genome.fasta;
    return o;
  }
};

TEST_F(IntervalFixture, TargetsFromABedColumnAndSequencesFromTheGenome) {
  IntervalDataOptions o = options("chr1\t100\t140\tp1\t7\t+\t1.5\nchr2\t1180\t1220\tp2\t3\t-\t2.5\nchr3\t0\t40\tp3\t1\t+\t0\n");
  o.target_col = "signalValue";
  o.length = 20;
  const SequenceData d = read_interval_data(o);
  ASSERT_EQ(d.size(), 3);
  EXPECT_EQ(d.target_names.front(), "signalValue");
  EXPECT_EQ(d.targets, (std::vector<float>{1.5f, 2.5f, 0.0f}));
  EXPECT_EQ(d.ids[0], "chr1:110-130");
  EXPECT_EQ(d.seqs[0], genome.seqs.at("chr1").substr(110, 20));
  // Off the end of chr2 (1,200 bp): the window 1190-1210 ends in ten Ns.
  EXPECT_EQ(d.seqs[1], genome.seqs.at("chr2").substr(1190) + std::string(10, 'N'));
  EXPECT_EQ(d.lines, (std::vector<long>{1, 2, 3}));
  EXPECT_TRUE(d.given_split.empty());
  o.target_col = "5";
  EXPECT_EQ(read_interval_data(o).targets, (std::vector<float>{7, 3, 1}));
}

TEST_F(IntervalFixture, WithoutLengthTheWidthsMustAgree) {
  IntervalDataOptions o = options("chr1\t100\t150\tp\t1\nchr1\t300\t350\tq\t2\n");
  o.target_col = "score";
  EXPECT_EQ(read_interval_data(o).common_length(), 50);
  o = options("chr1\t100\t150\tp\t1\nchr1\t300\t330\tq\t2\n");
  o.target_col = "score";
  EXPECT_THROW_MSG(read_interval_data(o), UsageError, "different widths (30 bp (1), 50 bp (1)); give --length");
}

TEST_F(IntervalFixture, AnUnknownSequenceNameIsAnErrorNamingIt) {
  IntervalDataOptions o = options("chr1\t100\t150\tp\t1\nchrZ\t1\t50\tq\t2\n");
  o.target_col = "score";
  EXPECT_THROW_MSG(read_interval_data(o), Error, (dir / "r.bed").string() + ":2:1: sequence 'chrZ' is not in the genome");
}

// An interval wholly past its chromosome's end (another assembly, or a typo) or wider than any
// model's input is a located error, not a window of billions of Ns (the fuzz campaign's timeout).
TEST_F(IntervalFixture, IntervalsPastTheEndOrTooWideAreErrors) {
  IntervalDataOptions o = options("chr1\t100\t150\tp\t1\nchr2\t1200\t1250\tq\t2\n");  // chr2: 1,200 bp
  o.target_col = "score";
  EXPECT_THROW_MSG(read_interval_data(o), Error,
                   (dir / "r.bed").string() + ":2:2: interval starts at 1200, past the end of 'chr2' (1200 bp)");
  o = options("chr1\t2\t2000000002\tp\t1\n");
  o.target_col = "score";
  EXPECT_THROW_MSG(read_interval_data(o), Error, ":1:2: interval is 2000000000 bp wide; dnacnn reads intervals up to 16777216 bp");
  o.length = kMaxIntervalWidth + 1;
  EXPECT_THROW_MSG(o.validate(), UsageError, "--length must be at most 16777216");
}

TEST_F(IntervalFixture, BadTargetsAreLocatedErrors) {
  IntervalDataOptions o = options("chr1\t100\t150\tp\tabc\n");
  o.target_col = "score";
  EXPECT_THROW_MSG(read_interval_data(o), Error, ":1: column 5 ('score') is not a finite number: 'abc'");
  o.target_col = "signalValue";
  EXPECT_THROW_MSG(read_interval_data(o), Error, ":1: no column 7 ('signalValue') on this line: it has 5 columns");
  o.target_col.clear();
  EXPECT_THROW_MSG(read_interval_data(o), UsageError, "--bed needs --target-col COLUMN");
}

TEST_F(IntervalFixture, ChromosomeHoldOutFillsTheGivenSplit) {
  IntervalDataOptions o = options("chr1\t100\t150\tp\t1\nchr2\t100\t150\tq\t2\nchr3\t400\t450\tr\t3\nchr1\t500\t550\ts\t4\n");
  o.target_col = "score";
  o.val_chroms = {"chr2"};
  o.test_chroms = {"chr3"};
  const SequenceData d = read_interval_data(o);
  EXPECT_EQ(d.given_split, (std::vector<Split>{Split::train, Split::val, Split::test, Split::train}));
  const SplitIndices s = split_from_rows(d.given_split);
  EXPECT_EQ(s.train, (std::vector<std::int64_t>{0, 3}));
  EXPECT_EQ(s.val, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(s.test, (std::vector<std::int64_t>{2}));
  o.test_chroms = {"chr9"};
  EXPECT_THROW_MSG(read_interval_data(o), UsageError, "--test-chroms: 'chr9' is not a sequence of the genome");
  o.test_chroms = {"chr2"};
  EXPECT_THROW_MSG(read_interval_data(o), UsageError, "'chr2' is in both --val-chroms and --test-chroms");
}

// Positives spread over the genome: 12 intervals of 40 bp.
std::string positives_bed() {
  std::string bed;
  for (int i = 0; i < 8; ++i) bed += "chr1\t" + std::to_string(100 + 230 * i) + "\t" + std::to_string(140 + 230 * i) + "\n";
  for (int i = 0; i < 4; ++i) bed += "chr2\t" + std::to_string(100 + 250 * i) + "\t" + std::to_string(140 + 250 * i) + "\n";
  return bed;
}

TEST_F(IntervalFixture, BinaryLabelsAgainstNegativesOfEveryMethod) {
  for (const std::string method : {"shuffle", "flank", "gc-matched"}) {
    IntervalDataOptions o = options(positives_bed());
    o.negatives = method;
    o.negative_ratio = 2;
    o.negative_seed = 3;
    o.val_chroms = {"chr2"};
    const SequenceData d = read_interval_data(o);
    ASSERT_EQ(d.size(), 12 + 24) << method;
    EXPECT_EQ(d.target_names.front(), "label");
    std::vector<Interval> pos;
    for (int i = 0; i < 36; ++i) {
      EXPECT_EQ(d.targets[static_cast<std::size_t>(i)], i < 12 ? 1.0f : 0.0f);
      EXPECT_EQ(d.seqs[static_cast<std::size_t>(i)].size(), 40u);
      const std::string& id = d.ids[static_cast<std::size_t>(i)];
      const auto colon = id.find(':'), dash = id.find('-');
      const Interval iv{id.substr(0, colon), std::stoll(id.substr(colon + 1, dash - colon - 1)), std::stoll(id.substr(dash + 1))};
      EXPECT_EQ(d.given_split[static_cast<std::size_t>(i)], iv.chrom == "chr2" ? Split::val : Split::train);
      EXPECT_EQ(d.seqs[static_cast<std::size_t>(i)], genome.seqs.at(iv.chrom).substr(static_cast<std::size_t>(iv.start), 40));
      if (i < 12) {
        pos.push_back(iv);
        continue;
      }
      EXPECT_LE(io::n_fraction(d.seqs[static_cast<std::size_t>(i)]), 0.1) << method << " " << id;
      for (const Interval& p : pos)
        EXPECT_FALSE(p.chrom == iv.chrom && p.start < iv.end && iv.start < p.end) << method << ": " << id << " overlaps a positive";
    }
    // Seeded: the same negatives again, others with another seed.
    EXPECT_EQ(read_interval_data(o).ids, d.ids) << method;
    o.negative_seed = 4;
    EXPECT_NE(read_interval_data(o).ids, d.ids) << method;
  }
}

TEST_F(IntervalFixture, FlankingNegativesLieBesideThePositives) {
  IntervalDataOptions o = options(positives_bed());
  o.negatives = "flank";
  const SequenceData d = read_interval_data(o);
  for (std::size_t i = 12; i < d.ids.size(); ++i) {
    const std::string& id = d.ids[i];
    const std::int64_t start = std::stoll(id.substr(id.find(':') + 1));
    std::int64_t nearest = 1 << 30;
    for (std::size_t p = 0; p < 12; ++p) {
      const std::string& pid = d.ids[p];
      if (pid.substr(0, pid.find(':')) != id.substr(0, id.find(':'))) continue;
      nearest = std::min<std::int64_t>(nearest, std::llabs(std::stoll(pid.substr(pid.find(':') + 1)) - start));
    }
    EXPECT_LE(nearest, 3 * 40) << id;
  }
}

TEST_F(IntervalFixture, GcMatchedNegativesFollowThePositivesGc) {
  IntervalDataOptions o = options(positives_bed());
  o.negatives = "gc-matched";
  const SequenceData gc = read_interval_data(o);
  o.negatives = "shuffle";
  const SequenceData sh = read_interval_data(o);
  double gc_err = 0, sh_err = 0;
  for (std::size_t i = 0; i < 12; ++i) {
    const double target = io::gc_fraction(gc.seqs[i]);
    gc_err += std::abs(io::gc_fraction(gc.seqs[12 + i]) - target);
    sh_err += std::abs(io::gc_fraction(sh.seqs[12 + i]) - target);
  }
  EXPECT_LT(gc_err / 12, 0.03);
  EXPECT_LT(gc_err, sh_err);
}

TEST_F(IntervalFixture, ImpossibleNegativesAreAnError) {
  IntervalDataOptions o = options("chr1\t0\t2000\n");
  o.negatives = "flank";
  o.length = 2000;
  EXPECT_THROW_MSG(read_interval_data(o), Error, "--negatives flank: found only 0 of 1 windows");
}

}  // namespace
}  // namespace dnacnn

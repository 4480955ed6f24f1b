// Coverage from reads and fragments (data/coverage.cpp), counted by hand on SAM records.
#include "dnacnn/data/coverage.hpp"

#include <gtest/gtest.h>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/bigwig.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

struct Coverage : ::testing::Test {
  TempDir dir;
  Coverage() { test::write_file(dir / "g.fa", ">chr1\n" + std::string(60, 'A') + "\n>chr2\n" + std::string(30, 'C') + "\n"); }
  std::string header = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:60\n@SQ\tSN:chr2\tLN:30\n@SQ\tSN:decoy\tLN:9\n";
  // name, flag, chrom, 1-based pos, mapq, cigar
  static std::string read(const std::string& name, int flag, const std::string& chrom, int pos, int mapq,
                          const std::string& cigar, int length) {
    return name + "\t" + std::to_string(flag) + "\t" + chrom + "\t" + std::to_string(pos) + "\t" + std::to_string(mapq) +
           "\t" + cigar + "\t*\t0\t0\t" + std::string(static_cast<std::size_t>(length), 'A') + "\t*\n";
  }
  CoverageOptions options(const std::string& sam) {
    test::write_file(dir / "r.sam", header + sam);
    CoverageOptions o;
    o.bam = dir / "r.sam";
    o.genome = dir / "g.fa";
    o.out = dir / "c.bw";
    return o;
  }
  std::vector<float> values(const std::filesystem::path& path, const std::string& chrom) {
    const io::BigWigReader r(path);
    io::ZeroFill fill;
    std::vector<float> v(chrom == "chr1" ? 60 : 30);
    r.values(chrom, 0, static_cast<std::int64_t>(v.size()), v.data(), fill);
    return v;
  }
  static std::vector<float> at(std::size_t n, std::map<std::size_t, float> nonzero) {
    std::vector<float> v(n, 0.0f);
    for (const auto& [p, x] : nonzero) v[p] = x;
    return v;
  }
};

const std::string kReads =
    Coverage::read("a", 0, "chr1", 3, 60, "10M", 10) +         // + strand: 5' end at 2
    Coverage::read("b", 16, "chr1", 5, 60, "4M2D4M", 8) +      // - strand: spans 4..13, 5' end at 13
    Coverage::read("c", 0, "chr1", 5, 60, "2S5M", 7) +         // 5' end at 4 (clipping is not aligned)
    Coverage::read("dup", 1024, "chr1", 6, 60, "5M", 5) +      // duplicate: skipped
    Coverage::read("low", 0, "chr1", 7, 3, "5M", 5) +          // MAPQ 3
    Coverage::read("e", 16, "chr2", 1, 60, "3M2N3M", 6) +      // spans 0..7 with a 2-base skip, 5' end at 7
    Coverage::read("x", 0, "decoy", 1, 60, "3M", 3);           // not in the genome

TEST_F(Coverage, FivePrimeEndsByHand) {
  CoverageOptions o = options(kReads);
  o.min_mapq = 10;
  const CoverageStats s = make_coverage(o);
  EXPECT_EQ(s.records, 7);
  EXPECT_EQ(s.counted, 4);
  EXPECT_EQ(s.filtered, 2);
  EXPECT_EQ(s.other_chrom, 1);
  EXPECT_EQ(values(o.out, "chr1"), at(60, {{2, 1}, {4, 1}, {13, 1}}));
  EXPECT_EQ(values(o.out, "chr2"), at(30, {{7, 1}}));
}

TEST_F(Coverage, Tn5ShiftAndStrandSplit) {
  CoverageOptions o = options(kReads);
  o.shift_plus = 4, o.shift_minus = -5;
  o.strand = true;
  o.exclude_flags = 0x4;  // duplicates count now
  const CoverageStats s = make_coverage(o);
  ASSERT_EQ(s.outputs.size(), 2u);
  EXPECT_EQ(s.outputs[0], dir / "c.plus.bw");
  // + strand 5' ends 2 (a), 4 (c), 5 (dup), 6 (low), each +4
  EXPECT_EQ(values(s.outputs[0], "chr1"), at(60, {{6, 1}, {8, 1}, {9, 1}, {10, 1}}));
  EXPECT_EQ(values(s.outputs[1], "chr1"), at(60, {{8, 1}}));
  EXPECT_EQ(values(s.outputs[1], "chr2"), at(30, {{2, 1}}));
}

TEST_F(Coverage, FullCoverageCountsAlignedBasesOnly) {
  CoverageOptions o = options(kReads);
  o.full = true;
  make_coverage(o);
  std::vector<float> chr1(60, 0.0f);
  for (int p = 2; p < 12; ++p) ++chr1[p];                  // a
  for (int p : {4, 5, 6, 7, 10, 11, 12, 13}) ++chr1[p];  // b: not the deletion
  for (int p = 4; p < 9; ++p) ++chr1[p];                   // c
  for (int p = 6; p < 11; ++p) ++chr1[p];                  // low (MAPQ 3 passes the default 0)
  EXPECT_EQ(values(o.out, "chr1"), chr1);
  EXPECT_EQ(values(o.out, "chr2"), at(30, {{0, 1}, {1, 1}, {2, 1}, {5, 1}, {6, 1}, {7, 1}}));
}

TEST_F(Coverage, FragmentsCountBothCuts) {
  test::write_file(dir / "f.tsv", "# comment\nchr1\t2\t20\tAAAC-1\t3\nchr1\t5\t60\tAAAG-1\t1\nchr2\t0\t30\tA\t1\n"
                                  "chrUn\t0\t5\tA\t1\n");
  CoverageOptions o;
  o.fragments = dir / "f.tsv";
  o.genome = dir / "g.fa";
  o.out = dir / "f.bw";
  const CoverageStats s = make_coverage(o);
  EXPECT_EQ(s.records, 4);
  EXPECT_EQ(s.other_chrom, 1);
  EXPECT_EQ(values(o.out, "chr1"), at(60, {{2, 1}, {19, 1}, {5, 1}, {59, 1}}));
  EXPECT_EQ(values(o.out, "chr2"), at(30, {{0, 1}, {29, 1}}));
  o.shift_plus = 4, o.shift_minus = -5;
  const CoverageStats shifted = make_coverage(o);
  EXPECT_EQ(shifted.clipped, 0);
  EXPECT_EQ(values(o.out, "chr1"), at(60, {{6, 1}, {14, 1}, {9, 1}, {54, 1}}));
}

TEST_F(Coverage, UnsortedInputAndAnotherAssemblyAreErrors) {
  CoverageOptions o = options(read("a", 0, "chr2", 5, 60, "3M", 3) + read("b", 0, "chr1", 1, 60, "3M", 3) +
                              read("c", 0, "chr2", 9, 60, "3M", 3));
  EXPECT_THROW_MSG(make_coverage(o), Error, "not sorted by position: 'chr2' appears again");
  o = options(read("a", 0, "chr1", 9, 60, "3M", 3) + read("b", 0, "chr1", 2, 60, "3M", 3));
  EXPECT_THROW_MSG(make_coverage(o), Error, "chr1:2 comes after chr1:9");
  header = "@SQ\tSN:chr1\tLN:61\n";
  o = options(read("a", 0, "chr1", 9, 60, "3M", 3));
  EXPECT_THROW_MSG(make_coverage(o), Error, "chromosome 'chr1' is 61 bp here but 60 bp in the genome");
  EXPECT_FALSE(std::filesystem::exists(dir / "c.bw"));
  EXPECT_THROW_MSG(parse_shift("4"), UsageError, "PLUS,MINUS");
  EXPECT_EQ(parse_shift("+4,-5"), (std::pair<std::int64_t, std::int64_t>{4, -5}));
}

}  // namespace
}  // namespace dnacnn

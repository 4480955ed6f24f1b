// Signal tracks as a user runs them: coverage from a BAM (checked against samtools depth and a
// hand count), training on bigWig targets (checked against pyBigWig), scan to bigWig, and the
// errors and zero-filling the docs promise. Every bigWig dnacnn writes is read with pyBigWig;
// bigWigs pyBigWig writes are read by dnacnn.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "signal_fixture.hpp"

namespace dnacnn {
namespace {

using clitest::dnacnn;
using clitest::expect_one_line_error;
using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;

using namespace signaltest;

TEST_F(SignalCli, CoverageMatchesSamtoolsDepthAndAHandCount) {
  const std::string bam = write_bam("reads.bam", 600);
  RunResult r = dnacnn({"coverage", "--bam", bam, "--genome", g, "--full", "--out", path("full.bw")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("600 of 600 reads counted"), std::string::npos) << r.err;
  // samtools depth -aa: every base of every sequence, its default filters (UNMAP, SECONDARY,
  // QCFAIL, DUP) and no deletions, as coverage --full counts.
  const RunResult depth = test::run_program("/usr/bin/samtools", {"depth", "-aa", bam});
  ASSERT_EQ(depth.exit_code, 0) << depth.err;
  const auto full = py_values(dir / "full.bw");
  ASSERT_EQ(full.size(), 3u);
  int lines = 0;
  for (const auto& line : test::split(depth.out, '\n')) {
    if (line.empty()) continue;
    const auto f = test::split(line, '\t');
    ASSERT_EQ(full.at(f[0]).at(std::stoul(f[1]) - 1), std::stod(f[2])) << line;
    ++lines;
  }
  EXPECT_EQ(lines, 2000 + 1200 + 700);

  // 5' ends shifted for Tn5, per strand, against a count from the reads as generated.
  r = dnacnn({"coverage", "--bam", bam, "--genome", g, "--shift", "+4,-5", "--strand", "--out", path("cut.bw"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::map<std::string, std::vector<double>> plus, minus;
  for (const auto& [name, seq] : genome.seqs) plus[name] = minus[name] = std::vector<double>(seq.size(), 0.0);
  for (const Read& read : reads) {
    const std::int64_t p = read.reverse ? read.pos + read.span - 1 - 5 : read.pos + 4;
    if (p >= 0 && p < static_cast<std::int64_t>(genome.seqs.at(read.chrom).size()))
      ++(read.reverse ? minus : plus)[read.chrom][static_cast<std::size_t>(p)];
  }
  EXPECT_EQ(py_values(dir / "cut.plus.bw"), plus);
  EXPECT_EQ(py_values(dir / "cut.minus.bw"), minus);
}

TEST_F(SignalCli, ABamOfAnotherAssemblyOrUnsortedIsAnError) {
  const std::string bam = write_bam("other.bam", 20, 2001);
  RunResult r = dnacnn({"coverage", "--bam", bam, "--genome", g, "--out", path("x.bw")});
  expect_one_line_error(r, 1, "dnacnn coverage: " + bam + ": chromosome 'chr1' is 2001 bp here but 2000 bp in the genome");
  EXPECT_FALSE(fs::exists(dir / "x.bw"));
  write_bam("sorted.bam", 20);
  r = dnacnn({"coverage", "--bam", path("sorted.bam.sam"), "--genome", g, "--out", path("x.bw")});  // unsorted SAM
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("not sorted by position"), std::string::npos) << r.err;
  r = dnacnn({"coverage", "--bam", bam, "--genome", g, "--out", path("x.bw"), "--shift", "4"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST_F(SignalCli, TrainsOnBigWigTargetsThatEqualPyBigWigStats) {
  const std::string bam = write_bam("reads.bam", 600);
  ASSERT_EQ(dnacnn({"coverage", "--bam", bam, "--genome", g, "--full", "--out", path("full.bw"), "-q"}).exit_code, 0);
  ASSERT_EQ(dnacnn({"coverage", "--bam", bam, "--genome", g, "--strand", "--out", path("cut.bw"), "-q"}).exit_code, 0);
  // narrowPeak: the windows centre on the summit (column 10) when it is given.
  std::string peaks;
  for (int i = 0; i < 14; ++i)
    peaks += "chr1\t" + std::to_string(40 + 130 * i) + "\t" + std::to_string(140 + 130 * i) + "\tp\t0\t.\t1\t-1\t-1\t" +
             (i % 2 ? "-1" : std::to_string(10 + i)) + "\n";
  for (int i = 0; i < 8; ++i) peaks += "chr2\t" + std::to_string(60 + 140 * i) + "\t" + std::to_string(120 + 140 * i) + "\tq\t0\t.\t1\t-1\t-1\t-1\n";
  test::write_file(dir / "peaks.narrowPeak", peaks);
  const RunResult r = dnacnn({"train", "--bed", path("peaks.narrowPeak"), "--genome", g, "--bigwig", path("full.bw"),
                              "--bigwig", path("cut.plus.bw") + "," + path("cut.minus.bw"), "--target", "mean",
                              "--length", "80", "--output-length", "50", "--val-chroms", "chr2", "--model", "linear",
                              "--epochs", "1", "--batch-size", "4", "--out", path("run"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto header = test::split(test::read_lines(dir / "run" / "predictions.tsv")[0], '\t');
  EXPECT_EQ(header[5], "full_actual");
  EXPECT_EQ(header[7], "cut+_actual");
  EXPECT_EQ(header[9], "cut-_actual");
  // The same windows' means over the central 50 bases, by pyBigWig.
  const RunResult py = run_python(
      "import sys, math, pyBigWig\n"
      "tracks = [pyBigWig.open(f) for f in sys.argv[2:]]\n"
      "for line in list(open(sys.argv[1]))[1:]:\n"
      "    f = line.split('\\t')\n"
      "    chrom, span = f[0].split(':')\n"
      "    start = int(span.split('-')[0]) + 15\n"
      "    means = [sum(0 if math.isnan(x) else x for x in t.values(chrom, start, start + 50)) / 50 for t in tracks]\n"
      "    print(f[0], *means, f[5], f[7], f[9])\n",
      {path("run/predictions.tsv"), path("full.bw"), path("cut.plus.bw"), path("cut.minus.bw")});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  int rows = 0, summits = 0;
  for (const auto& line : test::split(py.out, '\n')) {
    if (line.empty()) continue;
    const auto f = test::split(line, ' ');
    for (int t = 0; t < 3; ++t) EXPECT_NEAR(std::stod(f[1 + t]), std::stod(f[4 + t]), 1e-5) << line;
    ++rows;
    summits += f[0] == "chr1:" + std::to_string(40 + 10 - 40) + "-" + std::to_string(40 + 10 + 40);  // peak 0's summit
  }
  EXPECT_EQ(rows, 22);
  EXPECT_EQ(summits, 1) << "the first peak's window centres on its summit (start + 10)";
}

TEST_F(SignalCli, PyBigWigTracksOfAnotherAssemblyFailAndGapsAreZeroFilledAndCounted) {
  // Tracks written by pyBigWig: one with chr1 a base longer; one with a NaN run, no chr3.
  const RunResult py = run_python(
      "import sys, pyBigWig\n"
      "bw = pyBigWig.open(sys.argv[1], 'w'); bw.addHeader([('chr1', 2001), ('chr2', 1200)])\n"
      "bw.addEntries(['chr1'], [0], ends=[50], values=[1.0]); bw.close()\n"
      "bw = pyBigWig.open(sys.argv[2], 'w'); bw.addHeader([('chr1', 2000), ('chr2', 1200)])\n"
      "bw.addEntries(['chr1', 'chr1'], [0, 100], ends=[100, 2000], values=[float('nan'), 2.0]); bw.close()\n",
      {path("other.bw"), path("gappy.bw")});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  test::write_file(dir / "r.bed", "chr1\t10\t110\nchr1\t1960\t2000\nchr3\t100\t200\nchr1\t500\t600\nchr2\t10\t110\n");
  const std::vector<std::string> train{"train", "--bed", path("r.bed"), "--genome", g, "--length", "100", "--model",
                                       "linear", "--epochs", "1", "--batch-size", "2", "--test-frac", "0", "--val-frac", "0.2"};
  auto with = [&](std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  RunResult r = dnacnn(with(train, {"--bigwig", path("other.bw"), "--out", path("run1")}));
  expect_one_line_error(r, 1, "dnacnn train: " + path("other.bw") + ": chromosome 'chr1' is 2001 bp here but 2000 bp");
  EXPECT_FALSE(fs::exists(dir / "run1"));
  r = dnacnn(with(train, {"--bigwig", path("gappy.bw"), "--out", path("run2")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // NaN over 10..100 (90), 1930..2030 past the end (30), chr3 missing from the track (100).
  EXPECT_NE(r.err.find("220 bases missing/NaN filled with zeros (30 past a chromosome end, 100 on chromosomes a track "
                       "lacks, 90 NaN)"),
            std::string::npos)
      << r.err;
  const auto p = test::read_lines(dir / "run2" / "predictions.tsv");
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(test::split(p[1], '\t')[3], "20") << "10 known bases of 2.0 (the rest NaN)";
  EXPECT_EQ(test::split(p[4], '\t')[3], "200");
  EXPECT_EQ(test::split(p[5], '\t')[3], "0") << "chr2: in the track, without data";
  // --target without --bigwig is a usage error.
  r = dnacnn({"train", "--bed", path("r.bed"), "--genome", g, "--target-col", "2", "--target", "max", "--out", path("run3")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--target goes with --bigwig"), std::string::npos) << r.err;
}

TEST_F(SignalCli, ScanWritesBigWigThatPyBigWigReadsAsTheBedGraph) {
  test::write_linear_model(dir / "model", 20, 3);
  RunResult r = dnacnn({"scan", "--model", path("model"), "--genome", g, "--step", "25", "--out", path("s.bedGraph"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = dnacnn({"scan", "--model", path("model"), "--genome", g, "--step", "25", "--out", path("s.bw"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto values = py_values(dir / "s.bw");
  int bins = 0;
  for (const auto& line : test::read_lines(dir / "s.bedGraph")) {
    const auto f = test::split(line, '\t');
    for (std::size_t p = std::stoul(f[1]); p < std::stoul(f[2]); ++p)
      ASSERT_NEAR(values.at(f[0]).at(p), std::stod(f[3]), 1e-5 * (1 + std::abs(std::stod(f[3])))) << line;
    ++bins;
  }
  EXPECT_EQ(bins, 80 + 48 + 28);
  r = dnacnn({"scan", "--model", path("model"), "--genome", g, "--out", path("t.bw"), "--shard", "0/2"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

}  // namespace
}  // namespace dnacnn

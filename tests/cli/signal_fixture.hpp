// The signal CLI tests' fixture: a test genome, BAMs of random reads made with samtools, and
// pyBigWig (Debian's python3-pybigwig) as the reference reader of every bigWig dnacnn writes.
#pragma once
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "dnacnn/core/random.hpp"
#include "genome_fixture.hpp"
#include "test_support.hpp"

namespace dnacnn::signaltest {

using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;

inline constexpr const char* kPython = "/usr/bin/python3";

// Every base of every chromosome of a bigWig as pyBigWig sees it (no data = 0):
// chrom -> values.
inline std::map<std::string, std::vector<double>> py_values(const fs::path& bw) {
  const RunResult r = test::run_program(
      kPython, {"-c",
                "import sys, math, pyBigWig\n"
                "bw = pyBigWig.open(sys.argv[1])\n"
                "for c, n in bw.chroms().items():\n"
                "    v = bw.values(c, 0, n)\n"
                "    print(c, ','.join('0' if math.isnan(x) else repr(x) for x in v))\n",
                bw.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::vector<double>> out;
  for (const auto& line : test::split(r.out, '\n')) {
    if (line.empty()) continue;
    const auto space = line.find(' ');
    for (const auto& v : test::split(line.substr(space + 1), ',')) out[line.substr(0, space)].push_back(std::stod(v));
  }
  return out;
}

inline RunResult run_python(const std::string& script, const std::vector<std::string>& args = {}) {
  std::vector<std::string> argv{"-c", script};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_program(kPython, argv);
}

struct Read {
  std::string chrom;
  std::int64_t pos;  // 0-based
  bool reverse;
  std::int64_t span;  // reference bases
  std::string cigar;
};

struct SignalCli : ::testing::Test {
  TempDir dir;
  test::TestGenome genome = test::write_test_genome(dir.path(), true);
  std::string g = genome.fasta.string();
  std::vector<Read> reads;
  std::string path(const std::string& name) const { return (dir / name).string(); }

  // Random reads (some with a deletion), written as SAM and sorted into an indexed BAM by samtools.
  std::string write_bam(const std::string& name, int n, std::int64_t chr1_length = 2000) {
    Rng rng(11);
    std::string sam = "@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chr1\tLN:" + std::to_string(chr1_length) +
                      "\n@SQ\tSN:chr2\tLN:1200\n@SQ\tSN:chr3\tLN:700\n";
    reads.clear();
    for (int i = 0; i < n; ++i) {
      const std::string chrom = i % 3 == 0 ? "chr2" : i % 5 == 0 ? "chr3" : "chr1";
      const std::int64_t length = genome.seqs.at(chrom).size();
      const bool deletion = i % 7 == 0;
      const std::int64_t span = deletion ? 40 : 36;
      const std::int64_t pos = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(length - span)));
      const bool reverse = rng.below(2) == 1;
      reads.push_back({chrom, pos, reverse, span, deletion ? "20M4D16M" : "36M"});
      sam += "r" + std::to_string(i) + "\t" + (reverse ? "16" : "0") + "\t" + chrom + "\t" + std::to_string(pos + 1) +
             "\t60\t" + reads.back().cigar + "\t*\t0\t0\t" + std::string(36, 'A') + "\t*\n";
    }
    test::write_file(dir / (name + ".sam"), sam);
    const RunResult s = test::run_program("/usr/bin/samtools", {"sort", "-o", path(name), path(name + ".sam")});
    EXPECT_EQ(s.exit_code, 0) << s.err;
    return path(name);
  }
};

}  // namespace dnacnn::signaltest

// Signal tracks in and out of the other commands: `train`/`evaluate --bam` (reads' coverage made
// on the fly, kept in RUN/coverage, reused on replay) against `coverage` + `--bigwig`, and
// `attribute --bigwig` (attributions at their genomic places) against attributions.tsv, both read
// back with pyBigWig.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "signal_fixture.hpp"

namespace dnacnn {
namespace {

using clitest::dnacnn;
using clitest::expect_one_line_error;
using namespace signaltest;

struct SignalIoCli : SignalCli {
  // Regions of 80 bp on chr1 and chr2 (chr2 held out for validation).
  std::string write_regions() {
    std::string bed;
    for (int i = 0; i < 14; ++i) bed += "chr1\t" + std::to_string(40 + 130 * i) + "\t" + std::to_string(120 + 130 * i) + "\n";
    for (int i = 0; i < 8; ++i) bed += "chr2\t" + std::to_string(60 + 140 * i) + "\t" + std::to_string(140 + 140 * i) + "\n";
    test::write_file(dir / "regions.bed", bed);
    return path("regions.bed");
  }
  std::vector<std::string> train_args(const std::string& out) {
    return {"train", "--bed", write_regions(), "--genome", g, "--target", "sum", "--output-length", "50",
            "--val-chroms", "chr2", "--model", "linear", "--epochs", "1", "--batch-size", "4", "--out", path(out)};
  }
  // predictions.tsv's header and its *actual columns (the targets dnacnn read), row by row.
  std::pair<std::vector<std::string>, std::vector<std::string>> targets_read(const std::string& run) {
    const auto lines = test::read_lines(dir / run / "predictions.tsv");
    const auto header = test::split(lines.at(0), '\t');
    std::vector<std::string> rows;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const auto f = test::split(lines[i], '\t');
      std::string row = f[0];
      for (std::size_t c = 0; c < header.size(); ++c)
        if (header[c].ends_with("actual")) row += "\t" + f.at(c);
      rows.push_back(row);
    }
    return {header, rows};
  }
};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_F(SignalIoCli, TrainFromBamReadsTheTargetsOfCoverageBigWigs) {
  const std::string bam = write_bam("reads.bam", 600);
  fs::create_directories(dir / "bw");
  ASSERT_EQ(dnacnn({"coverage", "--bam", bam, "--genome", g, "--shift=+4,-5", "--out", path("bw/reads.bw"), "-q"}).exit_code, 0);
  ASSERT_EQ(dnacnn({"coverage", "--bam", bam, "--genome", g, "--full", "--strand", "--out", path("bw/reads.bw"), "-q"}).exit_code, 0);

  // Unstranded Tn5 cuts: the targets equal those read from coverage's bigWig.
  RunResult r = dnacnn(with(train_args("from_bw"), {"--bigwig", path("bw/reads.bw"), "-q"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = dnacnn(with(train_args("from_bam"), {"--bam", bam, "--shift=+4,-5"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(bam + ": 600 of 600 reads counted"), std::string::npos) << r.err;
  const auto [header, rows] = targets_read("from_bam");
  EXPECT_EQ(header[3], "actual");
  EXPECT_EQ(targets_read("from_bw"), targets_read("from_bam"));
  double total = 0;
  for (const auto& row : rows) total += std::stod(test::split(row, '\t')[1]);
  EXPECT_GT(total, 50) << "the windows hold reads";
  // The run keeps the track (pyBigWig reads it as coverage's) and records how it was made.
  EXPECT_EQ(py_values(dir / "from_bam" / "coverage" / "reads.bw"), py_values(dir / "bw" / "reads.bw"));
  std::ifstream run_json(dir / "from_bam" / "run.json");
  const auto recorded = nlohmann::json::parse(run_json)["input"]["intervals"];
  EXPECT_EQ(recorded["bams"], nlohmann::json::array({fs::absolute(bam).string()})) << recorded.dump();
  EXPECT_EQ(recorded["coverage"]["shift"], nlohmann::json::array({4, -5}));

  // Stranded full coverage: two targets, named like a stranded --bigwig pair, equal to its.
  r = dnacnn(with(train_args("stranded_bw"), {"--bigwig", path("bw/reads.plus.bw") + "," + path("bw/reads.minus.bw"), "-q"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = dnacnn(with(train_args("stranded_bam"), {"--bam", bam, "--full", "--strand", "-q"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto stranded = targets_read("stranded_bam");
  EXPECT_EQ(stranded.first[5], "reads+_actual");
  EXPECT_EQ(stranded.first[7], "reads-_actual");
  EXPECT_EQ(targets_read("stranded_bw"), stranded);

  // Replays reuse the run's tracks while the BAM is unchanged: --config and --resume.
  r = dnacnn({"train", "--config", path("from_bam/run.json"), "--out", path("replay")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("coverage reused"), std::string::npos) << r.err;
  EXPECT_EQ(targets_read("replay"), targets_read("from_bam"));
  r = dnacnn({"train", "--resume", path("from_bam"), "--epochs", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("coverage reused"), std::string::npos) << r.err;
  write_bam("reads.bam", 300);  // another BAM at the same path: resuming refuses it
  r = dnacnn({"train", "--resume", path("from_bam"), "--epochs", "3"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("MD5 differs"), std::string::npos) << r.err;
  EXPECT_EQ(py_values(dir / "from_bam" / "coverage" / "reads.bw"), py_values(dir / "bw" / "reads.bw"))
      << "the run's track stays as it was";
}

TEST_F(SignalIoCli, EvaluateFromBamScoresAsFromTheBigWig) {
  const std::string bam = write_bam("reads.bam", 400);
  ASSERT_EQ(dnacnn({"coverage", "--bam", bam, "--genome", g, "--full", "--out", path("reads.bw"), "-q"}).exit_code, 0);
  ASSERT_EQ(dnacnn(with(train_args("run"), {"--bam", bam, "--full", "-q"})).exit_code, 0);
  const std::vector<std::string> evaluate{"evaluate", "--model", path("run/model"), "--bed", path("regions.bed"),
                                          "--genome", g, "--output-length", "50"};
  const RunResult from_bw = dnacnn(with(evaluate, {"--bigwig", path("reads.bw")}));
  ASSERT_EQ(from_bw.exit_code, 0) << from_bw.err;
  const RunResult from_bam = dnacnn(with(evaluate, {"--bam", bam, "--full"}));
  ASSERT_EQ(from_bam.exit_code, 0) << from_bam.err;
  EXPECT_EQ(from_bam.out, from_bw.out);
  EXPECT_GT(nlohmann::json::parse(from_bam.out)["n"].get<int>(), 0) << from_bam.out;
  // Stranded reads are two tracks; the model predicts one target.
  const RunResult stranded = dnacnn(with(evaluate, {"--bam", bam, "--strand"}));
  EXPECT_EQ(stranded.exit_code, 2) << stranded.err;
  EXPECT_NE(stranded.err.find("--bigwig/--bam give 2 tracks; the model predicts 1 targets"), std::string::npos)
      << stranded.err;
}

TEST_F(SignalIoCli, BamOfAnotherAssemblyAndMisusedOptionsAreRefused) {
  const std::string bam = write_bam("other.bam", 20, 2001);
  RunResult r = dnacnn(with(train_args("run1"), {"--bam", bam}));
  expect_one_line_error(r, 1, "dnacnn train: " + bam + ": chromosome 'chr1' is 2001 bp here but 2000 bp in the genome " + g);
  EXPECT_FALSE(fs::exists(dir / "run1")) << "nothing is left behind";
  test::write_linear_model(dir / "model", 80, 3);
  r = dnacnn({"evaluate", "--model", path("model"), "--bed", path("regions.bed"), "--genome", g, "--bam", bam});
  expect_one_line_error(r, 1, "dnacnn evaluate: " + bam + ": chromosome 'chr1' is 2001 bp here but 2000 bp");

  const std::string reads = write_bam("reads.bam", 20);
  r = dnacnn({"train", "--bed", path("regions.bed"), "--genome", g, "--target-col", "2", "--strand", "--out", path("run2")});
  expect_one_line_error(r, 2, "dnacnn train: --strand goes with --bam");
  r = dnacnn(with(train_args("run3"), {"--bam", reads, "--bigwig", path("x/reads.bw")}));
  expect_one_line_error(r, 2, "dnacnn train: two tracks are named 'reads'");
  r = dnacnn(with(train_args("run4"), {"--bam", reads, "--exclude-flags", "NOPE"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = dnacnn({"train", "--data", path("t.tsv"), "--bam", reads, "--out", path("run5")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

// Attributions at each base of two overlapping windows on chr1 and two on chr2, by the rule the
// docs give: where windows overlap, the window whose centre is nearest.
std::map<std::string, std::vector<double>> expected_track(const fs::path& table,
                                                        const std::map<std::string, std::string>& genome) {
  std::map<std::string, std::vector<double>> out;
  std::map<std::string, std::vector<double>> best_distance;
  for (const auto& [name, seq] : genome) {
    out[name].assign(seq.size(), 0.0);
    best_distance[name].assign(seq.size(), 1e18);
  }
  const auto lines = test::read_lines(table);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = test::split(lines[i], '\t');  // id pos base A C G T attribution
    const auto colon = f[0].rfind(':'), dash = f[0].find('-', colon);
    const std::string chrom = f[0].substr(0, colon);
    const long start = std::stol(f[0].substr(colon + 1, dash - colon - 1)), end = std::stol(f[0].substr(dash + 1));
    const long p = start + std::stol(f[1]) - 1;
    const double distance = std::abs(p + 0.5 - (start + end) / 2.0);
    if (distance < best_distance[chrom][static_cast<std::size_t>(p)]) {
      best_distance[chrom][static_cast<std::size_t>(p)] = distance;
      out[chrom][static_cast<std::size_t>(p)] = std::stod(f[7]);
    }
  }
  return out;
}

void expect_same_track(const std::map<std::string, std::vector<double>>& got,
                       const std::map<std::string, std::vector<double>>& want) {
  ASSERT_EQ(got.size(), want.size());
  int nonzero = 0;
  for (const auto& [chrom, values] : want) {
    ASSERT_EQ(got.at(chrom).size(), values.size()) << chrom;
    for (std::size_t p = 0; p < values.size(); ++p) {
      EXPECT_NEAR(got.at(chrom)[p], values[p], 1e-5 * (1 + std::abs(values[p]))) << chrom << ":" << p;
      nonzero += values[p] != 0;
    }
  }
  EXPECT_GT(nonzero, 30);
}

TEST_F(SignalIoCli, AttributeBigWigHoldsEachBasesAttributionAtItsGenomicPlace) {
  test::write_linear_model(dir / "model", 20, 3);
  // 20 bp windows: chr1 100-120 and 110-130 overlap by 10, chr2's by 15; a narrowPeak summit
  // centres the last window (chr2 60 + 12 -> 62-82).
  test::write_file(dir / "regions.narrowPeak",
                   "chr1\t100\t120\tp\t0\t.\t1\t-1\t-1\t-1\nchr1\t110\t130\tp\t0\t.\t1\t-1\t-1\t-1\n"
                   "chr2\t57\t77\tp\t0\t.\t1\t-1\t-1\t-1\nchr2\t60\t90\tp\t0\t.\t1\t-1\t-1\t12\n");
  RunResult r = dnacnn({"attribute", "--model", path("model"), "--bed", path("regions.narrowPeak"), "--genome", g,
                        "--bigwig", "--method", "gradxinput", "--out", path("a")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("attributions.bw: 55 bases (25 covered by overlapping sequences"), std::string::npos) << r.err;
  const auto ids = test::read_lines(dir / "a" / "sequences.tsv");
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(test::split(ids[4], '\t')[0], "chr2:62-82");
  expect_same_track(py_values(dir / "a" / "attributions.bw"), expected_track(dir / "a" / "attributions.tsv", genome.seqs));

  // The same windows as a table whose ids are their coordinates (as a --bed run's predictions.tsv).
  std::string table = "id\tseq\n";
  for (const auto& [chrom, start] : std::vector<std::pair<std::string, int>>{{"chr1", 100}, {"chr1", 110}, {"chr2", 57}, {"chr2", 62}})
    table += chrom + ":" + std::to_string(start) + "-" + std::to_string(start + 20) + "\t" +
             genome.seqs.at(chrom).substr(static_cast<std::size_t>(start), 20) + "\n";
  test::write_file(dir / "windows.tsv", table);
  r = dnacnn({"attribute", "--model", path("model"), "--in", path("windows.tsv"), "--genome", g, "--bigwig",
              "--method", "gradxinput", "--out", path("b"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(py_values(dir / "b" / "attributions.bw"), py_values(dir / "a" / "attributions.bw"));

  // Ids that are not coordinates, or that another genome lacks, fail before attributing.
  test::write_file(dir / "named.tsv", "id\tseq\nenhancer1\t" + genome.seqs.at("chr1").substr(0, 20) + "\n");
  r = dnacnn({"attribute", "--model", path("model"), "--in", path("named.tsv"), "--genome", g, "--bigwig", "--out", path("c")});
  expect_one_line_error(r, 1, "dnacnn attribute: " + path("named.tsv") + ":2: --bigwig places each sequence by its id");
  r = dnacnn({"attribute", "--model", path("model"), "--in", path("windows.tsv"), "--bigwig", "--out", path("d")});
  expect_one_line_error(r, 2, "dnacnn attribute: --bigwig needs --genome");
  r = dnacnn({"attribute", "--model", path("model"), "--bed", path("regions.narrowPeak"), "--in", path("windows.tsv"),
              "--genome", g, "--out", path("e")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

}  // namespace
}  // namespace dnacnn

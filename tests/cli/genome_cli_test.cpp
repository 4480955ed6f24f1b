// The genome commands run as a user would: train/evaluate from BED over a genome, scan, variants,
// attribute; bad input ends in one located line on stderr.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "cli_support.hpp"
#include "genome_fixture.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using clitest::expect_one_line_error;
using test::RunResult;
using test::TempDir;

// clitest::dnacnn, and no htslib message may reach the user either.
RunResult dnacnn(const std::vector<std::string>& args) {
  RunResult r = clitest::dnacnn(args);
  for (const char* bad : {"[E::", "[W::"})
    EXPECT_EQ(r.err.find(bad), std::string::npos) << "stderr shows '" << bad << "':\n" << r.err;
  return r;
}

std::vector<std::vector<std::string>> rows(const std::filesystem::path& p) {
  std::vector<std::vector<std::string>> out;
  for (const auto& line : test::read_lines(p)) out.push_back(test::split(line, '\t'));
  return out;
}

struct GenomeCli : ::testing::Test {
  TempDir dir;
  test::TestGenome genome = test::write_test_genome(dir.path(), true);
  std::string g = genome.fasta.string();
  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::string peaks() {
    std::string bed = "track name=peaks\n";
    for (int i = 0; i < 12; ++i) bed += "chr1\t" + std::to_string(50 + 150 * i) + "\t" + std::to_string(90 + 150 * i) + "\tp\t" + std::to_string(i) + "\n";
    for (int i = 0; i < 6; ++i) bed += "chr2\t" + std::to_string(50 + 180 * i) + "\t" + std::to_string(90 + 180 * i) + "\tq\t" + std::to_string(i) + "\n";
    for (int i = 0; i < 4; ++i) bed += "chr3\t" + std::to_string(400 + 70 * i) + "\t" + std::to_string(440 + 70 * i) + "\tr\t" + std::to_string(i) + "\n";
    test::write_file(dir / "peaks.bed", bed);
    return path("peaks.bed");
  }
};

TEST_F(GenomeCli, TrainFromPeaksAgainstNegativesWithAChromosomeHoldOut) {
  const RunResult r = dnacnn({"train", "--bed", peaks(), "--genome", g, "--negatives", "shuffle", "--length", "30",
                              "--val-chroms", "chr2", "--test-chroms", "chr3", "--model", "linear", "--epochs", "2",
                              "--batch-size", "8", "--out", path("run"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto p = rows(dir / "run" / "predictions.tsv");
  ASSERT_EQ(p.size(), 1u + 22 + 22);
  EXPECT_EQ(p[0][0], "id");
  int positives = 0;
  for (std::size_t i = 1; i < p.size(); ++i) {
    const std::string chrom = p[i][0].substr(0, p[i][0].find(':'));
    EXPECT_EQ(p[i][2], chrom == "chr2" ? "val" : chrom == "chr3" ? "test" : "train") << p[i][0];
    EXPECT_EQ(p[i][1].size(), 30u);
    positives += p[i][3] == "1";
  }
  EXPECT_EQ(positives, 22);
  // The trained model evaluates on intervals too, resized to its input length.
  const RunResult e = dnacnn({"evaluate", "--model", path("run/model"), "--bed", path("peaks.bed"), "--genome", g,
                              "--negatives", "flank"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("\"n\": 44"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("\"auroc\""), std::string::npos) << "--negatives implies --task binary: " << e.out;
  // attribute reads FASTA as predict does (fitted to the model's --length) and reports the same
  // probabilities.
  const std::string& chr1 = genome.seqs.at("chr1");
  test::write_file(dir / "s.fa", ">a\n" + chr1.substr(100, 40) + "\n>b\n" + chr1.substr(300, 40) + "\n");
  const RunResult a = dnacnn({"attribute", "--model", path("run/model"), "--in", path("s.fa"), "--out", path("attr"), "--quiet"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(rows(dir / "attr" / "attributions.tsv").size(), 1u + 2 * 30);
  const RunResult pr = dnacnn({"predict", "--model", path("run/model"), "--in", path("s.fa"), "--out", "-", "--quiet"});
  ASSERT_EQ(pr.exit_code, 0) << pr.err;
  const auto predicted = test::split(pr.out, '\n');
  const auto attributed = rows(dir / "attr" / "sequences.tsv");
  ASSERT_EQ(attributed.size(), 3u);
  for (std::size_t i = 1; i < 3; ++i) {
    const auto want = test::split(predicted[i], '\t');
    EXPECT_EQ(attributed[i][0], want[0]);
    EXPECT_NEAR(std::stod(attributed[i][1]), std::stod(want[1]), 1e-5);
    EXPECT_GT(std::stod(attributed[i][1]), 0);
    EXPECT_LT(std::stod(attributed[i][1]), 1);
  }
  expect_one_line_error(dnacnn({"train", "--bed", peaks(), "--genome", g, "--negatives", "shuffle", "--task",
                                "regression", "--out", path("r2")}),
                        2, "dnacnn train: --negatives makes binary labels");
}

// A run trained from --bed resumes from its checkpoint (the job keeps the BED options) exactly as
// an uninterrupted run, and refuses when a BED file changed.
TEST_F(GenomeCli, ResumeARunTrainedFromBed) {
  const auto train = [&](const std::string& out, const std::string& epochs) {
    return dnacnn({"train", "--bed", peaks(), "--genome", g, "--negatives", "gc-matched", "--length", "30",
                   "--test-chroms", "chr3", "--model", "cnn", "--epochs", epochs, "--batch-size", "8", "--out",
                   path(out), "--quiet"});
  };
  ASSERT_EQ(train("straight", "4").exit_code, 0);
  ASSERT_EQ(train("resumed", "2").exit_code, 0);
  const RunResult r = dnacnn({"train", "--resume", path("resumed"), "--epochs", "4", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(rows(dir / "resumed" / "predictions.tsv"), rows(dir / "straight" / "predictions.tsv"));
  const auto history = [&](const std::string& run) {
    auto h = rows(dir / run / "history.tsv");
    for (auto& row : h) row.erase(row.begin() + 3);  // seconds
    return h;
  };
  EXPECT_EQ(history("resumed"), history("straight"));
  test::write_file(dir / "peaks.bed", "chr1\t50\t90\n");
  const RunResult changed = dnacnn({"train", "--resume", path("resumed"), "--epochs", "5", "--quiet"});
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_NE(changed.err.find("BED files or the genome's index changed"), std::string::npos) << changed.err;
}

TEST_F(GenomeCli, TrainOnABedColumnAndOffEndIntervals) {
  test::write_file(dir / "sig.bed", "chr1\t0\t10\ta\t5\nchr1\t500\t510\tb\t7\nchr2\t1195\t1200\tc\t1\nchr3\t10\t20\td\t2\n");
  const RunResult r = dnacnn({"train", "--bed", path("sig.bed"), "--genome", g, "--target-col", "score", "--length",
                              "40", "--model", "linear", "--epochs", "1", "--batch-size", "1", "--out", path("run"),
                              "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto p = rows(dir / "run" / "predictions.tsv");
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[1][0], "chr1:-15-25");
  EXPECT_EQ(p[1][1], std::string(15, 'N') + genome.seqs.at("chr1").substr(0, 25));
  EXPECT_EQ(p[3][1], genome.seqs.at("chr2").substr(1177) + std::string(17, 'N'));
  EXPECT_EQ(p[2][3], "7");
}

TEST_F(GenomeCli, BedErrorsAreOneLine) {
  test::write_file(dir / "bad.bed", "chr1\t0\t10\ta\t5\nchrZ\t5\t15\tb\t7\n");
  expect_one_line_error(dnacnn({"train", "--bed", path("bad.bed"), "--genome", g, "--target-col", "score", "--out", path("r")}),
                        1, "dnacnn train: " + path("bad.bed") + ":2:1: sequence 'chrZ' is not in the genome");
  EXPECT_FALSE(std::filesystem::exists(dir / "r"));
  expect_one_line_error(dnacnn({"train", "--bed", path("bad.bed"), "--genome", g, "--out", path("r")}), 2,
                        "dnacnn train: --bed needs --target-col");
  expect_one_line_error(dnacnn({"train", "--out", path("r")}), 2, "dnacnn train: give either --data");
  test::write_gzip(dir / "plain.fa.gz", ">chr1\nACGT\n");
  expect_one_line_error(dnacnn({"train", "--bed", path("bad.bed"), "--genome", path("plain.fa.gz"), "--target-col",
                                "score", "--out", path("r")}),
                        1, "dnacnn train: " + path("plain.fa.gz") + ": is compressed with gzip");
  expect_one_line_error(dnacnn({"train", "--bed", peaks(), "--genome", g, "--target-col", "score", "--length", "40",
                                "--test-chroms", "chrX", "--out", path("r")}),
                        2, "dnacnn train: --test-chroms: 'chrX' is not a sequence of the genome");
}

TEST_F(GenomeCli, ScanVariantsAndAttributeEndToEnd) {
  test::write_linear_model(dir / "model", 20, 3);
  const std::string m = path("model");
  // scan: a sorted bedGraph and throughput in the log
  RunResult r = dnacnn({"scan", "--model", m, "--genome", g, "--step", "25", "--threads", "2", "--out", path("t.bedGraph")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("bases/s"), std::string::npos) << r.err;
  const auto track = rows(dir / "t.bedGraph");
  EXPECT_EQ(track.size(), 80u + 48 + 28);
  EXPECT_EQ(track.front()[0] + track.front()[1], "chr10");
  EXPECT_EQ(track.back()[0] + ":" + track.back()[2], "chr3:700");
  // variants: REF mismatches counted on stderr
  const std::string& chr1 = genome.seqs.at("chr1");
  const std::string wrong = chr1[9] == 'A' ? "C" : "A";
  test::write_file(dir / "v.vcf", "##fileformat=VCFv4.2\n##contig=<ID=chr1>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                                  "chr1\t10\tbad\t" + wrong + "\tG\t.\t.\t.\nchr1\t20\tok\t" + chr1.substr(19, 1) + "\tT,<INS>\t.\t.\t.\n");
  r = dnacnn({"variants", "--model", m, "--vcf", path("v.vcf"), "--genome", g, "--out", path("e.tsv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("2 records, 3 alleles: 2 scored, 1 skipped; 1 records whose REF differs"), std::string::npos) << r.err;
  const auto effects = rows(dir / "e.tsv");
  ASSERT_EQ(effects.size(), 4u);
  EXPECT_EQ(effects[1][6], "no");
  EXPECT_EQ(effects[3][7], "skipped: symbolic allele <INS>");
  r = dnacnn({"variants", "--model", m, "--vcf", path("v.vcf"), "--genome", g, "--quiet"});
  EXPECT_EQ(r.out, test::read_file(dir / "e.tsv")) << "stdout by default";
  // attribute
  test::write_file(dir / "s.tsv", "id\tseq\nx\t" + chr1.substr(0, 20) + "\ny\t" + chr1.substr(20, 20) + "\n");
  r = dnacnn({"attribute", "--model", m, "--in", path("s.tsv"), "--method", "saliency", "--out", path("attr")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::list_dir(dir / "attr"), (std::vector<std::string>{"attributions.safetensors", "attributions.tsv", "logos", "report.html", "sequences.tsv"}));
  EXPECT_EQ(test::list_dir(dir / "attr" / "logos").size(), 2u);
  expect_one_line_error(dnacnn({"attribute", "--model", m, "--in", path("s.tsv"), "--method", "deeplift", "--out", path("a2")}),
                        2, "dnacnn attribute: ");
}

// --genome g.2bit wherever --genome goes: train --bed (with gc-matched negatives), scan and
// variants write what they write from the FASTA, byte for byte; no index file appears; a
// truncated 2bit file is one line.
TEST_F(GenomeCli, TwoBitGenomesGiveWhatTheFastaGives) {
  test::write_two_bit(dir / "genome.2bit", genome.written);
  const std::string two_bit = path("genome.2bit");
  test::write_linear_model(dir / "model", 20, 3);
  test::write_file(dir / "v.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                                  "chr1\t20\tv\t" + genome.seqs.at("chr1").substr(19, 1) + "\tT\t.\t.\t.\n"
                                  "chr3\t120\tn\tN\tA\t.\t.\t.\n");
  for (const auto& [name, genome_file] : {std::pair{"fa", g}, std::pair{"2bit", two_bit}}) {
    RunResult r = dnacnn({"train", "--bed", peaks(), "--genome", genome_file, "--negatives", "gc-matched", "--length",
                          "30", "--test-chroms", "chr3", "--model", "cnn", "--epochs", "2", "--batch-size", "8", "--out",
                          path(std::string("run-") + name), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    r = dnacnn({"scan", "--model", path("model"), "--genome", genome_file, "--step", "25", "--out",
                path(std::string("scan-") + name + ".bedGraph"), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    r = dnacnn({"variants", "--model", path("model"), "--vcf", path("v.vcf"), "--genome", genome_file, "--out",
                path(std::string("v-") + name + ".tsv"), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
  }
  EXPECT_EQ(test::read_file(dir / "run-2bit" / "predictions.tsv"), test::read_file(dir / "run-fa" / "predictions.tsv"));
  EXPECT_EQ(test::read_file(dir / "run-2bit" / "model" / "weights.safetensors"),
            test::read_file(dir / "run-fa" / "model" / "weights.safetensors"));
  EXPECT_EQ(test::read_file(dir / "scan-2bit.bedGraph"), test::read_file(dir / "scan-fa.bedGraph"));
  EXPECT_EQ(test::read_file(dir / "v-2bit.tsv"), test::read_file(dir / "v-fa.tsv"));
  EXPECT_FALSE(std::filesystem::exists(two_bit + ".fai"));
  // Resuming checks the 2bit file itself for changes (it holds its own index).
  RunResult r = dnacnn({"train", "--resume", path("run-2bit"), "--epochs", "3", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string whole = test::read_file(two_bit);
  test::write_file(dir / "cut.2bit", whole.substr(0, whole.size() / 2));
  expect_one_line_error(dnacnn({"scan", "--model", path("model"), "--genome", path("cut.2bit"), "--out", path("x.bg")}), 1,
                        "dnacnn scan: " + path("cut.2bit") + ": is truncated");
}

TEST_F(GenomeCli, HelpShowsDefaults) {
  for (const auto& [cmd, needles] : std::map<std::string, std::vector<std::string>>{
           {"scan", {"--genome", "--regions", "--step", "=50", "--rc-average", "--threads", "=1"}},
           {"variants", {"--vcf", "--genome", "--max-indel", "=50", "--rc-average", "=-"}},
           {"attribute", {"--method", "=ism", "--logos", "=10", "--target", "--format", "--seq-col"}},
           {"evaluate", {"--bed", "--genome", "--negatives", "--target-col"}},
           {"train", {"--bed", "--genome", "--negatives", "--neg-ratio", "--val-chroms", "--test-chroms", "--length"}}}) {
    const RunResult r = dnacnn({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const auto& n : needles) EXPECT_NE(r.out.find(n), std::string::npos) << cmd << " --help lacks " << n;
    for (const std::string once : {"\n  --length ", "\n  --target-col ", "\n  --seq-col "})  // one registration each
      if (const auto at = r.out.find(once); at != std::string::npos)
        EXPECT_EQ(r.out.find(once, at + 1), std::string::npos) << cmd << once;
  }
}

}  // namespace
}  // namespace dnacnn

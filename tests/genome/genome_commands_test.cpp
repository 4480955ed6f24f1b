// scan, variants and attribute on a small genome with a linear model of known weights, whose
// every output can be computed by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "dnacnn/interpret/attribute.hpp"
#include "dnacnn/interpret/attribution.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/models/model_store.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/genome/scan.hpp"
#include "dnacnn/data/sequence.hpp"
#include "dnacnn/train/train.hpp"
#include "dnacnn/genome/variants.hpp"
#include "genome_fixture.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;
constexpr std::int64_t kLength = 20;

struct GenomeCommands : ::testing::Test {
  TempDir dir;
  test::TestGenome genome = test::write_test_genome(dir.path(), true);
  test::LinearModel model = test::write_linear_model(dir / "model", kLength, 11);
  Progress quiet = Progress::silent();

  // The genome between start and end, N outside the sequence.
  std::string window(const std::string& chrom, std::int64_t start, std::int64_t end) const {
    std::string s;
    const std::string& seq = genome.seqs.at(chrom);
    for (std::int64_t i = start; i < end; ++i)
      s += i < 0 || i >= static_cast<std::int64_t>(seq.size()) ? 'N' : seq[static_cast<std::size_t>(i)];
    return s;
  }
  std::vector<std::vector<std::string>> rows(const std::filesystem::path& p) const {
    std::vector<std::vector<std::string>> out;
    for (const auto& line : test::read_lines(p)) out.push_back(test::split(line, '\t'));
    return out;
  }
};

// --- scan ------------------------------------------------------------------------------------

TEST_F(GenomeCommands, ScanTilesEveryChromosomeWithWindowPredictions) {
  ScanRequest r{.models = {model.dir}, .genome = genome.fasta, .step = 7, .out = dir / "track.bedGraph"};
  r.chunk_bins = 5;
  const ScanResult res = run_scan(r, quiet);
  EXPECT_EQ(res.bases, 2000 + 1200 + 700);
  const auto lines = rows(r.out);
  EXPECT_EQ(res.windows, static_cast<std::int64_t>(lines.size()));
  std::map<std::string, std::int64_t> reached;
  std::string last_chrom;
  for (const auto& f : lines) {
    ASSERT_EQ(f.size(), 4u);
    const std::int64_t b = std::stoll(f[1]), e = std::stoll(f[2]);
    EXPECT_GE(f[0], last_chrom) << "sorted by chromosome";
    last_chrom = f[0];
    EXPECT_EQ(b, reached[f[0]]) << "bins are contiguous";
    EXPECT_EQ(e, std::min<std::int64_t>(b + 7, static_cast<std::int64_t>(genome.seqs.at(f[0]).size())));
    reached[f[0]] = e;
    const std::int64_t start = (b + e) / 2 - kLength / 2;
    EXPECT_NEAR(std::stod(f[3]), model.predict(window(f[0], start, start + kLength)), 1e-4) << f[0] << ":" << b;
  }
  for (const auto& [name, seq] : genome.seqs) EXPECT_EQ(reached[name], static_cast<std::int64_t>(seq.size())) << name;
}

TEST_F(GenomeCommands, ScanOutputDoesNotDependOnThreadsOrChunks) {
  ScanRequest r{.models = {model.dir}, .genome = genome.fasta, .step = 3, .out = dir / "one.bedGraph"};
  run_scan(r, quiet);
  r.out = dir / "three.bedGraph";
  r.threads = 3;
  r.chunk_bins = 4;
  r.batch_size = 5;
  run_scan(r, quiet);
  EXPECT_EQ(test::read_file(dir / "one.bedGraph"), test::read_file(dir / "three.bedGraph"));
}

TEST_F(GenomeCommands, ScanRegionsAreMergedSortedAndClipped) {
  test::write_file(dir / "r.bed", "chr2\t150\t260\nchr1\t10\t30\nchr2\t100\t200\nchr3\t690\t900\n");
  ScanRequest r{.models = {model.dir}, .genome = genome.fasta, .step = 50, .out = dir / "t.tsv"};
  r.regions = dir / "r.bed";
  r.rc_average = true;
  run_scan(r, quiet);
  const auto lines = rows(r.out);
  ASSERT_EQ(lines.size(), 1u + 1 + 4 + 1);
  EXPECT_EQ(lines[0], (std::vector<std::string>{"chrom", "start", "end", "score"}));
  EXPECT_EQ(lines[1], (std::vector<std::string>{"chr1", "10", "30", lines[1][3]}));
  EXPECT_EQ(lines[2][0] + ":" + lines[2][1] + "-" + lines[2][2], "chr2:100-150");
  EXPECT_EQ(lines[5][0] + ":" + lines[5][1] + "-" + lines[5][2], "chr2:250-260");
  EXPECT_EQ(lines[6][0] + ":" + lines[6][1] + "-" + lines[6][2], "chr3:690-700");
  const std::string w = window("chr3", 695 - kLength / 2, 695 + kLength / 2);
  EXPECT_NEAR(std::stod(lines[6][3]), (model.predict(w) + model.predict(reverse_complement(w))) / 2, 1e-4);

  test::write_file(dir / "bad.bed", "chr1\t10\t30\nchrUn\t1\t5\n");
  r.regions = dir / "bad.bed";
  EXPECT_THROW_MSG(run_scan(r, quiet), Error, (dir / "bad.bed").string() + ":2:1: sequence 'chrUn' is not in the genome");
}

TEST(ScanOutputs, OneBedGraphPerTarget) {
  EXPECT_EQ(scan_output_paths("out/t.bedGraph", {"score"}), (std::vector<std::filesystem::path>{"out/t.bedGraph"}));
  EXPECT_EQ(scan_output_paths("out/t.bedGraph", {"a", "b"}),
            (std::vector<std::filesystem::path>{"out/t.a.bedGraph", "out/t.b.bedGraph"}));
  EXPECT_EQ(scan_output_paths("t.tsv", {"a", "b"}), (std::vector<std::filesystem::path>{"t.tsv"}));
}

// --- variants --------------------------------------------------------------------------------

TEST_F(GenomeCommands, VariantEffectsMatchTheLinearModel) {
  const std::string& chr1 = genome.seqs.at("chr1");
  const std::string& chr2 = genome.seqs.at("chr2");
  const auto other = [](char b) { return b == 'A' ? std::string("C") : std::string("A"); };
  const std::string snv_alt = other(chr1[499]);
  const std::string bad_ref = other(chr1[699]);
  std::string vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
  vcf += "chr1\t500\tsnv\t" + std::string(1, chr1[499]) + "\t" + snv_alt + "\t.\t.\t.\n";
  vcf += "chr1\t600\tmulti\t" + std::string(1, chr1[599]) + "\t" + other(chr1[599]) + ",<DEL>,G\t.\t.\t.\n";
  vcf += "chr1\t700\tmismatch\t" + bad_ref + "\tT\t.\t.\t.\n";
  vcf += "chr2\t300\tdel\t" + chr2.substr(299, 3) + "\t" + chr2.substr(299, 1) + "\t.\t.\t.\n";
  vcf += "chr2\t400\tins\t" + chr2.substr(399, 1) + "\t" + chr2.substr(399, 1) + "GG\t.\t.\t.\n";
  vcf += "chr2\t1\tstart\t" + chr2.substr(0, 1) + "\t" + other(chr2[0]) + "\t.\t.\t.\n";
  vcf += "chr2\t500\tlong\t" + chr2.substr(499, 60) + "\t" + chr2.substr(499, 1) + "\t.\t.\t.\n";
  vcf += "chr3\t701\tpast\tA\tC\t.\t.\t.\n";
  test::write_bgzf(dir / "v.vcf.gz", vcf);
  VariantsRequest r{.models = {model.dir}, .vcf = dir / "v.vcf.gz", .genome = genome.fasta, .out = dir / "e.tsv"};
  const VariantsResult res = run_variants(r, quiet);
  EXPECT_EQ(res.records, 8);
  EXPECT_EQ(res.rows, 10);
  EXPECT_EQ(res.skipped, 3);  // <DEL>, the 60 bp deletion, the position past the end of chr3
  EXPECT_EQ(res.scored, 7);
  EXPECT_EQ(res.ref_mismatches, 2);
  const auto t = rows(r.out);
  ASSERT_EQ(t.size(), 11u);
  EXPECT_EQ(t[0], (std::vector<std::string>{"chrom", "pos", "id", "ref", "alt", "genome_ref", "ref_match", "status",
                                            "score_ref", "score_alt", "score_diff"}));
  const auto expect_row = [&](const std::vector<std::string>& f, const std::string& ref_seq, const std::string& alt_seq) {
    ASSERT_EQ(f.size(), 11u);
    EXPECT_EQ(f[7], "ok") << f[2];
    EXPECT_NEAR(std::stod(f[8]), model.predict(ref_seq), 1e-4) << f[2];
    EXPECT_NEAR(std::stod(f[9]), model.predict(alt_seq), 1e-4) << f[2];
    EXPECT_NEAR(std::stod(f[10]), model.predict(alt_seq) - model.predict(ref_seq), 1e-4) << f[2];
  };
  // The SNV's difference is the weight difference at the centre.
  const std::string ref500 = window("chr1", 499 - 10, 499 + 10);
  std::string alt500 = ref500;
  alt500[10] = snv_alt[0];
  expect_row(t[1], ref500, alt500);
  EXPECT_NEAR(std::stod(t[1][10]), model.weight(10, snv_alt[0]) - model.weight(10, chr1[499]), 1e-5);
  EXPECT_EQ(t[1][6], "yes");
  // Multi-allelic: one row per ALT; the symbolic one is skipped with its reason.
  EXPECT_EQ(t[2][2], "multi");
  EXPECT_EQ(t[3][4], "<DEL>");
  EXPECT_EQ(t[3][7], "skipped: symbolic allele <DEL>");
  EXPECT_EQ(t[3][8], "NA");
  EXPECT_EQ(t[4][4], "G");
  // REF mismatch: flagged, the genome's base shown, the VCF's alleles scored.
  EXPECT_EQ(t[5][6], "no");
  EXPECT_EQ(t[5][5], std::string(1, chr1[699]));
  std::string mm_ref = window("chr1", 689, 709), mm_alt = mm_ref;
  mm_ref[10] = bad_ref[0];
  mm_alt[10] = 'T';
  expect_row(t[5], mm_ref, mm_alt);
  // Deletion and insertion: left flank shared, the right flank follows the ALT allele.
  expect_row(t[6], window("chr2", 289, 309), window("chr2", 289, 300) + window("chr2", 302, 311));
  expect_row(t[7], window("chr2", 389, 409), window("chr2", 389, 400) + "GG" + window("chr2", 400, 407));
  // At position 1 the left flank is all N.
  std::string start_alt = window("chr2", -10, 10);
  start_alt[10] = other(chr2[0])[0];
  expect_row(t[8], window("chr2", -10, 10), start_alt);
  EXPECT_EQ(t[9][7], "skipped: allele longer than --max-indel 50");
  EXPECT_EQ(t[10][5] + "|" + t[10][6] + "|" + t[10][7], "N|no|skipped: position past the end of chr3 (700 bases)");
}

TEST_F(GenomeCommands, VariantsOnBinaryModelsGiveProbabilitiesAndLogRatios) {
  const test::LinearModel binary = test::write_linear_model(dir / "binary", kLength, 12, "binary");
  const std::string& chr1 = genome.seqs.at("chr1");
  test::write_file(dir / "v.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t100\t.\t" +
                                      std::string(1, chr1[99]) + "\tN\t.\t.\t.\n");
  VariantsRequest r{.models = {binary.dir}, .vcf = dir / "v.vcf", .genome = genome.fasta, .out = dir / "e.tsv"};
  r.rc_average = true;
  run_variants(r, quiet);
  const auto t = rows(r.out);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].back(), "score_log2_ratio");
  const auto prob = [&](const std::string& s) {
    const auto p = [&](const std::string& x) { return 1 / (1 + std::exp(-binary.predict(x))); };
    return (p(s) + p(reverse_complement(s))) / 2;
  };
  const std::string ref = window("chr1", 89, 109);
  std::string alt = ref;
  alt[10] = 'N';
  EXPECT_NEAR(std::stod(t[1][8]), prob(ref), 1e-5);
  EXPECT_NEAR(std::stod(t[1][9]), prob(alt), 1e-5);
  EXPECT_NEAR(std::stod(t[1][11]), std::log2(prob(alt) / prob(ref)), 1e-4);
}

// scan, variants and attribute report a binary model's outputs as `predict` does: one sigmoid,
// strands averaged after it.
TEST_F(GenomeCommands, BinaryModelsReportWhatPredictGives) {
  const test::LinearModel binary = test::write_linear_model(dir / "binary", kLength, 13, "binary");
  const Predictor predictor = Predictor::load(binary.dir);
  ScanRequest s{.models = {binary.dir}, .genome = genome.fasta, .step = 25, .out = dir / "scan.tsv"};
  s.rc_average = true;
  run_scan(s, quiet);
  const auto t = rows(s.out);
  std::vector<std::string> windows;
  for (std::size_t i = 1; i < t.size(); ++i) {
    const std::int64_t start = (std::stoll(t[i][1]) + std::stoll(t[i][2])) / 2 - kLength / 2;
    windows.push_back(window(t[i][0], start, start + kLength));
  }
  const std::vector<float> p = predictor.predict(sequences_from_strings(windows, "windows"), 64, true);
  ASSERT_EQ(p.size(), windows.size());
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const double by_hand = (1 / (1 + std::exp(-binary.predict(windows[i]))) +
                            1 / (1 + std::exp(-binary.predict(reverse_complement(windows[i]))))) / 2;
    EXPECT_NEAR(std::stod(t[i + 1][3]), p[i], 1e-5) << t[i + 1][0] << ":" << t[i + 1][1];
    EXPECT_NEAR(p[i], by_hand, 1e-5);
  }

  std::string fasta;
  for (std::size_t i = 0; i < 5; ++i) fasta += ">w" + std::to_string(i) + "\n" + windows[i * 7] + "\n";
  test::write_file(dir / "w.fa", fasta);
  AttributeRequest a{.models = {binary.dir}, .in = dir / "w.fa", .out = dir / "attr"};
  run_attribute(a, quiet);
  const auto seqs = rows(dir / "attr" / "sequences.tsv");
  ASSERT_EQ(seqs.size(), 6u);
  for (std::size_t i = 0; i < 5; ++i)
    EXPECT_NEAR(std::stod(seqs[i + 1][1]), predictor.predict(sequences_from_strings({windows[i * 7]}, "w"))[0], 1e-5);
}

TEST_F(GenomeCommands, AVariantOnAnUnknownSequenceIsAnErrorNamingIt) {
  test::write_file(dir / "v.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                                  "chr1\t5\t.\tA\tC\t.\t.\t.\nchr7\t5\t.\tA\tC\t.\t.\t.\n");
  VariantsRequest r{.models = {model.dir}, .vcf = dir / "v.vcf", .genome = genome.fasta, .out = dir / "e.tsv"};
  EXPECT_THROW_MSG(run_variants(r, quiet), Error, "record 2 (chr7:5): sequence 'chr7' is not in the genome");
  EXPECT_FALSE(std::filesystem::exists(dir / "e.tsv")) << "no half-written output";
}

// --- attribution -----------------------------------------------------------------------------

TEST_F(GenomeCommands, IsmOfALinearModelIsItsWeightDifferences) {
  const test::LinearModel m = test::write_linear_model(dir / "small", 12, 21);
  const Attributor a = Attributor::load(m.dir);
  const std::vector<std::string> seqs{"ACGTACGTNNAC", "TTTTGGGGCCCC"};
  const auto ism = a.attribute(seqs, AttributionMethod::ism, 0);
  const auto sal = a.attribute(seqs, AttributionMethod::saliency, 0);
  const auto gxi = a.attribute(seqs, AttributionMethod::gradxinput, 0);
  for (std::size_t s = 0; s < seqs.size(); ++s) {
    EXPECT_NEAR(ism[s].prediction, m.predict(seqs[s]), 1e-5);
    EXPECT_NEAR(sal[s].prediction, m.predict(seqs[s]), 1e-5);
    for (std::int64_t i = 0; i < 12; ++i) {
      const char obs = seqs[s][static_cast<std::size_t>(i)];
      double mean_effect = 0;
      for (int b = 0; b < 4; ++b) {
        const auto k = static_cast<std::size_t>(4 * i + b);
        const double w = m.weight(i, "ACGT"[b]);
        EXPECT_NEAR(ism[s].scores[k], w - m.weight(i, obs), 1e-5) << s << " " << i << " " << b;
        EXPECT_NEAR(sal[s].scores[k], w, 1e-6);
        EXPECT_NEAR(gxi[s].scores[k], "ACGT"[b] == obs ? w : 0.0, 1e-6);
        mean_effect += (w - m.weight(i, obs)) / 3;
      }
      const auto p = static_cast<std::size_t>(i);
      EXPECT_NEAR(ism[s].observed[p], obs == 'N' ? 0.0 : -mean_effect, 1e-5);
      EXPECT_NEAR(sal[s].observed[p], m.weight(i, obs), 1e-6);
      EXPECT_NEAR(gxi[s].observed[p], m.weight(i, obs), 1e-6);
    }
  }
}

TEST_F(GenomeCommands, IsmOfACnnMatchesPredictionsOfEveryMutant) {
  const SequenceData data = sequences_from_strings({"ACGTTGCAAC", "GGGTATACCC", "TATATATATA", "CGCGCGAAAA"}, "mem");
  SequenceData train = data;
  train.targets = {1, 2, 3, 4};
  TrainOptions o;
  o.epochs = 1;
  o.batch_size = 2;
  o.val_frac = 0;
  o.test_frac = 0;
  o.engine = EngineKind::torch;
  const TrainResult t = train_model(train, o, quiet);
  save_model(dir / "cnn", {t.config, t.weights});
  const std::shared_ptr<const LoadedModel> cnn = load_for_inference(dir / "cnn");  // one model, two views
  const Predictor predictor(cnn);
  const auto ism = Attributor(cnn).attribute(data.seqs, AttributionMethod::ism, 0);
  for (std::size_t s = 0; s < data.seqs.size(); ++s) {
    std::vector<std::string> mutants{data.seqs[s]};
    for (std::size_t i = 0; i < 10; ++i)
      for (char b : std::string("ACGT")) {
        mutants.push_back(data.seqs[s]);
        mutants.back()[i] = b;  // the observed base too: its score must be 0
      }
    const std::vector<float> f = predictor.predict(sequences_from_strings(mutants, "mutants"));
    ASSERT_EQ(ism[s].scores.size(), 40u);
    for (std::size_t k = 0; k < 40; ++k) EXPECT_NEAR(ism[s].scores[k], f[k + 1] - f[0], 1e-5) << s << " " << k;
  }
}

TEST_F(GenomeCommands, AttributeWritesTablesLogosAndAReport) {
  test::write_file(dir / "in.fa", ">first seq\nACGTACGTAC\nGTACGTACGT\n>second\nTTTTTTTTTTNNNNNAAAAA\n>third\nCCCCCCCCCCGGGGGGGGGG\n");
  AttributeRequest r{.models = {model.dir}, .in = dir / "in.fa", .out = dir / "attr"};
  r.logos = 2;
  const AttributeResult res = run_attribute(r, quiet);
  EXPECT_EQ(res.sequences, 3);
  EXPECT_EQ(res.logos, 2);
  const auto t = rows(dir / "attr" / "attributions.tsv");
  ASSERT_EQ(t.size(), 1u + 3 * 20);
  EXPECT_EQ(t[0], (std::vector<std::string>{"id", "pos", "base", "A", "C", "G", "T", "attribution"}));
  EXPECT_EQ(t[1][0], "first");
  EXPECT_EQ(t[21][0] + t[21][1] + t[21][2], "second1T");
  EXPECT_NEAR(std::stod(t[2][3]), model.weight(1, 'A') - model.weight(1, 'C'), 1e-5);
  EXPECT_EQ(test::list_dir(dir / "attr" / "logos"), (std::vector<std::string>{"1_first.svg", "2_second.svg"}));
  const std::string report = test::read_file(dir / "attr" / "report.html");
  EXPECT_NE(report.find("<svg"), std::string::npos);
  EXPECT_NE(report.find("second ("), std::string::npos);
  EXPECT_EQ(report.find("third ("), std::string::npos) << "only the first --logos sequences are drawn";
  const auto seqs = rows(dir / "attr" / "sequences.tsv");
  ASSERT_EQ(seqs.size(), 4u);
  EXPECT_NEAR(std::stod(seqs[3][1]), model.predict("CCCCCCCCCCGGGGGGGGGG"), 1e-4);

  test::write_file(dir / "short.fa", ">s\nACGT\n");
  r.in = dir / "short.fa";
  r.out = dir / "attr2";
  EXPECT_THROW_MSG(run_attribute(r, quiet), Error, (dir / "short.fa").string() + ":1: sequence 's' has 4 bases, the model expects 20");
}

}  // namespace
}  // namespace dnacnn

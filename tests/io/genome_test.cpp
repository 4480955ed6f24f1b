// Reference genomes (faidx over plain and bgzip FASTA), BED intervals and VCF records.
#include "dnacnn/io/genome.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "dnacnn/io/bed.hpp"
#include "dnacnn/io/vcf.hpp"
#include "genome_fixture.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

TEST(Genome, BgzipFastaIsIndexedAndFetchedExactly) {
  TempDir dir;
  const test::TestGenome g = test::write_test_genome(dir.path(), true);
  const io::Genome genome(g.fasta);
  EXPECT_TRUE(std::filesystem::exists(g.fasta.string() + ".fai"));
  EXPECT_TRUE(std::filesystem::exists(g.fasta.string() + ".gzi"));
  EXPECT_EQ(genome.names(), (std::vector<std::string>{"chr1", "chr2", "chr3"}));
  for (const auto& [name, seq] : g.seqs) {
    EXPECT_EQ(genome.length(name), static_cast<std::int64_t>(seq.size()));
    EXPECT_EQ(genome.fetch(name, 0, genome.length(name)), seq) << name;
    EXPECT_EQ(genome.fetch(name, 59, 181), seq.substr(59, 122)) << name << ": across line ends";
  }
  // Soft-masked bases come back upper case, IUPAC codes and N as N.
  EXPECT_EQ(genome.fetch("chr3", 100, 102), "NN");
  EXPECT_EQ(genome.fetch("chr3", 300, 301), "N");
  EXPECT_EQ(genome.fetch("chr3", 200, 260).find_first_of("acgt"), std::string::npos);
  // A second open reuses the index.
  EXPECT_EQ(io::Genome(g.fasta).fetch("chr2", 10, 20), g.seqs.at("chr2").substr(10, 10));
}

TEST(Genome, WindowsOffEitherEndArePaddedWithN) {
  TempDir dir;
  const test::TestGenome g = test::write_test_genome(dir.path(), false);
  const io::Genome genome(g.fasta);
  const std::string& chr2 = g.seqs.at("chr2");
  EXPECT_EQ(genome.fetch("chr2", -5, 5), "NNNNN" + chr2.substr(0, 5));
  EXPECT_EQ(genome.fetch("chr2", 1195, 1205), chr2.substr(1195) + "NNNNN");
  EXPECT_EQ(genome.fetch("chr2", 1300, 1304), "NNNN");
  EXPECT_EQ(genome.fetch("chr2", -3, 1203), "NNN" + chr2 + "NNN");
}

TEST(Genome, AStaleIndexIsRebuilt) {
  TempDir dir;
  test::write_file(dir / "g.fa", ">a\nACGTACGT\n");
  EXPECT_EQ(io::Genome(dir / "g.fa").length("a"), 8);
  test::write_file(dir / "g.fa", ">b\nTTTT\n>a\nCC\n");
  std::filesystem::last_write_time(dir / "g.fa", std::filesystem::last_write_time(dir / "g.fa.fai") + std::chrono::seconds(2));
  const io::Genome g(dir / "g.fa");
  EXPECT_EQ(g.names(), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(g.fetch("a", 0, 2), "CC");
}

TEST(Genome, UnknownNamesAndBadFilesAreErrorsNamingThem) {
  TempDir dir;
  const test::TestGenome g = test::write_test_genome(dir.path(), false);
  const io::Genome genome(g.fasta);
  EXPECT_FALSE(genome.contains("chrZ"));
  EXPECT_THROW_MSG(genome.length("chrZ", {"x.bed", 4, 1}), Error, "x.bed:4:1: sequence 'chrZ' is not in the genome");
  EXPECT_THROW_MSG(genome.fetch("chrZ", 0, 10), Error, "(it has chr1, chr2, chr3)");
  EXPECT_THROW_MSG(io::Genome(dir / "missing.fa"), Error, "no such genome FASTA file");
  test::write_gzip(dir / "plain.fa.gz", ">a\nACGT\n");
  EXPECT_THROW_MSG(io::Genome(dir / "plain.fa.gz"), Error, "recompress it with bgzip");
  test::write_file(dir / "notfasta.fa", "hello\nworld\n");
  EXPECT_THROW(io::Genome(dir / "notfasta.fa"), Error);
}

// A .2bit genome (version 0 and 1, either byte order) reads as its FASTA does: names, lengths, and
// every window, across N blocks and soft-masked stretches and off either end, with no index file.
TEST(TwoBit, ReadsAsTheFastaDoesWithoutAnIndex) {
  TempDir dir;
  const test::TestGenome g = test::write_test_genome(dir.path(), false);
  const io::Genome fasta(g.fasta);
  for (const auto& [version, swapped] : std::vector<std::pair<int, bool>>{{0, false}, {1, false}, {0, true}}) {
    const fs::path path = dir / ("g" + std::to_string(version) + (swapped ? "s" : "") + ".2bit");
    test::write_two_bit(path, g.written, version, swapped);
    const io::Genome two_bit(path);
    EXPECT_FALSE(fs::exists(path.string() + ".fai"));
    EXPECT_EQ(two_bit.names(), fasta.names());
    EXPECT_EQ(two_bit.fingerprint_file(), path);
    for (const auto& [name, seq] : g.seqs) {
      ASSERT_EQ(two_bit.length(name), fasta.length(name)) << name;
      EXPECT_EQ(two_bit.fetch(name, 0, two_bit.length(name)), seq) << name;
      for (std::int64_t start : {-7, 0, 1, 2, 3, 95, 99, 149, 199, 259, 299, 650})
        for (std::int64_t width : {1, 2, 5, 64, 121})
          EXPECT_EQ(two_bit.fetch(name, start, start + width), fasta.fetch(name, start, start + width))
              << name << ":" << start << "+" << width << " version " << version;
    }
  }
}

TEST(TwoBit, TruncatedOrDamagedFilesAreOneLineNamingThem) {
  TempDir dir;
  const test::TestGenome g = test::write_test_genome(dir.path(), false);
  test::write_two_bit(dir / "g.2bit", g.written);
  const std::string whole = test::read_file(dir / "g.2bit");
  // Cut inside the header, the index, a sequence's record and its bases: an Error each, no crash.
  for (std::size_t cut : {std::size_t{6}, std::size_t{20}, std::size_t{60}, whole.size() / 2, whole.size() - 1}) {
    test::write_file(dir / "cut.2bit", whole.substr(0, cut));
    EXPECT_THROW_MSG(io::Genome(dir / "cut.2bit"), Error, (dir / "cut.2bit").string() + ": is truncated") << cut;
  }
  std::string version = whole;
  version[4] = 7;
  test::write_file(dir / "v7.2bit", version);
  EXPECT_THROW_MSG(io::Genome(dir / "v7.2bit"), Error, "is a 2bit file of version 7");
}

// The test's 2bit writer agrees with Biopython's 2bit reader (Debian's python3-biopython): the
// files the tests read are what faToTwoBit writes.
TEST(TwoBit, BiopythonReadsTheTestFilesAsWritten) {
  TempDir dir;
  const test::TestGenome g = test::write_test_genome(dir.path(), false);
  test::write_two_bit(dir / "g.2bit", g.written);
  const test::RunResult r = test::run_program(
      "/usr/bin/python3", {"-c", "import sys\nfrom Bio import SeqIO\n"
                                 "for rec in SeqIO.parse(open(sys.argv[1], 'rb'), 'twobit'):\n"
                                 "    print(rec.id, str(rec.seq))\n",
                           (dir / "g.2bit").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected;
  for (const auto& [name, seq] : g.written) {
    std::string as_read = seq;  // Biopython keeps the soft mask as lower case; non-ACGT is N
    for (char& c : as_read)
      if (std::string_view("ACGTacgt").find(c) == std::string_view::npos) c = 'N';
    expected += name + " " + as_read + "\n";
  }
  EXPECT_EQ(r.out, expected);
}

// An index written by another tool (or damaged) that would make htslib divide by zero or read past
// the file is refused at open, naming the .fai and its line (found by `make fuzz`).
TEST(Genome, AnIndexThatDoesNotFitTheFastaIsAnErrorNamingItsLine) {
  TempDir dir;
  test::write_file(dir / "g.fa", ">chr1\nACGTACGT\nAC\n>chr2\nTTTT\n");
  const std::string fai = (dir / "g.fa.fai").string();
  test::write_file(fai, "chr1\t10\t6\t8\t9\nchr2\t4\t24\t0\t5\n");  // 0 bases per line
  EXPECT_THROW_MSG(io::Genome(dir / "g.fa"), Error, fai + ":2: is not a valid index of this FASTA");
  test::write_file(fai, "chr1\t10\t6\t8\t9\nchr2\t400\t24\t4\t5\n");  // past the file's end
  EXPECT_THROW_MSG(io::Genome(dir / "g.fa"), Error, fai + ":2: is not a valid index");
  test::write_file(fai, "chr1\t10\t6\t8\t9\nchr2\t55565\t24\t4\t2222222264995922295\n");  // no overflow
  EXPECT_THROW_MSG(io::Genome(dir / "g.fa"), Error, fai + ":2: is not a valid index");
  // a NUL ends the name for htslib, which then reads "6-1" as the length and offset -1: 2^64 - 1
  test::write_file(fai, "chr1\t10\t6\t8\t9\nchr2" + std::string(1, '\0') + "6-1\t4\t24\t4\t5\n");
  EXPECT_THROW_MSG(io::Genome(dir / "g.fa"), Error, fai + ":2: is not a valid index");
  test::write_file(fai, "chr1\t10\t6\t8\t9\nchr2\t4\t24\t4\t5\n");  // what samtools faidx writes
  EXPECT_EQ(io::Genome(dir / "g.fa").fetch("chr2", 0, 4), "TTTT");
}

TEST(GenomeContent, GcAndNFractions) {
  EXPECT_DOUBLE_EQ(io::gc_fraction("GGCCAATT"), 0.5);
  EXPECT_DOUBLE_EQ(io::gc_fraction("GCNN"), 1.0);
  EXPECT_DOUBLE_EQ(io::gc_fraction("NNNN"), 0.0);
  EXPECT_DOUBLE_EQ(io::n_fraction("ANNA"), 0.5);
}

TEST(Bed, ReadsIntervalsSkippingHeadersAndKeepsEveryColumn) {
  TempDir dir;
  test::write_file(dir / "r.bed",
                   "track name=peaks\n# comment\nbrowser position chr1\nchr1\t10\t20\tp1\t500\t+\t3.5\n\nchr2\t0\t5\r\n");
  const auto recs = io::read_bed(dir / "r.bed");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].chrom, "chr1");
  EXPECT_EQ(recs[0].start, 10);
  EXPECT_EQ(recs[0].end, 20);
  EXPECT_EQ(recs[0].line, 4);
  EXPECT_EQ(recs[0].fields.at(6), "3.5");
  EXPECT_EQ(recs[1].end, 5);
  EXPECT_EQ(recs[1].fields.size(), 3u);
  test::write_gzip(dir / "r.bed.gz", "chr1\t1\t2\n");
  EXPECT_EQ(io::read_bed(dir / "r.bed.gz").at(0).start, 1);
}

TEST(Bed, BadLinesAreLocatedErrors) {
  TempDir dir;
  const auto bad = [&](const std::string& text) {
    test::write_file(dir / "b.bed", text);
    return (dir / "b.bed").string();
  };
  std::string p = bad("chr1\t10\n");
  EXPECT_THROW_MSG(io::read_bed(p), Error, p + ":1: a BED line needs at least 3");
  p = bad("chr1\t1\t2\nchr1\tx\t20\n");
  EXPECT_THROW_MSG(io::read_bed(p), Error, p + ":2:6: BED start must be a whole number");
  p = bad("chr1\t-4\t20\n");
  EXPECT_THROW_MSG(io::read_bed(p), Error, "BED start must be a whole number >= 0, got '-4'");
  p = bad("chr1\t30\t20\n");
  EXPECT_THROW_MSG(io::read_bed(p), Error, p + ":1:9: BED end 20 is before start 30");
  p = bad("# only a comment\n");
  EXPECT_THROW_MSG(io::read_bed(p), Error, "no intervals");
}

TEST(Bed, ColumnsByNumberOrName) {
  EXPECT_EQ(io::bed_column("score"), 4u);
  EXPECT_EQ(io::bed_column("signalValue"), 6u);
  EXPECT_EQ(io::bed_column("7"), 6u);
  EXPECT_EQ(io::bed_column("12"), 11u);
  EXPECT_EQ(io::bed_column_name(4), "score");
  EXPECT_EQ(io::bed_column_name(11), "col12");
  EXPECT_THROW_MSG(io::bed_column("2"), UsageError, "column number from 4");
  EXPECT_THROW_MSG(io::bed_column("signal"), UsageError, "got 'signal'");
}

constexpr const char* kVcf =
    "##fileformat=VCFv4.2\n"
    "##contig=<ID=chr1,length=2000>\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    "chr1\t100\trs1\tA\tG\t.\tPASS\t.\n"
    "chr1\t200\t.\tC\tT,AG\t.\tPASS\t.\n"
    "chr1\t300\tdel\tACGT\tA\t.\tPASS\t.\n"
    "chr1\t400\tsv\tN\t<DEL>\t.\tPASS\t.\n";

TEST(Vcf, ReadsRecordsPlainAndBgzip) {
  TempDir dir;
  test::write_file(dir / "v.vcf", kVcf);
  test::write_bgzf(dir / "v.vcf.gz", kVcf);
  for (const char* name : {"v.vcf", "v.vcf.gz"}) {
    io::VcfReader vcf(dir / name);
    std::vector<io::VcfRecord> recs;
    io::VcfRecord r;
    while (vcf.next(r)) recs.push_back(r);
    ASSERT_EQ(recs.size(), 4u) << name;
    EXPECT_EQ(recs[0].chrom, "chr1");
    EXPECT_EQ(recs[0].pos, 100);
    EXPECT_EQ(recs[0].id, "rs1");
    EXPECT_EQ(recs[0].ref, "A");
    EXPECT_EQ(recs[1].alts, (std::vector<std::string>{"T", "AG"}));
    EXPECT_EQ(recs[1].id, ".");
    EXPECT_EQ(recs[2].ref, "ACGT");
    EXPECT_EQ(recs[3].alts, (std::vector<std::string>{"<DEL>"}));
    EXPECT_EQ(recs[3].number, 4);
  }
}

TEST(Vcf, MissingOrForeignFilesAreErrors) {
  TempDir dir;
  EXPECT_THROW_MSG(io::VcfReader(dir / "none.vcf"), Error, "no such VCF file");
  test::write_file(dir / "x.vcf", "chr1\t10\t20\n");
  EXPECT_THROW(io::VcfReader(dir / "x.vcf"), Error);
  // Contigs missing from the header are fine; a position that is not a number is not.
  test::write_file(dir / "short.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                                      "chrQ\t5\t.\tA\tC\t.\t.\t.\nchr1\tabc\t.\tA\tC\t.\t.\t.\n");
  io::VcfReader vcf(dir / "short.vcf");
  io::VcfRecord r;
  ASSERT_TRUE(vcf.next(r));
  EXPECT_EQ(r.chrom, "chrQ");
  EXPECT_THROW_MSG(vcf.next(r), Error, (dir / "short.vcf").string() + ": record 2 has no valid POS");
  // An empty CHROM column (htslib reads it as a contig named "") is refused (found by `make fuzz`).
  test::write_file(dir / "nochrom.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                                        "\t10\t.\tA\tC\t.\t.\t.\n");
  io::VcfReader nochrom(dir / "nochrom.vcf");
  EXPECT_THROW_MSG(nochrom.next(r), Error, ": record 1 has an empty CHROM column");
}

}  // namespace
}  // namespace dnacnn

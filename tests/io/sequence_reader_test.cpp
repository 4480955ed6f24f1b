// Users' own data: FASTA (wrapped, gzip, CRLF) with a labels table, several targets, a given
// split, length fitting, and reading in batches (what streaming predict relies on).
#include "dnacnn/io/sequence_reader.hpp"

#include <gtest/gtest.h>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/io/fasta.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

const std::string kFasta = ">r1 first record\nACGTAC\nGTAC\n>r2\nttttgg\n\n>r3\tdesc\nNNAC\nG\n";

TEST(Fasta, WrappedLinesAndHeaders) {
  TempDir dir;
  test::write_file(dir / "d.fa", kFasta);
  TableOptions o;
  o.require_target = false;
  const SequenceData d = read_sequence_table(dir / "d.fa", o);
  EXPECT_EQ(d.ids, (std::vector<std::string>{"r1", "r2", "r3"}));
  EXPECT_EQ(d.seqs, (std::vector<std::string>{"ACGTACGTAC", "TTTTGG", "NNACG"}));
  EXPECT_EQ(d.lines, (std::vector<long>{1, 4, 7}));
  EXPECT_FALSE(d.has_targets());
}

TEST(Fasta, GzipAndCrlfReadTheSame) {
  TempDir dir;
  std::string crlf;
  for (char c : kFasta) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  test::write_gzip(dir / "d.fasta.gz", crlf);
  TableOptions o;
  o.require_target = false;
  const SequenceData d = read_sequence_table(dir / "d.fasta.gz", o);
  EXPECT_EQ(d.seqs, (std::vector<std::string>{"ACGTACGTAC", "TTTTGG", "NNACG"}));
  // --format overrides the extension.
  test::write_file(dir / "d.txt", kFasta);
  o.format = "fasta";
  EXPECT_EQ(read_sequence_table(dir / "d.txt", o).seqs, d.seqs);
}

TEST(Fasta, ErrorsAreLocated) {
  TempDir dir;
  TableOptions o;
  o.require_target = false;
  test::write_file(dir / "a.fa", "ACGT\n>r1\nACGT\n");
  EXPECT_THROW_MSG(read_sequence_table(dir / "a.fa", o), Error, (dir / "a.fa").string() + ":1:1: expected a FASTA header");
  test::write_file(dir / "b.fa", ">r1\nACGT\nACXT\n");
  EXPECT_THROW_MSG(read_sequence_table(dir / "b.fa", o), Error, (dir / "b.fa").string() + ":3:3: invalid base 'X'");
  test::write_file(dir / "c.fa", ">r1\n>r2\nACGT\n");
  EXPECT_THROW_MSG(read_sequence_table(dir / "c.fa", o), Error, (dir / "c.fa").string() + ":1: empty sequence for record 'r1'");
  test::write_file(dir / "d.fa", "");
  EXPECT_THROW_MSG(read_sequence_table(dir / "d.fa", o), Error, "no FASTA records");
  test::write_file(dir / "e.fa", "> r1\nACGT\n");
  EXPECT_THROW_MSG(read_sequence_table(dir / "e.fa", o), Error, ":1: FASTA header without a name");
}

TEST(Fasta, TargetsComeFromLabelsJoinedOnId) {
  TempDir dir;
  test::write_file(dir / "d.fa", kFasta);
  test::write_file(dir / "labels.tsv", "id\tbound\tsplit\tnote\nr3\t1\ttest\tx\nr1\t0\ttrain\ty\nr2\t1\tval\tz\nextra\t0\ttrain\tw\n");
  TableOptions o;
  o.labels = dir / "labels.tsv";
  o.split_col = "split";
  const SequenceData d = read_sequence_table(dir / "d.fa", o);
  EXPECT_EQ(d.target_names, (std::vector<std::string>{"bound"}));
  EXPECT_EQ(d.targets, (std::vector<float>{0, 1, 1}));  // in FASTA order
  EXPECT_EQ(d.given_split, (std::vector<Split>{Split::train, Split::val, Split::test}));

  test::write_file(dir / "short.tsv", "id\tbound\nr1\t0\nr2\t1\n");
  o.labels = dir / "short.tsv";
  o.split_col.clear();
  EXPECT_THROW_MSG(read_sequence_table(dir / "d.fa", o), Error, (dir / "d.fa").string() + ":7: record 'r3' has no row");
  test::write_file(dir / "dup.tsv", "id\tbound\nr1\t0\nr1\t1\n");
  o.labels = dir / "dup.tsv";
  EXPECT_THROW_MSG(read_sequence_table(dir / "d.fa", o), Error, (dir / "dup.tsv").string() + ":3: id 'r1' occurs twice");
  TableOptions no_labels;
  EXPECT_THROW_MSG(read_sequence_table(dir / "d.fa", no_labels), Error, "--labels");
}

TEST(ReadTable, SeveralTargetsAndAGivenSplit) {
  TempDir dir;
  test::write_file(dir / "d.csv", "name,seq,a,fold,b\nx,ACGT,1,train,2\ny,AAAA,3,test,4\nz,CCCC,5,val,6\n");
  TableOptions o;
  o.id_col = "name";
  o.split_col = "fold";
  const SequenceData d = read_sequence_table(dir / "d.csv", o);
  EXPECT_EQ(d.ids, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(d.target_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.targets, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(d.given_split, (std::vector<Split>{Split::train, Split::test, Split::val}));
  test::write_file(dir / "e.csv", "seq,a,fold\nACGT,1,train\nAAAA,3,testing\n");
  o.id_col = "id";
  EXPECT_THROW_MSG(read_sequence_table(dir / "e.csv", o), Error,
                   (dir / "e.csv").string() + ":3:8: split value 'testing' is not train, val or test");
}

TEST(ReadTable, HeaderOnlyFile) {
  TempDir dir;
  test::write_file(dir / "h.tsv", "seq\tscore\r\n");
  EXPECT_THROW_MSG(read_sequence_table(dir / "h.tsv"), Error, "no data rows after the header");
  // Streaming reads it as zero rows (predict writes just its header).
  io::SequenceReader reader(dir / "h.tsv", {.require_target = false});
  SequenceData batch;
  EXPECT_EQ(reader.read(batch, 10), 0);
}

TEST(FitLength, CentreCropAndPadding) {
  EXPECT_EQ(fit_length("AACCGGTT", 4, Pad::both), "CCGG");
  EXPECT_EQ(fit_length("AACCGGTTA", 4, Pad::both), "CCGG");  // odd excess: one more base cut on the right
  EXPECT_EQ(fit_length("ACG", 6, Pad::both), "NACGNN");
  EXPECT_EQ(fit_length("ACG", 6, Pad::left), "NNNACG");
  EXPECT_EQ(fit_length("ACG", 6, Pad::right), "ACGNNN");
  EXPECT_EQ(fit_length("ACG", 3, Pad::left), "ACG");
  EXPECT_THROW(parse_pad("middle"), UsageError);
}

TEST(FitLength, MixedLengthsWithAndWithoutLength) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "seq\tscore\nACGTAC\t1\nACG\t2\nACGTACGTAC\t3\nACGTAC\t4\n");
  const SequenceData raw = read_sequence_table(dir / "d.tsv");
  EXPECT_THROW_MSG(raw.common_length(), Error, "3 bp (1 rows), 6 bp (2 rows), 10 bp (1 rows); give --length L");
  TableOptions o;
  o.length = 6;
  o.pad = Pad::right;
  const SequenceData d = read_sequence_table(dir / "d.tsv", o);
  EXPECT_EQ(d.seqs, (std::vector<std::string>{"ACGTAC", "ACGNNN", "GTACGT", "ACGTAC"}));
  EXPECT_EQ(d.common_length(), 6);
  EXPECT_EQ(d.cropped, 1);
  EXPECT_EQ(d.padded, 1);
}

TEST(SequenceReader, BatchesCoverEveryRowOnce) {
  TempDir dir;
  std::string text = "id\tseq\n";
  for (int i = 0; i < 1000; ++i) text += "r" + std::to_string(i) + "\t" + std::string(1 + i % 7, "ACGT"[i % 4]) + "\n";
  test::write_gzip(dir / "d.tsv.gz", text);
  io::SequenceReader reader(dir / "d.tsv.gz", {.require_target = false});
  EXPECT_TRUE(reader.has_ids());
  SequenceData batch;
  std::int64_t total = 0, batches = 0;
  while (const std::int64_t n = reader.read(batch, 64)) {
    ASSERT_EQ(batch.size(), n);
    EXPECT_EQ(batch.ids.front(), "r" + std::to_string(total));
    total += n;
    ++batches;
  }
  EXPECT_EQ(total, 1000);
  EXPECT_EQ(batches, 16);
}

}  // namespace
}  // namespace dnacnn

// Reading sequence tables: formats (TSV, CSV, gzip, BGZF, CRLF, BOM), validation with file:line:col
// messages, and encoding whole data sets.
#include "dnacnn/data/dataset.hpp"

#include <gtest/gtest.h>
#include <htslib/bgzf.h>

#include "dnacnn/data/encode.hpp"
#include "dnacnn/core/error.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

// BGZF (what `bgzip` writes).
void write_bgzf(const std::filesystem::path& path, const std::string& content) {
  BGZF* f = bgzf_open(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(bgzf_write(f, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ASSERT_EQ(bgzf_close(f), 0);
}

const std::string kTable = "seq\tscore\nACGT\t1.5\nTTTT\t-2\nGGGA\t3e1\n";

void expect_basic_table(const SequenceData& d) {
  EXPECT_EQ(d.seqs, (std::vector<std::string>{"ACGT", "TTTT", "GGGA"}));
  EXPECT_EQ(d.targets, (std::vector<float>{1.5f, -2.0f, 30.0f}));
  EXPECT_EQ(d.lines, (std::vector<long>{2, 3, 4}));
  EXPECT_EQ(d.target_names, std::vector<std::string>{"score"});
  EXPECT_EQ(d.common_length(), 4);
}

// The Error a table throws, or "" (and a failure) when it reads fine.
std::string read_error(const std::filesystem::path& path, const TableOptions& options = {}) {
  return test::thrown_message<Error>([&] { read_sequence_table(path, options); });
}

TEST(ReadTable, Tsv) {
  TempDir dir;
  test::write_file(dir / "d.tsv", kTable);
  const SequenceData d = read_sequence_table(dir / "d.tsv");
  expect_basic_table(d);
  EXPECT_EQ(d.source, (dir / "d.tsv").string());
  EXPECT_TRUE(d.ids.empty());
}

TEST(ReadTable, Csv) {
  TempDir dir;
  test::write_file(dir / "d.csv", "seq,score\nACGT,1.5\nTTTT,-2\nGGGA,3e1\n");
  expect_basic_table(read_sequence_table(dir / "d.csv"));
}

TEST(ReadTable, TxtAndUnknownExtensionsAreTabSeparated) {
  TempDir dir;
  test::write_file(dir / "d.txt", kTable);
  test::write_file(dir / "d.data", kTable);
  expect_basic_table(read_sequence_table(dir / "d.txt"));
  expect_basic_table(read_sequence_table(dir / "d.data"));
}

TEST(ReadTable, Gzip) {
  TempDir dir;
  test::write_gzip(dir / "d.tsv.gz", kTable);
  expect_basic_table(read_sequence_table(dir / "d.tsv.gz"));
  test::write_gzip(dir / "d.csv.gz", "seq,score\nACGT,1.5\nTTTT,-2\nGGGA,3e1\n");
  expect_basic_table(read_sequence_table(dir / "d.csv.gz"));
}

TEST(ReadTable, Bgzf) {
  TempDir dir;
  write_bgzf(dir / "d.tsv.bgz", kTable);
  expect_basic_table(read_sequence_table(dir / "d.tsv.bgz"));
  write_bgzf(dir / "d.tsv.gz", kTable);
  expect_basic_table(read_sequence_table(dir / "d.tsv.gz"));
}

TEST(ReadTable, GzipOfManyRows) {
  // Larger than one compressed block and one read buffer.
  std::string text = "seq\tscore\n";
  for (int i = 0; i < 50000; ++i) text += (i % 2 ? "ACGTACGT\t" : "TTTTGGGG\t") + std::to_string(i) + "\n";
  TempDir dir;
  test::write_gzip(dir / "big.tsv.gz", text);
  const SequenceData d = read_sequence_table(dir / "big.tsv.gz");
  ASSERT_EQ(d.size(), 50000);
  EXPECT_EQ(d.targets.back(), 49999.0f);
  EXPECT_EQ(d.lines.back(), 50001);
}

TEST(ReadTable, TruncatedGzipIsError) {
  std::string text = "seq\tscore\n";
  for (int i = 0; i < 20000; ++i) text += "ACGTACGTAC\t" + std::to_string(i * 7 % 1000) + "\n";
  TempDir dir;
  test::write_gzip(dir / "full.tsv.gz", text);
  const std::string bytes = test::read_file(dir / "full.tsv.gz");
  test::write_file(dir / "cut.tsv.gz", bytes.substr(0, bytes.size() / 2));
  const std::string msg = read_error(dir / "cut.tsv.gz");
  EXPECT_NE(msg.find((dir / "cut.tsv.gz").string()), std::string::npos) << msg;
}

TEST(ReadTable, CrlfLineEnds) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "seq\tscore\r\nACGT\t1.5\r\nTTTT\t-2\r\nGGGA\t3e1\r\n");
  expect_basic_table(read_sequence_table(dir / "d.tsv"));
  // The sequence in the last column: "\r" must not become part of it.
  test::write_file(dir / "e.tsv", "score\tseq\r\n1\tACGT\r\n2\tTTTT\r\n");
  const SequenceData e = read_sequence_table(dir / "e.tsv");
  EXPECT_EQ(e.seqs, (std::vector<std::string>{"ACGT", "TTTT"}));
  EXPECT_EQ(e.targets, (std::vector<float>{1, 2}));
}

TEST(ReadTable, Utf8Bom) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "\xEF\xBB\xBF" + kTable);
  expect_basic_table(read_sequence_table(dir / "d.tsv"));
  test::write_file(dir / "e.csv", "\xEF\xBB\xBFseq,score\r\nACGT,1.5\r\nTTTT,-2\r\nGGGA,3e1\r\n");
  expect_basic_table(read_sequence_table(dir / "e.csv"));
}

TEST(ReadTable, LowercaseIsUppercased) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "seq\tscore\nacgt\t1\nAcGn\t2\n");
  const SequenceData d = read_sequence_table(dir / "d.tsv");
  EXPECT_EQ(d.seqs, (std::vector<std::string>{"ACGT", "ACGN"}));
}

TEST(ReadTable, BlankLinesAreSkippedAndLineNumbersKept) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "seq\tscore\n\nACGT\t1\n\nTTTT\t2\n");
  const SequenceData d = read_sequence_table(dir / "d.tsv");
  EXPECT_EQ(d.size(), 2);
  EXPECT_EQ(d.lines, (std::vector<long>{3, 5}));
}

TEST(ReadTable, IdAndNamedColumns) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "id\tother\tsequence\texpr\nr1\tx\tACGT\t1\nr2\ty\tAAAA\t2\n");
  TableOptions o;
  o.seq_col = "sequence";
  o.target_cols = {"expr"};
  const SequenceData d = read_sequence_table(dir / "d.tsv", o);
  EXPECT_EQ(d.ids, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(d.seqs, (std::vector<std::string>{"ACGT", "AAAA"}));
  EXPECT_EQ(d.targets, (std::vector<float>{1, 2}));
  EXPECT_EQ(d.target_names, std::vector<std::string>{"expr"});
}

TEST(ReadTable, DefaultTargetsAreEveryNumericColumn) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "id\tseq\tfirst\tnote\tsecond\nr1\tACGT\t5\tx\t6\nr2\tAAAA\t7\ty\t8\n");
  const SequenceData d = read_sequence_table(dir / "d.tsv");
  EXPECT_EQ(d.target_names, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(d.targets, (std::vector<float>{5, 6, 7, 8}));  // row-major
  EXPECT_EQ(d.target(1, 1), 8);
  EXPECT_EQ(d.target_column(0), (std::vector<float>{5, 7}));
  TableOptions o;
  o.target_cols = {"second"};
  EXPECT_EQ(read_sequence_table(dir / "d.tsv", o).targets, (std::vector<float>{6, 8}));
}

TEST(ReadTable, NoTargetColumn) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "seq\nACGT\nAAAA\n");
  const std::string msg = read_error(dir / "d.tsv");
  EXPECT_NE(msg.find("no target column"), std::string::npos) << msg;
  TableOptions o;
  o.require_target = false;
  const SequenceData d = read_sequence_table(dir / "d.tsv", o);
  EXPECT_EQ(d.size(), 2);
  EXPECT_FALSE(d.has_targets());
}

TEST(ReadTable, InvalidCharacterIsLocatedError) {
  TempDir dir;
  const auto path = dir / "d.tsv";
  test::write_file(path, "seq\tscore\nACGT\t1\nACXT\t2\n");
  try {
    read_sequence_table(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string expected_prefix = path.string() + ":3:3: ";
    EXPECT_EQ(std::string(e.what()).substr(0, expected_prefix.size()), expected_prefix) << e.what();
    EXPECT_NE(std::string(e.what()).find("'X' (0x58)"), std::string::npos) << e.what();
    EXPECT_EQ(e.where().file, path.string());
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().column, 3);
    EXPECT_EQ(e.exit_code(), kExitDataError);
  }
}

TEST(ReadTable, InvalidCharacterColumnCountsEarlierFields) {
  TempDir dir;
  const auto path = dir / "d.tsv";
  // "r2\tAAAx": the sequence starts at column 4, the x is its 4th character -> column 7.
  test::write_file(path, "id\tseq\tscore\nr1\tAAAA\t1\nr2\tAAAx\t2\n");
  EXPECT_THROW_MSG(read_sequence_table(path), Error, path.string() + ":3:7: ");
  // With a BOM and CRLF the columns are unchanged on data lines.
  test::write_file(path, "\xEF\xBB\xBFid,score,seq\r\nr1,1,AAAA\r\nlonger_id,2,AA-A\r\n");
  const auto csv = dir / "d.csv";
  std::filesystem::rename(path, csv);
  EXPECT_THROW_MSG(read_sequence_table(csv), Error, csv.string() + ":3:15: ");
}

TEST(ReadTable, InvalidCharactersOfAllKinds) {
  TempDir dir;
  const auto path = dir / "d.tsv";
  for (const std::string& bad : {std::string("U"), std::string(" "), std::string("*"), std::string("\xC3\xA9"),
                                 std::string(1, '\0'), std::string("1")}) {
    test::write_file(path, "seq\tscore\nACGT\t1\nAC" + bad + "T\t2\n");
    const std::string msg = read_error(path);
    EXPECT_EQ(msg.rfind(path.string() + ":3:3: invalid base", 0), 0u) << msg;
  }
}

TEST(ReadTable, GzipErrorsHaveLineNumbers) {
  TempDir dir;
  const auto path = dir / "d.tsv.gz";
  test::write_gzip(path, "seq\tscore\nACGT\t1\nACGT\t2\nACGQ\t2\n");
  EXPECT_THROW_MSG(read_sequence_table(path), Error, path.string() + ":4:4: ");
}

TEST(ReadTable, EmptySequenceIsError) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "score\tseq\n1\tACGT\n2\t\n");
  EXPECT_THROW_MSG(read_sequence_table(dir / "d.tsv"), Error, ":3:3: empty sequence");
}

TEST(ReadTable, EmptyFile) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "");
  EXPECT_THROW_MSG(read_sequence_table(dir / "d.tsv"), Error, "empty file");
}

TEST(ReadTable, HeaderOnly) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "seq\tscore\n");
  EXPECT_THROW_MSG(read_sequence_table(dir / "d.tsv"), Error, "no data rows");
  test::write_file(dir / "e.tsv", "seq\tscore\n\n\n");
  EXPECT_THROW_MSG(read_sequence_table(dir / "e.tsv"), Error, "no data rows");
}

TEST(ReadTable, MissingColumnListsColumns) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "sequence\tscore\nACGT\t1\n");
  const std::string msg = read_error(dir / "d.tsv");
  EXPECT_NE(msg.find("no column 'seq'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'sequence', 'score'"), std::string::npos) << msg;
  TableOptions o;
  o.seq_col = "sequence";
  o.target_cols = {"expression"};
  const std::string msg2 = read_error(dir / "d.tsv", o);
  EXPECT_NE(msg2.find("no column 'expression'"), std::string::npos) << msg2;
  EXPECT_NE(msg2.find("'sequence', 'score'"), std::string::npos) << msg2;
}

TEST(ReadTable, NonFiniteOrNonNumericTarget) {
  TempDir dir;
  const auto path = dir / "d.tsv";
  for (const std::string v : {"abc", "nan", "NaN", "inf", "-inf", "infinity", "1e999", "", "1.5x", "0x10", "1,5"}) {
    test::write_file(path, "seq\tscore\nACGT\t1\nACGT\t" + v + "\n");
    const std::string msg = read_error(path);
    EXPECT_EQ(msg.rfind(path.string() + ":3:6: target 'score' is not a finite number", 0), 0u)
        << "value '" << v << "': " << msg;
  }
}

TEST(ReadTable, NumericTargetForms) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "seq\tscore\nA\t+1\nA\t 2 \nA\t-3.5\nA\t1e-3\nA\t.5\nA\t7.\n");
  EXPECT_EQ(read_sequence_table(dir / "d.tsv").targets, (std::vector<float>{1, 2, -3.5f, 1e-3f, 0.5f, 7}));
}

TEST(ReadTable, WrongFieldCount) {
  TempDir dir;
  const auto path = dir / "d.tsv";
  test::write_file(path, "seq\tscore\nACGT\t1\nACGT\t2\textra\n");
  EXPECT_THROW_MSG(read_sequence_table(path), Error, path.string() + ":3: expected 2 fields like the header, found 3");
  test::write_file(path, "seq\tscore\nACGT\t1\nACGT\n");
  EXPECT_THROW_MSG(read_sequence_table(path), Error, path.string() + ":3: expected 2 fields like the header, found 1");
  // A CSV read as TSV: one field per line.
  test::write_file(path, "seq,score\nACGT,1\n");
  EXPECT_THROW_MSG(read_sequence_table(path), Error, "no column 'seq'");
}

TEST(ReadTable, MissingFile) {
  TempDir dir;
  EXPECT_THROW_MSG(read_sequence_table(dir / "nope.tsv"), Error, (dir / "nope.tsv").string() + ": no such file");
}

TEST(ReadTable, DirectoryIsError) {
  TempDir dir;
  EXPECT_THROW_MSG(read_sequence_table(dir.path()), Error, "is a directory");
}

TEST(CommonLength, MixedLengthsNameTheLengths) {
  TempDir dir;
  test::write_file(dir / "d.tsv", "seq\tscore\nACGT\t1\nACGTA\t2\nAAAA\t3\n");
  const SequenceData d = read_sequence_table(dir / "d.tsv");  // reading is fine...
  try {
    d.common_length();  // ...one length is not
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("4 bp (2 rows)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("5 bp (1 rows)"), std::string::npos) << msg;
    EXPECT_NE(msg.find((dir / "d.tsv").string()), std::string::npos) << msg;
  }
}

TEST(CommonLength, EmptyDataIsError) {
  SequenceData d;
  EXPECT_THROW(d.common_length(), Error);
}

TEST(SequencesFromStrings, ValidatesAndUppercases) {
  const SequenceData d = sequences_from_strings({"acgt", "NNAA"}, "cli");
  EXPECT_EQ(d.seqs, (std::vector<std::string>{"ACGT", "NNAA"}));
  EXPECT_FALSE(d.has_targets());
  EXPECT_THROW_MSG(sequences_from_strings({"ACGT", "AXGT"}, "cli"), Error, "cli:2:2: invalid base 'X'");
  EXPECT_THROW_MSG(sequences_from_strings({""}, "cli"), Error, "cli:1: empty sequence");
}

TEST(EncodeCodes, RowLayoutAndRowSelection) {
  const SequenceData d = sequences_from_strings({"AC", "gt", "NA"}, "t");
  const BaseCodes all = encode_codes(d, 2);
  EXPECT_EQ(all.rows, 3);
  EXPECT_EQ(all.length, 2);
  EXPECT_EQ(all.codes, (std::vector<std::uint8_t>{0, 1, 2, 3, 4, 0}));
  const BaseCodes some = encode_codes(d, 2, {2, 0});
  EXPECT_EQ(some.rows, 2);
  EXPECT_EQ(some.codes, (std::vector<std::uint8_t>{4, 0, 0, 1}));
  EXPECT_EQ(std::vector<std::uint8_t>(some.row(1).begin(), some.row(1).end()), (std::vector<std::uint8_t>{0, 1}));
}

TEST(EncodeCodes, WrongLengthIsErrorNamingTheLine) {
  const SequenceData d = sequences_from_strings({"ACG", "ACGT"}, "t");
  EXPECT_THROW_MSG(encode_codes(d, 3), Error, "t:2: sequence has 4 bases, the model expects 3");
}

TEST(EncodeCodes, ReverseComplementOfCodesKeepsN) {
  BaseCodes c = encode_codes(sequences_from_strings({"ACGTN", "AACCG"}, "t"), 5);
  reverse_complement_codes(c.row(0));
  reverse_complement_codes(c.row(1));
  EXPECT_EQ(c.codes, encode_codes(sequences_from_strings({"NACGT", "CGGTT"}, "t"), 5).codes);
  reverse_complement_codes(c.row(1));  // twice: the original
  EXPECT_EQ(std::vector<std::uint8_t>(c.row(1).begin(), c.row(1).end()), (std::vector<std::uint8_t>{0, 0, 1, 1, 2}));
}

}  // namespace
}  // namespace dnacnn

// The table layer under read_sequence_table: delimiters, fields, columns, numbers, line reading.
#include "dnacnn/io/table.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/line_reader.hpp"
#include "test_support.hpp"

namespace dnacnn::io {
namespace {

using test::TempDir;

TEST(Delimiter, ByExtension) {
  EXPECT_EQ(delimiter_for("a.tsv"), '\t');
  EXPECT_EQ(delimiter_for("a.txt"), '\t');
  EXPECT_EQ(delimiter_for("a"), '\t');
  EXPECT_EQ(delimiter_for("a.csv"), ',');
  EXPECT_EQ(delimiter_for("dir.csv/a.tsv"), '\t');
  EXPECT_EQ(delimiter_for("a.csv.gz"), ',');
  EXPECT_EQ(delimiter_for("a.csv.bgz"), ',');
  EXPECT_EQ(delimiter_for("a.tsv.gz"), '\t');
  EXPECT_EQ(delimiter_for("a.gz"), '\t');
}

TEST(SplitFields, KeepsEmptyFields) {
  std::vector<std::string_view> f;
  split_fields("a\tb\tc", '\t', f);
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "b", "c"}));
  split_fields("", '\t', f);
  EXPECT_EQ(f, (std::vector<std::string_view>{""}));
  split_fields("\t\t", '\t', f);
  EXPECT_EQ(f, (std::vector<std::string_view>{"", "", ""}));
  split_fields("a,\"b,c\"", ',', f);  // no quoting: sequence tables never need it
  EXPECT_EQ(f.size(), 3u);
}

TEST(ParseFiniteFloat, AcceptsNumbers) {
  EXPECT_EQ(parse_finite_float("1.5"), 1.5f);
  EXPECT_EQ(parse_finite_float("-2"), -2.0f);
  EXPECT_EQ(parse_finite_float("+3"), 3.0f);
  EXPECT_EQ(parse_finite_float(" 4 "), 4.0f);
  EXPECT_EQ(parse_finite_float("1e-3"), 1e-3f);
  EXPECT_EQ(parse_finite_float("27.75"), 27.75f);
  EXPECT_EQ(parse_finite_float("3.4e38"), 3.4e38f);
}

TEST(ParseFiniteFloat, RejectsTextNanAndInfinity) {
  for (const char* s : {"", " ", "abc", "1.5x", "x1", "nan", "NAN", "-nan", "inf", "-inf", "Infinity", "1e39",
                        "-1e39", "1 2", "--1", "+-1", "0x1p3", "1,5", "NA"})
    EXPECT_FALSE(parse_finite_float(s).has_value()) << "'" << s << "'";
}

TEST(TableReader, HeaderFieldsColumns) {
  TempDir dir;
  const auto path = dir / "t.tsv";
  test::write_file(path, "a\tbb\tccc\n1\t22\t333\n\nx\ty\tz\n");
  TableReader t(path, '\t');
  EXPECT_EQ(t.header(), (std::vector<std::string>{"a", "bb", "ccc"}));
  EXPECT_EQ(t.find_column("bb"), 1u);
  EXPECT_FALSE(t.find_column("d").has_value());
  EXPECT_EQ(t.require_column("ccc"), 2u);
  EXPECT_THROW_MSG(t.require_column("seq"), Error, path.string() + ":1: no column 'seq' in the header (columns: 'a', 'bb', 'ccc')");
  ASSERT_TRUE(t.next());
  EXPECT_EQ(t.line_number(), 2);
  EXPECT_EQ(t.field(0), "1");
  EXPECT_EQ(t.field(2), "333");
  EXPECT_EQ(t.column_of(0), 1);
  EXPECT_EQ(t.column_of(1), 3);
  EXPECT_EQ(t.column_of(2), 6);
  ASSERT_TRUE(t.next());  // the empty line 3 is skipped
  EXPECT_EQ(t.line_number(), 4);
  EXPECT_EQ(t.field(1), "y");
  EXPECT_FALSE(t.next());
  EXPECT_EQ(t.path(), path.string());
}

TEST(TableReader, FieldCountMismatchIsLocated) {
  TempDir dir;
  const auto path = dir / "t.csv";
  test::write_file(path, "a,b\n1,2\n1,2,3\n");
  TableReader t(path, ',');
  ASSERT_TRUE(t.next());
  try {
    t.next();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("expected 2 fields like the header, found 3"), std::string::npos);
  }
}

// RFC 4180 as R, Excel and pandas write it: quoted fields with delimiters, doubled quotes and line
// breaks inside, an empty quoted header cell (R's row names), CRLF, in CSV and in TSV.
TEST(TableReader, QuotedFieldsAsRfc4180) {
  TempDir dir;
  const auto path = dir / "t.csv";
  test::write_file(path, "\"\",\"seq\",\"note\"\r\n\"1\",\"ACGT\",\"a, \"\"b\"\"\"\r\n"
                         "\"2\",ACGA,\"two\r\nlines\"\r\n3,\"\",plain\r\n");
  TableReader t(path, ',');
  EXPECT_EQ(t.header(), (std::vector<std::string>{"", "seq", "note"}));
  ASSERT_TRUE(t.next());
  EXPECT_EQ(t.field(0), "1");
  EXPECT_EQ(t.field(1), "ACGT");
  EXPECT_EQ(t.field(2), "a, \"b\"");
  EXPECT_EQ(t.line_number(), 2);
  EXPECT_EQ(t.column_of(1), 5);
  ASSERT_TRUE(t.next());
  EXPECT_EQ(t.field(1), "ACGA");
  EXPECT_EQ(t.field(2), "two\nlines");
  EXPECT_EQ(t.line_number(), 3);
  ASSERT_TRUE(t.next());
  EXPECT_EQ(t.field(1), "");
  EXPECT_EQ(t.field(2), "plain");
  EXPECT_EQ(t.line_number(), 5);
  EXPECT_FALSE(t.next());

  test::write_file(dir / "t.tsv", "seq\tid\n\"ACGT\"\t\"x\ty\"\n");
  TableReader tsv(dir / "t.tsv", '\t');
  ASSERT_TRUE(tsv.next());
  EXPECT_EQ(tsv.field(0), "ACGT");
  EXPECT_EQ(tsv.field(1), "x\ty");
}

TEST(TableReader, AQuoteThatNeverClosesIsAnErrorWhereItOpened) {
  TempDir dir;
  test::write_file(dir / "t.csv", "seq,score\nACGT,1\nACGA,\"2\nACGC,3\n");
  TableReader t(dir / "t.csv", ',');
  ASSERT_TRUE(t.next());
  EXPECT_THROW_MSG(t.next(), Error, "t.csv:3:6: a quoted field opens here and never closes");
  test::write_file(dir / "u.csv", "seq,score\n\"AC\"GT,1\n");
  TableReader u(dir / "u.csv", ',');
  EXPECT_THROW_MSG(u.next(), Error, "u.csv:2:5: text after a closing quote");
}

TEST(TableReader, EmptyFileIsError) {
  TempDir dir;
  test::write_file(dir / "t.tsv", "");
  EXPECT_THROW_MSG(TableReader(dir / "t.tsv", '\t'), Error, "empty file");
}

TEST(LineReader, LineEndsBomAndNumbers) {
  TempDir dir;
  const auto path = dir / "l.txt";
  // BOM only stripped on line 1; "\r\n" and "\n" both end lines; a last line without "\n" counts.
  test::write_file(path, "\xEF\xBB\xBF" "one\r\ntwo\n\xEF\xBB\xBFthree\r\n\nlast");
  LineReader r(path);
  std::string_view line;
  std::vector<std::string> lines;
  while (r.next(line)) lines.emplace_back(line);
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "\xEF\xBB\xBFthree", "", "last"}));
  EXPECT_EQ(r.line_number(), 5);
}

TEST(LineReader, MissingFileAndDirectory) {
  TempDir dir;
  EXPECT_THROW_MSG(LineReader(dir / "missing.tsv"), Error, "no such file");
  EXPECT_THROW_MSG(LineReader(dir.path()), Error, "is a directory");
}

TEST(LineReader, LongLines) {
  TempDir dir;
  const std::string long_line(1 << 20, 'A');
  test::write_file(dir / "l.txt", long_line + "\nB\n");
  LineReader r(dir / "l.txt");
  std::string_view line;
  ASSERT_TRUE(r.next(line));
  EXPECT_EQ(line.size(), long_line.size());
  ASSERT_TRUE(r.next(line));
  EXPECT_EQ(line, "B");
  EXPECT_FALSE(r.next(line));
}

}  // namespace
}  // namespace dnacnn::io

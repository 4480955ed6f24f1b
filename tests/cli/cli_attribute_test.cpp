// `dnacnn attribute` with the reference-based methods and fast ISM, as a user runs it, on a linear
// model whose every output is known: sequences.tsv's reference_mean makes completeness checkable
// (prediction - reference_mean = attribution_sum, logits for a binary model), the hypothetical
// columns, attributions.safetensors against the table, --window and --threads, refused options.
#include <cmath>

#include "cli_support.hpp"
#include "dnacnn/io/safetensors.hpp"
#include "genome_fixture.hpp"

namespace dnacnn::clitest {
namespace {

std::vector<std::vector<std::string>> table_rows(const fs::path& path) {
  std::vector<std::vector<std::string>> out;
  for (const auto& line : test::read_lines(path)) out.push_back(test::split(line, '\t'));
  return out;
}

const std::vector<std::string> kSeqs = {"ACGTTGCAAGCTAGCTAGGA", "TTTTGGGGCCCCAAAATGCA", "GATTACAGATTACAGATTAC"};

fs::path write_fasta(const TempDir& dir) {
  std::string fasta;
  for (std::size_t i = 0; i < kSeqs.size(); ++i) fasta += ">s" + std::to_string(i) + "\n" + kSeqs[i] + "\n";
  test::write_file(dir / "in.fa", fasta);
  return dir / "in.fa";
}

TEST(CliAttribute, DeepShapHypotheticalWithReferenceMeanAndSafetensors) {
  TempDir dir;
  const test::LinearModel m = test::write_linear_model(dir / "model", 20, 3, "binary");
  const RunResult r = dnacnn({"attribute", "--model", m.dir.string(), "--in", write_fasta(dir).string(), "--method",
                              "deepshap", "--hypothetical", "--n-shuffles", "4", "--threads", "2", "--out",
                              (dir / "a").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto seqs = table_rows(dir / "a" / "sequences.tsv");
  ASSERT_EQ(seqs.size(), 4u);
  EXPECT_EQ(seqs[0], (std::vector<std::string>{"id", "prediction", "attribution_sum", "reference_mean"}));
  for (std::size_t i = 1; i < seqs.size(); ++i) {
    const double prediction = std::stod(seqs[i][1]), sum = std::stod(seqs[i][2]), reference = std::stod(seqs[i][3]);
    EXPECT_NEAR(prediction, m.predict(kSeqs[i - 1]), 1e-4);  // the logit, as attributed
    EXPECT_NEAR(sum, prediction - reference, 1e-4);
  }
  const auto rows = table_rows(dir / "a" / "attributions.tsv");
  ASSERT_EQ(rows.size(), 1 + 3u * 20);
  const std::vector<io::NamedTensor> tensors = io::read_safetensors(dir / "a" / "attributions.safetensors");
  std::map<std::string, const io::NamedTensor*> by_name;
  for (const auto& t : tensors) by_name[t.name] = &t;
  ASSERT_TRUE(by_name.count("attributions") && by_name.count("attribution") && by_name.count("one_hot"));
  EXPECT_EQ(by_name["attributions"]->shape, (std::vector<std::int64_t>{3, 20, 4}));
  EXPECT_EQ(by_name["one_hot"]->shape, (std::vector<std::int64_t>{3, 20, 4}));
  EXPECT_EQ(by_name["attribution"]->shape, (std::vector<std::int64_t>{3, 20}));
  for (std::size_t row = 1; row < rows.size(); ++row) {
    const std::size_t s = (row - 1) / 20, p = (row - 1) % 20;
    const std::string acgt = "ACGT";
    const std::size_t b = acgt.find(rows[row][2][0]);
    // The observed base's hypothetical contribution is its actual one.
    EXPECT_NEAR(std::stod(rows[row][3 + b]), std::stod(rows[row][7]), 1e-5);
    for (std::size_t c = 0; c < 4; ++c) {
      const float stored = by_name["attributions"]->values[(s * 20 + p) * 4 + c];
      EXPECT_NEAR(stored, std::stod(rows[row][3 + c]), 1e-5 * (1 + std::abs(stored)));
      EXPECT_EQ(by_name["one_hot"]->values[(s * 20 + p) * 4 + c], c == b ? 1.0f : 0.0f);
    }
    // A linear model: hypothetical values differ by the weights' differences.
    EXPECT_NEAR(std::stod(rows[row][3]) - std::stod(rows[row][4]),
                m.weight(static_cast<std::int64_t>(p), 'A') - m.weight(static_cast<std::int64_t>(p), 'C'), 1e-4);
  }
}

TEST(CliAttribute, IntegratedGradientsFromTheEmptyInputAndWindowedIsm) {
  TempDir dir;
  const test::LinearModel m = test::write_linear_model(dir / "model", 20, 4);
  const fs::path in = write_fasta(dir);
  RunResult r = dnacnn({"attribute", "--model", m.dir.string(), "--in", in.string(), "--method", "ig", "--steps", "8",
                        "--out", (dir / "ig").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto seqs = table_rows(dir / "ig" / "sequences.tsv");
  ASSERT_EQ(seqs[0].back(), "reference_mean");
  for (std::size_t i = 1; i < seqs.size(); ++i) {
    EXPECT_NEAR(std::stod(seqs[i][3]), m.bias, 1e-5);  // the all-zero input reads the bias alone
    EXPECT_NEAR(std::stod(seqs[i][2]), std::stod(seqs[i][1]) - m.bias, 1e-4);
  }
  r = dnacnn({"attribute", "--model", m.dir.string(), "--in", in.string(), "--window", "5:9", "--threads", "2", "--out",
              (dir / "ism").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& row : table_rows(dir / "ism" / "attributions.tsv")) {
    if (row[0] == "id") continue;
    const int pos = std::stoi(row[1]);
    const double a = std::stod(row[7]);
    if (pos < 5 || pos > 9) {
      EXPECT_EQ(a, 0.0) << pos;
    } else {  // ISM of a linear model: the weight minus the mean of the other three
      const char base = row[2][0];
      double others = 0;
      for (const char o : std::string("ACGT"))
        if (o != base) others += m.weight(pos - 1, o);
      EXPECT_NEAR(a, m.weight(pos - 1, base) - others / 3, 1e-4);
    }
  }
  EXPECT_EQ(test::split(test::read_lines(dir / "ism" / "sequences.tsv")[0], '\t').size(), 3u);  // no references
}

TEST(CliAttribute, RefusesOptionsThatDoNotFitTheMethod) {
  TempDir dir;
  const test::LinearModel m = test::write_linear_model(dir / "model", 20, 5);
  const std::string in = write_fasta(dir).string(), model = m.dir.string();
  expect_one_line_error(dnacnn({"attribute", "--model", model, "--in", in, "--hypothetical", "--out", (dir / "a").string()}), 2,
                        "dnacnn attribute: --hypothetical is for --method deepshap and ig");
  expect_one_line_error(dnacnn({"attribute", "--model", model, "--in", in, "--window", "0:5", "--out", (dir / "b").string()}), 2,
                        "dnacnn attribute: --window must be START:END");
  expect_one_line_error(dnacnn({"attribute", "--model", model, "--in", in, "--window", "5:21", "--out", (dir / "c").string()}), 2,
                        "dnacnn attribute: --window must be START:END with 1 <= START <= END <= 20");
  expect_one_line_error(dnacnn({"attribute", "--model", model, "--in", in, "--method", "deepshap", "--window", "2:4", "--out",
                                (dir / "d").string()}),
                        2, "dnacnn attribute: --window is for --method ism");
}

}  // namespace
}  // namespace dnacnn::clitest

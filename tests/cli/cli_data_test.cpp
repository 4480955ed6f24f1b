// Users' own data through the real binary: FASTA with labels, mixed lengths and --length, a binary
// task with a given split, several targets, streaming predict, and export to TorchScript (run in
// Python when Debian's python3-torch is installed).
#include <gtest/gtest.h>

#include <cmath>

#include "cli_support.hpp"
#include "genome_fixture.hpp"
#include "dnacnn/core/random.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using namespace clitest;

// 600 records of 30-50 bp, wrapped at 20 columns, CRLF line ends, gzip; labelled 1 when they contain
// TATA; the last 100 are the test split, the 100 before them validation.
void write_fasta_with_labels(const TempDir& dir) {
  Rng rng(5);
  std::string fasta, labels = "id\tbound\tsplit\n";
  for (int i = 0; i < 600; ++i) {
    std::string s;
    const auto len = 30 + rng.below(21);
    for (std::uint64_t j = 0; j < len; ++j) s += "ACGT"[rng.below(4)];
    if (rng.below(2) == 0) s.replace(len / 2 - 2, 4, "TATA");
    const std::string id = "peak" + std::to_string(i);
    fasta += ">" + id + " chr1:" + std::to_string(1000 * i) + "\r\n";
    for (std::size_t p = 0; p < s.size(); p += 20) fasta += s.substr(p, 20) + "\r\n";
    labels += id + "\t" + (s.find("TATA") != std::string::npos ? "1" : "0") + "\t" +
              (i >= 500 ? "test" : i >= 400 ? "val" : "train") + "\n";
  }
  test::write_gzip(dir / "peaks.fa.gz", fasta);
  test::write_file(dir / "labels.tsv", labels);
}

TEST(CliUserData, FastaBinaryTaskEndToEnd) {
  TempDir dir;
  write_fasta_with_labels(dir);
  const std::string fa = (dir / "peaks.fa.gz").string(), labels = (dir / "labels.tsv").string();
  const std::vector<std::string> base{"train", "--data", fa, "--labels", labels, "--task", "binary", "--split-col", "split",
                                      "--optimizer", "adam", "--epochs", "30", "--batch-size", "32", "--quiet"};
  // Mixed lengths without --length: one line naming the lengths and suggesting --length.
  std::vector<std::string> args = base;
  args.insert(args.end(), {"--out", (dir / "bad").string()});
  const RunResult mixed = dnacnn(args);
  expect_one_line_error(mixed, 1, "dnacnn train: " + fa + ":");  // + the line of the first odd record
  EXPECT_NE(mixed.err.find(": sequences have different lengths: 30 bp ("), std::string::npos) << mixed.err;
  EXPECT_NE(mixed.err.find("give --length L"), std::string::npos) << mixed.err;
  EXPECT_FALSE(fs::exists(dir / "bad"));

  args = base;
  args.insert(args.end(), {"--out", (dir / "run").string(), "--length", "40", "--pos-weight", "1.5"});
  const RunResult r = dnacnn(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json config = read_json(dir / "run" / "model" / "config.json");
  EXPECT_EQ(config.at("task"), "binary");
  EXPECT_EQ(config.at("length"), 40);
  EXPECT_EQ(config.at("pad"), "both");
  EXPECT_EQ(config.at("targets"), json({"bound"}));
  EXPECT_EQ(config.at("normalisation").at("targets"), "none");
  const json test = read_json(dir / "run" / "metrics.json").at("models").at("cnn").at("test");
  EXPECT_EQ(test.at("n"), 100);  // the given split
  EXPECT_GT(test.at("auroc").get<double>(), 0.8);
  for (const char* key : {"auprc", "accuracy", "mse", "r2", "pearson", "spearman"}) EXPECT_TRUE(test.contains(key)) << key;
  const auto pred = read_tsv(dir / "run" / "predictions.tsv");
  EXPECT_EQ(pred.at("id").front(), "peak0");
  EXPECT_EQ(pred.at("split").back(), "test");

  // evaluate and predict fit the inputs to the model's 40 bp the same way.
  const std::string model = (dir / "run" / "model").string();
  const RunResult ev = dnacnn({"evaluate", "--model", model, "--data", fa, "--labels", labels, "--rc-average"});
  ASSERT_EQ(ev.exit_code, 0) << ev.err;
  const json j = json::parse(ev.out);
  EXPECT_EQ(j.at("n"), 600);
  EXPECT_GT(j.at("auroc").get<double>(), 0.8);
  const RunResult pr = dnacnn({"predict", "--model", model, "--in", fa, "--out", (dir / "p.tsv").string(), "--batch-size", "64"});
  ASSERT_EQ(pr.exit_code, 0) << pr.err;
  EXPECT_NE(pr.err.find("centre-cropped"), std::string::npos) << pr.err;
  EXPECT_NE(pr.err.find("predicted 600 sequences"), std::string::npos) << pr.err;
  const auto lines = test::read_lines(dir / "p.tsv");
  ASSERT_EQ(lines.size(), 601u);
  EXPECT_EQ(lines[0], "id\tbound");
  const auto p = read_tsv(dir / "p.tsv");
  EXPECT_EQ(p.at("id")[599], "peak599");
  for (float v : floats(p.at("bound"))) ASSERT_TRUE(v >= 0 && v <= 1) << v;
}

TEST(CliUserData, SeveralTargetsFromCsv) {
  TempDir dir;
  std::string csv = "name,seq,activity,gc,note\n";
  Rng rng(2);
  for (int i = 0; i < 400; ++i) {
    std::string s;
    for (int j = 0; j < 12; ++j) s += "ACGT"[rng.below(4)];
    const auto gc = std::count_if(s.begin(), s.end(), [](char c) { return c == 'G' || c == 'C'; });
    csv += "s" + std::to_string(i) + "," + s + "," + std::to_string(s.find("TAT") != std::string::npos ? 5 : 1) + "," +
           std::to_string(gc) + ",x\n";
  }
  test::write_file(dir / "d.csv", csv);
  const RunResult r = dnacnn({"train", "--data", (dir / "d.csv").string(), "--id-col", "name", "--out", (dir / "run").string(),
                              "--epochs", "5", "--batch-size", "32", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = read_json(dir / "run" / "metrics.json").at("models").at("cnn");
  EXPECT_EQ(m.at("per_target").size(), 2u);
  EXPECT_EQ(m.at("per_target").at("activity").at("test"), m.at("test"));  // the first target also at the old place
  EXPECT_TRUE(m.at("per_target").at("gc").at("test").contains("r2"));
  const auto pred = read_tsv(dir / "run" / "predictions.tsv");
  EXPECT_EQ(pred.at("gc_actual").size(), 400u);
  const RunResult pr = dnacnn({"predict", "--model", (dir / "run" / "model").string(), "--in", (dir / "d.csv").string(),
                               "--id-col", "name"});
  ASSERT_EQ(pr.exit_code, 0) << pr.err;
  EXPECT_EQ(pr.out.substr(0, pr.out.find('\n')), "id\tactivity\tgc");
  EXPECT_EQ(test::split(pr.out, '\n')[1].rfind("s0\t", 0), 0u);
  // Naming one target trains a one-output model.
  const RunResult one = dnacnn({"train", "--data", (dir / "d.csv").string(), "--target-col", "gc", "--out",
                                (dir / "one").string(), "--epochs", "2", "--quiet"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(read_json(dir / "one" / "model" / "config.json").at("targets"), json({"gc"}));
}

TEST(CliUserData, PredictOfAHeaderOnlyFileWritesTheHeader) {
  TempDir dir;
  const fs::path run = train(dir, simulate(dir, 4), {"--batch-size", "16"});
  test::write_file(dir / "empty.tsv", "id\tseq\n");
  const RunResult r = dnacnn({"predict", "--model", (run / "model").string(), "--in", (dir / "empty.tsv").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "id\tscore\n");
  expect_one_line_error(dnacnn({"train", "--data", (dir / "empty.tsv").string(), "--out", (dir / "r2").string()}), 1,
                        "dnacnn train: " + (dir / "empty.tsv").string() + ": ");
}

// `--in -` reads standard input through a real pipe (not seekable), tables by default, FASTA with
// --format fasta, gzip too; predict, evaluate and attribute take it; train refuses it, saying why.
TEST(CliUserData, StandardInputInPipes) {
  TempDir dir;
  const fs::path data = simulate(dir, 4);
  const fs::path run = train(dir, data, {"--batch-size", "16"});
  const std::string model = (run / "model").string(), bin = DNACNN_BIN;
  const RunResult from_file = dnacnn({"predict", "--model", model, "--in", data.string()});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  const auto piped = [&](const std::string& producer, const std::string& args) {
    return test::run_program("/bin/sh", {"-c", producer + " | '" + bin + "' " + args});
  };
  RunResult r = piped("cat '" + data.string() + "'", "predict --model '" + model + "' --in -");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, from_file.out);  // rows without ids are numbered the same way
  // FASTA, gzip-compressed, on standard input.
  std::string fasta;
  const auto rows = test::read_lines(data);
  for (std::size_t i = 1; i < rows.size(); ++i) fasta += ">r" + std::to_string(i) + "\n" + rows[i].substr(0, rows[i].find('\t')) + "\n";
  test::write_gzip(dir / "in.fa.gz", fasta);
  r = piped("cat '" + (dir / "in.fa.gz").string() + "'", "predict --model '" + model + "' --in - --format fasta");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_lines(r.out), static_cast<int>(rows.size()));
  EXPECT_EQ(r.out.substr(r.out.find('\n') + 1, 3), "r1\t");
  // FASTA without --format: one line saying what to give.
  r = piped("zcat '" + (dir / "in.fa.gz").string() + "'", "predict --model '" + model + "' --in -");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("dnacnn predict: stdin:1: no column 'seq'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("give --format fasta"), std::string::npos) << r.err;
  r = piped("cat '" + data.string() + "'", "evaluate --model '" + model + "' --data -");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"r2\""), std::string::npos);
  r = piped("cat '" + data.string() + "'", "train --data - --out '" + (dir / "t").string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--data -: training records its input's MD5"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "t"));
}

// --fit on a linear model of known weights (its output for any window is a sum of weights): exact
// refuses other lengths naming crop and windows; crop predicts the centre window; windows the max
// (or mean) over windows every --step bases plus one at the end, each listed by --windows-out;
// evaluate takes --fit too; attribute --fit windows averages each base's ISM over its windows.
TEST(CliUserData, FitLongSequencesByCropOrWindows) {
  TempDir dir;
  const test::LinearModel model = test::write_linear_model(dir / "model", 10, 7);
  const std::string m = (dir / "model").string();
  Rng rng(3);
  std::vector<std::string> seqs;
  std::string table = "id\tseq\tscore\n";
  for (int i = 0; i < 6; ++i) {
    std::string s;
    for (int j = 0; j < (i == 0 ? 7 : 10 + 9 * i); ++j) s += "ACGT"[rng.below(4)];
    seqs.push_back(s);
    table += "s" + std::to_string(i) + "\t" + s + "\t" + std::to_string(i) + "\n";
  }
  test::write_file(dir / "long.tsv", table);
  const std::string in = (dir / "long.tsv").string();
  expect_one_line_error(dnacnn({"predict", "--model", m, "--in", in}), 1, "dnacnn predict: " + in + ":2: sequence has 7 bases");
  EXPECT_NE(dnacnn({"predict", "--model", m, "--in", in}).err.find("--fit crop or --fit windows"), std::string::npos);
  const auto values = [](const RunResult& r) {
    std::vector<double> v;
    const auto lines = test::split(r.out, '\n');
    for (std::size_t i = 1; i < lines.size(); ++i)
      if (!lines[i].empty()) v.push_back(std::stod(test::split(lines[i], '\t').back()));
    return v;
  };
  RunResult r = dnacnn({"predict", "--model", m, "--in", in, "--fit", "crop", "--pad", "right"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<double> got = values(r);
  ASSERT_EQ(got.size(), seqs.size());
  EXPECT_NEAR(got[0], model.predict(seqs[0] + "NNN"), 1e-4);
  for (std::size_t i = 1; i < seqs.size(); ++i)
    EXPECT_NEAR(got[i], model.predict(seqs[i].substr((seqs[i].size() - 10) / 2, 10)), 1e-4) << i;
  for (const std::string aggregate : {"max", "mean"}) {
    r = dnacnn({"predict", "--model", m, "--in", in, "--fit", "windows", "--step", "4", "--aggregate", aggregate,
                "--windows-out", (dir / "w.tsv").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    got = values(r);
    std::size_t window_rows = 0;
    for (std::size_t i = 0; i < seqs.size(); ++i) {
      const auto n = static_cast<std::int64_t>(seqs[i].size());
      std::vector<double> each;
      std::vector<std::int64_t> starts;
      for (std::int64_t s = 0; s + 10 <= n; s += 4) starts.push_back(s);
      if (starts.empty()) starts.push_back(-1);  // 7 bases: one window, N-padded on both sides (1 left, 2 right)
      else if (starts.back() + 10 < n) starts.push_back(n - 10);
      for (std::int64_t s : starts)
        each.push_back(s < 0 ? model.predict("N" + seqs[i] + "NN") : model.predict(seqs[i].substr(s, 10)));
      window_rows += each.size();
      double expected = aggregate == "max" ? *std::max_element(each.begin(), each.end()) : 0;
      if (aggregate == "mean") {
        for (double v : each) expected += v;
        expected /= static_cast<double>(each.size());
      }
      EXPECT_NEAR(got[i], expected, 1e-4) << aggregate << " " << i;
    }
    const auto windows = test::read_lines(dir / "w.tsv");
    EXPECT_EQ(windows.size(), window_rows + 1);
    EXPECT_EQ(windows.front(), "id\tstart\tend\tscore");
    EXPECT_EQ(test::split(windows[1], '\t')[1] + ":" + test::split(windows[1], '\t')[2], "-1:9");
  }
  expect_one_line_error(dnacnn({"predict", "--model", m, "--in", in, "--step", "3"}), 2,
                        "dnacnn predict: --step goes with --fit windows");
  r = dnacnn({"evaluate", "--model", m, "--data", in, "--fit", "windows"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("n"), 6);
  // attribute: on a linear model ISM of the observed base is its weight minus the mean of the
  // other three, wherever the window sits: averaged over the windows covering each base.
  r = dnacnn({"attribute", "--model", m, "--in", in, "--fit", "windows", "--step", "5", "--out",
              (dir / "attr").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = test::read_lines(dir / "attr" / "attributions.tsv");
  std::size_t expected_rows = 1;
  for (const auto& s : seqs) expected_rows += s.size();
  ASSERT_EQ(rows.size(), expected_rows);
  const std::string& s5 = seqs[5];  // 55 bases: windows at 0, 5, ..., 45
  for (std::size_t row = 1; row < rows.size(); ++row) {
    const auto f = test::split(rows[row], '\t');
    if (f[0] != "s5") continue;
    const std::int64_t pos = std::stoll(f[1]) - 1;
    double sum = 0;
    int windows = 0;
    for (std::int64_t start = 0; start + 10 <= 55; start += 5)
      if (pos >= start && pos < start + 10) {
        const char b = s5[static_cast<std::size_t>(pos)];
        double others = 0;
        for (char o : std::string("ACGT"))
          if (o != b) others += model.weight(pos - start, o);
        sum += model.weight(pos - start, b) - others / 3;
        ++windows;
      }
    EXPECT_NEAR(std::stod(f[7]), sum / windows, 1e-4) << "position " << pos;
  }
}

// The exported TorchScript, loaded by Python's torch.jit.load, predicts what dnacnn predicts.
TEST(CliExport, TorchScriptRunsInPythonWithTheSamePredictions) {
  TempDir dir;
  const fs::path data = simulate(dir, 5);
  const fs::path run = train(dir, data);
  const fs::path pt = dir / "model.pt";
  const RunResult ex = dnacnn({"export", "--model", (run / "model").string(), "--torchscript", pt.string()});
  ASSERT_EQ(ex.exit_code, 0) << ex.err;
  ASSERT_TRUE(fs::exists(pt));
  // A damaged model: one line, no file.
  fs::create_directories(dir / "bad");
  test::write_file(dir / "bad" / "config.json", "{\"format\": \"something else\"}");
  expect_one_line_error(dnacnn({"export", "--model", (dir / "bad").string(), "--torchscript", (dir / "b.pt").string()}), 1,
                        "dnacnn export: " + (dir / "bad" / "config.json").string() + ": invalid model config");
  EXPECT_FALSE(fs::exists(dir / "b.pt"));

  if (test::run_program("/usr/bin/python3", {"-c", "import torch"}).exit_code != 0)
    GTEST_SKIP() << "/usr/bin/python3 with torch (Debian: python3-torch) is not installed: Python round trip skipped";
  const std::string script = R"(
import sys, torch
m = torch.jit.load(sys.argv[1])
rows = [l.split('\t')[0] for l in open(sys.argv[2]).read().splitlines()[1:]]
x = torch.zeros(len(rows), len(rows[0]), 4)
for i, s in enumerate(rows):
    for j, c in enumerate(s):
        if c in 'ACGT': x[i, j, 'ACGT'.index(c)] = 1
with torch.no_grad():
    y = m(x)
print('\n'.join('%.7g' % v for v in y[:, 0].tolist()))
)";
  const RunResult py = test::run_program("/usr/bin/python3", {"-c", script, pt.string(), data.string()});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const RunResult pr = dnacnn({"predict", "--model", (run / "model").string(), "--in", data.string(), "--out",
                               (dir / "p.tsv").string()});
  ASSERT_EQ(pr.exit_code, 0) << pr.err;
  const std::vector<float> expected = floats(read_tsv(dir / "p.tsv").at("score"));
  const auto got = test::split(py.out, '\n');
  ASSERT_GE(got.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(std::stof(got[i]), expected[i], 1e-4) << i;
}


// export --onnx (alone, or beside --torchscript in one call): onnxruntime-node runs the file and
// gives what `dnacnn predict` prints; a bad command line or output is one line.
TEST(CliExport, OnnxRunsInNodeWithTheSamePredictions) {
  TempDir dir;
  const fs::path data = simulate(dir, 5);
  const fs::path run = train(dir, data);
  const std::string model = (run / "model").string();
  const RunResult ex = dnacnn({"export", "--model", model, "--onnx", (dir / "m.onnx").string(), "--torchscript",
                               (dir / "m.pt").string()});
  ASSERT_EQ(ex.exit_code, 0) << ex.err;
  EXPECT_TRUE(fs::exists(dir / "m.pt"));
  const RunResult pr = dnacnn({"predict", "--model", model, "--in", data.string(), "--out", (dir / "p.tsv").string()});
  ASSERT_EQ(pr.exit_code, 0) << pr.err;
  const std::vector<float> expected = floats(read_tsv(dir / "p.tsv").at("score"));

  // The first 7 sequences, one-hot (A, C, G, T), in one batch.
  const auto sequences = read_tsv(data).at("seq");
  const std::size_t length = sequences[0].size();
  std::vector<float> onehot;
  for (std::size_t i = 0; i < 7; ++i)
    for (char c : sequences[i])
      for (char base : std::string("ACGT")) onehot.push_back(c == base ? 1.0f : 0.0f);
  const json jobs = json::array({{{"model", (dir / "m.onnx").string()}, {"length", length}, {"batches", {onehot}}}});
  test::write_file(dir / "jobs.json", jobs.dump());
  const RunResult node = test::run_program(DNACNN_NODE, {DNACNN_ONNX_RUNNER, (dir / "jobs.json").string(),
                                                         (dir / "out.json").string()});
  ASSERT_EQ(node.exit_code, 0) << node.err;
  const json got = json::parse(test::read_file(dir / "out.json"))[0]["runs"][0]["values"];
  ASSERT_EQ(got.size(), 7u);
  for (std::size_t i = 0; i < 7; ++i) EXPECT_NEAR(got[i].get<float>(), expected[i], 1e-4) << i;

  expect_one_line_error(dnacnn({"export", "--model", model}), 2, "dnacnn export: give --torchscript FILE, --onnx FILE or both");
  const std::string unwritable = (dir / "no" / "such" / "m.onnx").string();
  expect_one_line_error(dnacnn({"export", "--model", model, "--onnx", unwritable}), 1, "dnacnn export: " + unwritable + ": ");
  fs::create_directories(dir / "bad");
  test::write_file(dir / "bad" / "config.json", "{\"format\": \"something else\"}");
  expect_one_line_error(dnacnn({"export", "--model", (dir / "bad").string(), "--onnx", (dir / "b.onnx").string()}), 1,
                        "dnacnn export: " + (dir / "bad" / "config.json").string() + ": invalid model config");
  EXPECT_FALSE(fs::exists(dir / "b.onnx"));
}

}  // namespace
}  // namespace dnacnn

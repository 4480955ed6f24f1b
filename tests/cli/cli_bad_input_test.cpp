// Bad input, case by case, through the real binary: every parser and option value must answer with
// exit 1 (bad data) or 2 (bad usage) and ONE line `dnacnn <cmd>: <file>:<line>[:<col>]: <what>`,
// never a crash or a trace. Each case is one line in a table below and one CTest test; a new
// parser (FASTA, label files, rule files) adds its cases as lines of its own table.
#include <gtest/gtest.h>

#include <sstream>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>

#include "cli_support.hpp"
#include "dnacnn/data/sequence.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using clitest::dnacnn;
using clitest::expect_one_line_error;
using clitest::simulate;
using clitest::train;

using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;

using Writer = std::function<void(const fs::path&)>;

Writer text(std::string content) {
  return [content](const fs::path& p) { test::write_file(p, content); };
}

// Random bytes (NULs, high bytes, some newlines): what a wrong file of any binary format looks like.
Writer garbage(std::size_t bytes) {
  return [bytes](const fs::path& p) {
    std::mt19937 gen(7);
    std::string s(bytes, '\0');
    for (char& c : s) c = static_cast<char>(gen() & 0xff);
    test::write_file(p, s);
  };
}

// The first half of a gzip file of `rows` rows (k-mers of 7 bases).
Writer truncated_gzip(const std::string& header, const std::string& row_suffix) {
  return [=](const fs::path& p) {
    std::string rows = header;
    for (const auto& s : all_kmers(7)) rows += s + row_suffix;
    test::write_gzip(p, rows);
    const std::string bytes = test::read_file(p);
    test::write_file(p, bytes.substr(0, bytes.size() / 2));
  };
}

// 100 MB on a single line: the message must still be one short line.
Writer huge_line(std::string before, char fill, std::string after) {
  return [=](const fs::path& p) { test::write_file(p, before + std::string(100u << 20, fill) + after); };
}

Writer directory() {
  return [](const fs::path& p) { fs::create_directories(p); };
}
Writer nothing() {
  return [](const fs::path&) {};
}

// Commands that read the bad file. The model and data they need come from a small trained run.
// TrainFasta: the file is a FASTA trained on with dir/labels.tsv; TrainLabels: the file is the
// labels of dir/d.fa.
enum class Via { Train, TrainFasta, TrainLabels, Predict, Evaluate, MotifDb, ModelFile, RunFile, RuleFile };

struct BadInput {
  std::string name;
  Via via;
  // File name; for ModelFile/RunFile a file inside the model/run directory ("" = the directory).
  std::string file;
  Writer write;
  int code;
  std::string where;  // what follows the file name in the message: ":3:3: ", ":1: ", ": "
  std::string what;   // part of the message
  std::vector<std::string> extra = {};  // more arguments
};

std::ostream& operator<<(std::ostream& os, const BadInput& c) { return os << c.name; }

// --- sequence tables (TSV/CSV, plain or gzip) --------------------------------------------------
std::vector<BadInput> table_cases() {
  const Via T = Via::Train;
  return {
      {"InvalidCharacter", T, "d.tsv", text("seq\tscore\nACGT\t1\nACXT\t2\n"), 1, ":3:3: ", "invalid base 'X'"},
      {"InvalidCharacterPredict", Via::Predict, "d.tsv", text("seq\nACGT\nAC-T\n"), 1, ":3:3: ", "invalid base '-'"},
      {"NulByteInSequence", T, "d.tsv", text(std::string("seq\tscore\nAC\0T\t1\n", 15)), 1, ":2:3: ", "invalid base"},
      {"Utf8InSequence", T, "d.tsv", text("seq\tscore\nACG\xC3\xA9\t1\n"), 1, ":2:4: ", "invalid base"},
      {"EmptyFile", T, "d.tsv", text(""), 1, ": ", "empty file"},
      {"HeaderOnly", T, "d.tsv", text("seq\tscore\n"), 1, ": ", "no data rows"},
      {"HeaderAndBlankLines", T, "d.tsv", text("seq\tscore\n\n\r\n\n"), 1, ": ", "no data rows"},
      {"MissingSequenceColumn", T, "d.tsv", text("sequence\tscore\nACGT\t1\n"), 1, ":1: ", "no column 'seq'"},
      {"UnknownTargetColumn", T, "d.tsv", text("seq\tscore\nACGT\t1\n"), 1, ":1: ", "no column 'expr'",
       {"--target-col", "expr"}},
      {"UnknownSeqColumnOption", Via::Predict, "d.tsv", text("seq\nACGT\n"), 1, ":1: ", "no column 'dna'",
       {"--seq-col", "dna"}},
      {"NoTargetColumn", T, "d.tsv", text("seq\nACGT\nACGA\n"), 1, ":1: ", "no target column"},
      {"NonNumericTarget", T, "d.tsv", text("seq\tscore\nACGT\t1\nACGT\tabc\n"), 1, ":3:6: ", "not a finite number"},
      {"NaNTarget", T, "d.tsv", text("seq\tscore\nACGT\tNaN\n"), 1, ":2:6: ", "not a finite number"},
      {"InfTarget", T, "d.tsv", text("seq\tscore\nACGT\tinf\n"), 1, ":2:6: ", "not a finite number"},
      {"MinusInfTarget", T, "d.csv", text("seq,score\nACGT,-Infinity\n"), 1, ":2:6: ", "not a finite number"},
      {"OverflowingTarget", T, "d.tsv", text("seq\tscore\nACGT\t1e999\n"), 1, ":2:6: ", "not a finite number"},
      {"EmptyTarget", T, "d.tsv", text("seq\tscore\nACGT\t\n"), 1, ":2:6: ", "not a finite number"},
      {"EmptyTargetEvaluate", Via::Evaluate, "d.tsv", text("seq\tscore\nACGT\t\n"), 1, ":2:6: ", "not a finite number"},
      {"MixedLengths", T, "d.tsv", text("seq\tscore\nACGT\t1\nACGT\t1\nACGTA\t2\nACG\t3\n"), 1, ":4: ",
       "different lengths"},
      {"WrongLengthForModel", Via::Predict, "d.tsv", text("seq\nACGT\nACGTAC\n"), 1, ":3: ", "the model expects 4"},
      {"TooManyFields", T, "d.tsv", text("seq\tscore\nACGT\t1\t2\n"), 1, ":2: ", "expected 2 fields"},
      {"TooFewFields", T, "d.csv", text("id,seq,score\nx,ACGT\n"), 1, ":2: ", "expected 3 fields"},
      {"UnclosedQuote", T, "d.csv", text("seq,score\nACGT,1\n\"ACGA,2\nACGC,3\n"), 1, ":3:1: ",
       "a quoted field opens here and never closes"},
      {"UnclosedQuotePredict", Via::Predict, "d.csv", text("id,seq\n\"x,ACGT\n"), 1, ":2:1: ", "never closes"},
      {"TextAfterClosingQuote", T, "d.csv", text("seq,score\n\"AC\"GT,1\n"), 1, ":2:5: ", "text after a closing quote"},
      {"QuoteInsideUnquotedSequence", T, "d.csv", text("seq,score\nAC\"GT,1\n"), 1, ":2:3: ", "invalid base '\"'"},
      {"TruncatedGzip", T, "d.tsv.gz", truncated_gzip("seq\tscore\n", "\t1.5\n"), 1, ":", "truncated or corrupt"},
      // htslib reads a gzip magic without a valid deflate header as plain text: a header without 'seq'.
      {"GzipMagicThenJunk", T, "d.tsv.gz", text("\x1f\x8b\x08\x00junk that is not deflate data\n"), 1, ":1: ",
       "no column 'seq'"},
      {"BinaryGarbage", T, "d.tsv", garbage(1 << 16), 1, ":", ""},
      {"BinaryGarbagePredict", Via::Predict, "d.tsv", garbage(1 << 16), 1, ":", ""},
      {"HundredMegabyteLine", T, "d.tsv", huge_line("", 'x', ""), 1, ":1: ", "no column 'seq'"},
      {"HundredMegabyteSequence", T, "d.tsv", huge_line("seq\tscore\n", 'A', "\t1\nACGT\t2\n"), 1, ":3: ",
       "different lengths"},
      {"HundredMegabyteSequencePredict", Via::Predict, "d.tsv", huge_line("seq\n", 'C', "\n"), 1, ":2: ",
       "the model expects 4"},
      {"DuplicateIds", T, "d.tsv", text("id\tseq\tscore\na\tACGT\t1\nb\tACGA\t2\na\tACGC\t3\n"), 1, ":4: ",
       "duplicate id 'a' (first on line 2)"},
      {"EmptySequence", T, "d.tsv", text("seq\tscore\nACGT\t1\n\t2\n"), 1, ":3:1: ", "empty sequence"},
      {"EmptySequencePredict", Via::Predict, "d.csv", text("id,seq\nx,\n"), 1, ":2:3: ", "empty sequence"},
      {"Directory", T, "d.tsv", directory(), 1, ": ", "is a directory"},
      {"MissingFile", T, "d.tsv", nothing(), 1, ": ", "no such file"},
      {"MissingFilePredict", Via::Predict, "d.tsv", nothing(), 1, ": ", "no such file"},
  };
}

// --- model files: RUN/model/config.json and weights.safetensors --------------------------------
std::string le64(std::uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }
std::string safetensors(const std::string& header, const std::string& data) {
  return le64(header.size()) + header + data;
}
const std::string kConfigStart = R"({"format": "dnacnn-model", "format_version": 1, "alphabet": "ACGT", "targets": ["score"], "task": "regression", )";

std::vector<BadInput> model_cases() {
  const Via M = Via::ModelFile;
  const std::string w = "weights.safetensors", c = "config.json";
  return {
      {"WeightsTruncated", M, w, [](const fs::path& p) {
         const std::string b = test::read_file(p);
         test::write_file(p, b.substr(0, b.size() - 100));
       }, 1, ": ", "invalid weights file"},
      {"WeightsEmpty", M, w, text(""), 1, ": ", "invalid weights file"},
      {"WeightsForeignZip", M, w, text(std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10) + "archive/data.pkl"), 1,
       ": ", "invalid weights file"},
      {"WeightsHeaderSizeHuge", M, w, text(le64(~0ull) + "{}"), 1, ": ", "header size out of range"},
      {"WeightsHeaderNotJson", M, w, text(safetensors("{not json", "")), 1, ": ", "not a JSON object"},
      {"WeightsWrongDtype", M, w,
       text(safetensors(R"({"conv.weight":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", "abcd")), 1, ": ",
       "is not F32"},
      {"WeightsOffsetsOutsideFile", M, w,
       text(safetensors(R"({"conv.weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4000000]}})", "abcd")), 1,
       ": ", "data range"},
      {"WeightsShapeClaimsExabytes", M, w,
       text(safetensors(R"({"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", "abcd")), 1,
       ": ", "impossible shape"},
      {"WeightsMissingTensor", M, w, text(safetensors("{}", "")), 1, ": ", "lack tensor"},
      {"ConfigNotJson", M, c, text("{\"format\": \"dnacnn-model\", "), 1, ": ", "not valid JSON"},
      {"ConfigForeign", M, c, text(R"({"model_type": "bert", "hidden_size": 768})"), 1, ": ", "not a dnacnn model config"},
      {"ConfigClaimsTrillionParameters", M, c,
       text(kConfigStart + R"("arch": "cnn", "length": 1000, "hparams": {"filters": 1000000000, "kernel_size": 3}})"), 1,
       ": ", "parameters (limit"},
      {"ConfigNegativeLength", M, c,
       text(kConfigStart + R"("arch": "cnn", "length": -4, "hparams": {"filters": 32, "kernel_size": 3}})"), 1, ": ",
       "out of range"},
      {"ConfigUnknownArchitecture", M, c,
       text(kConfigStart + R"("arch": "transformer", "length": 4, "hparams": {}})"), 1, ": ",
       "unknown model architecture"},
      {"ConfigFractionalFilters", M, c,
       text(kConfigStart + R"("arch": "cnn", "length": 4, "hparams": {"filters": 2.5, "kernel_size": 3}})"), 1, ": ",
       "whole number"},
      {"ConfigFutureVersion", M, c, text(R"({"format": "dnacnn-model", "format_version": 99})"), 1, ": ",
       "format_version 99"},
      {"ConfigMistypedKey", M, c, text(kConfigStart + R"("arch": 7, "length": 4, "hparams": {}})"), 1, ": ",
       "missing or mistyped"},
      {"ConfigMissing", M, c, [](const fs::path& p) { fs::remove(p); }, 1, ": ", "cannot read model config"},
      {"ModelDirIsAFile", M, "", [](const fs::path& p) {
         fs::remove_all(p);
         test::write_file(p, "x");
       }, 1, ": ", "not a model directory"},
  };
}

// --- run directories read back by `dnacnn report RUN` ----------------------------------------
std::vector<BadInput> run_cases() {
  const Via R = Via::RunFile;
  return {
      {"MetricsNotJson", R, "metrics.json", text("{\"models\": {"), 1, ": ", "not valid JSON"},
      {"MetricsBinary", R, "metrics.json", garbage(4096), 1, ": ", "not valid JSON"},
      {"MetricsWithoutModels", R, "metrics.json", text("{\"runs\": []}"), 1, ": ", "no \"models\""},
      {"RunJsonMistyped", R, "run.json", text(R"({"name": 5, "data": 3, "params": []})"), 1, "", ""},
      {"HistoryBadEpoch", R, "history.tsv", text("epoch\ttrain_loss\tval_loss\tseconds\nfirst\t1\t1\t0.1\n"), 1,
       ":2:1: ", "epoch is not a number"},
      {"MissingMetrics", R, "metrics.json", [](const fs::path& p) { fs::remove(p); }, 1, "", ""},
  };
}

// --- scoring rule files (simulate --rule FILE) ------------------------------------------------
std::vector<BadInput> rule_cases() {
  const Via R = Via::RuleFile;
  return {
      {"RuleNumberOverflow", R, "r.json", text("{\"base_scores\": {\"A\": 1e99999}}"), 1, ": ", "not valid JSON"},
      {"RuleNotJson", R, "r.json", text("name: positional\n"), 1, ": ", "not valid JSON"},
      {"RuleBinary", R, "r.json", garbage(2048), 1, ": ", "not valid JSON"},
  };
}

// --- motif databases (motifs --db): MEME and JASPAR --------------------------------------------
const std::string kMeme = "MEME version 4\n\nALPHABET= ACGT\n\n";

std::vector<BadInput> motif_cases() {
  const Via D = Via::MotifDb;
  return {
      {"NotAMotifFile", D, "db.txt", text("hello\n"), 1, ":1: ", "not a motif file"},
      {"EmptyMotifFile", D, "db.meme", text("\n\n"), 1, ": ", "empty motif file"},
      {"MemeRowTooShort", D, "db.meme",
       text(kMeme + "MOTIF a\nletter-probability matrix: alength= 4 w= 2\n0.1 0.2 0.3 0.4\n0.1 0.2 0.3\n"), 1, ":8: ",
       "4 numbers"},
      {"MemeWidthZero", D, "db.meme", text(kMeme + "MOTIF a\nletter-probability matrix: alength= 4 w= 0\n"), 1, ":6: ",
       "width"},
      {"MemeWidthHuge", D, "db.meme", text(kMeme + "MOTIF a\nletter-probability matrix: alength= 4 w= 1e30\n"), 1,
       ":6: ", "width"},
      {"MemeNsitesHuge", D, "db.meme",
       text(kMeme + "MOTIF a\nletter-probability matrix: alength= 4 w= 1 nsites= 1e30\n0.25 0.25 0.25 0.25\n"), 1,
       ":6: ", "nsites"},
      {"MemeAlength5", D, "db.meme", text(kMeme + "MOTIF a\nletter-probability matrix: alength= 5 w= 1\n"), 1, ":6: ",
       "alength must be 4"},
      {"MemeRnaAlphabet", D, "db.meme", text("MEME version 4\nALPHABET= ACGU\n"), 1, ":2: ", "ACGT"},
      {"MemeMatrixOutsideMotif", D, "db.meme", text(kMeme + "letter-probability matrix: alength= 4 w= 1\n"), 1,
       ":5: ", "outside a MOTIF"},
      {"MemeEndsInMatrix", D, "db.meme",
       text(kMeme + "MOTIF a\nletter-probability matrix: alength= 4 w= 3\n0.1 0.2 0.3 0.4\n"), 1, ":", "ends inside"},
      {"MemeMotifWithoutMatrix", D, "db.meme", text(kMeme + "MOTIF a\n"), 1, ": ", "no letter-probability matrix"},
      {"MemeNaN", D, "db.meme",
       text(kMeme + "MOTIF a\nletter-probability matrix: alength= 4 w= 1\nnan 0.2 0.3 0.4\n"), 1, ":7: ",
       "non-negative number"},
      {"MemeNegative", D, "db.meme",
       text(kMeme + "MOTIF a\nletter-probability matrix: alength= 4 w= 1\n-0.1 0.2 0.3 0.4\n"), 1, ":7: ",
       "non-negative number"},
      {"MemeMotifWithoutId", D, "db.meme", text(kMeme + "MOTIF\n"), 1, ":5: ", "without an id"},
      {"JasparThreeRows", D, "db.jaspar", text(">MA1 x\nA [ 1 2 ]\nC [ 1 2 ]\nG [ 1 2 ]\n"), 1, ":", "needs 4 rows"},
      {"JasparFiveRows", D, "db.jaspar", text(">MA1 x\n1 2\n1 2\n1 2\n1 2\n1 2\n"), 1, ":6: ", "more than 4 rows"},
      {"JasparRagged", D, "db.jaspar", text(">MA1 x\nA [ 1 2 ]\nC [ 1 2 ]\nG [ 1 ]\nT [ 1 2 ]\n"), 1, ":",
       "different lengths"},
      {"JasparText", D, "db.jaspar", text(">MA1 x\nA [ 1 two ]\n"), 1, ":2: ", "non-negative number"},
      {"JasparWrongOrder", D, "db.jaspar", text(">MA1 x\nC [ 1 2 ]\n"), 1, ":2: ", "order A, C, G, T"},
      {"JasparWithoutId", D, "db.jaspar", text(">\n"), 1, ":1: ", "without a motif id"},
      {"MotifBinaryGarbage", D, "db.meme", garbage(1 << 14), 1, ":", ""},
      {"MotifTruncatedGzip", D, "db.meme.gz", truncated_gzip(kMeme, "\n"), 1, ":", "truncated or corrupt"},
      {"MotifDirectory", D, "db.meme", directory(), 1, ": ", "is a directory"},
      {"MotifMissing", D, "db.meme", nothing(), 1, ": ", "no such file"},
  };
}

// --- FASTA files and their labels -------------------------------------------------------------
// Writes the file under test and, next to it, the other half of a FASTA + labels pair.
Writer with_sibling(std::string content, std::string sibling, std::string sibling_content) {
  return [=](const fs::path& p) {
    test::write_file(p, content);
    test::write_file(p.parent_path() / sibling, sibling_content);
  };
}

std::vector<BadInput> fasta_cases() {
  const std::string labels = "id\tscore\na\t1\nb\t2\n";
  const std::string fasta = ">a\nACGT\n>b\nACGA\n";
  return {
      {"FastaWithoutGreaterThan", Via::Predict, "d.fa", text("ACGT\nACGT\n"), 1, ":1:1: ", "starting with '>'"},
      {"FastaInvalidCharacter", Via::Predict, "d.fa", text(">a\nACXT\n"), 1, ":2:3: ", "invalid base 'X'"},
      {"FastaEmptyRecord", Via::Predict, "d.fa", text(">a\n>b\nACGT\n"), 1, ":1: ", "empty sequence for record 'a'"},
      {"FastaEmptyFile", Via::Predict, "d.fa", text(""), 1, ": ", "empty file"},
      {"FastaGarbage", Via::Predict, "d.fa", garbage(4096), 1, ":", ""},
      {"FastaWithoutLabels", Via::Train, "d.fa", text(fasta), 2, ": ", "holds no targets"},
      {"FastaDuplicateIds", Via::TrainFasta, "d.fa", with_sibling(">a\nACGT\n>a\nACGA\n>b\nACGG\n", "labels.tsv", labels),
       1, ":3: ", "duplicate id 'a' (first on line 1)"},
      {"FastaRecordWithoutLabel", Via::TrainFasta, "d.fa", with_sibling(">a\nACGT\n>c\nACGA\n", "labels.tsv", labels), 1,
       ":3: ", "record 'c' has no row in the labels"},
      {"LabelsNonNumeric", Via::TrainLabels, "labels.tsv", with_sibling("id\tscore\na\t1\nb\tx\n", "d.fa", fasta), 1,
       ":3:3: ", "not a finite number: 'x'"},
      {"LabelsDuplicateId", Via::TrainLabels, "labels.tsv", with_sibling("id\tscore\na\t1\na\t2\n", "d.fa", fasta), 1,
       ":3: ", "id 'a' occurs twice"},
      {"LabelsMissingIdColumn", Via::TrainLabels, "labels.tsv", with_sibling("name\tscore\na\t1\n", "d.fa", fasta), 1,
       ":1: ", "no column 'id'"},
  };
}

// A trained 4-bp CNN and its data, made once per test process.
struct Trained {
  TempDir dir;
  fs::path data, model;
  Trained() {
    data = simulate(dir, 4);
    model = train(dir, data, {"--batch-size", "16"}) / "model";
  }
};

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, AnswersWithOneLocatedLine) {
  const BadInput& c = GetParam();
  TempDir dir;
  std::unique_ptr<Trained> trained;
  const bool trains = c.via == Via::Train || c.via == Via::TrainFasta || c.via == Via::TrainLabels;
  if (!trains && c.via != Via::RuleFile) trained = std::make_unique<Trained>();
  fs::path file = dir / c.file;
  std::vector<std::string> args;
  std::string command;
  switch (c.via) {
    case Via::Train:
      command = "train";
      args = {"train", "--data", file.string(), "--out", (dir / "run").string(), "--epochs", "1", "--batch-size", "8"};
      break;
    case Via::TrainFasta:
    case Via::TrainLabels: {
      command = "train";
      const fs::path fa = c.via == Via::TrainFasta ? file : dir / "d.fa";
      const fs::path labels = c.via == Via::TrainLabels ? file : dir / "labels.tsv";
      args = {"train", "--data", fa.string(), "--labels", labels.string(), "--out", (dir / "run").string(),
              "--epochs", "1", "--batch-size", "1"};
      break;
    }
    case Via::Predict:
      command = "predict";
      args = {"predict", "--model", trained->model.string(), "--in", file.string()};
      break;
    case Via::Evaluate:
      command = "evaluate";
      args = {"evaluate", "--model", trained->model.string(), "--data", file.string()};
      break;
    case Via::MotifDb:
      command = "motifs";
      args = {"motifs", "--model", trained->model.string(), "--data", trained->data.string(), "--out",
              (dir / "m").string(), "--db", file.string(), "--quiet"};
      break;
    case Via::RuleFile:
      command = "simulate";
      args = {"simulate", "--k", "2", "--out", (dir / "run" / "o.tsv").string(), "--rule", file.string()};
      break;
    case Via::RunFile: {
      command = "report";
      const fs::path run = dir / "run";
      fs::copy(trained->model.parent_path(), run, fs::copy_options::recursive);
      file = c.file.empty() ? run : run / c.file;
      args = {"report", run.string()};
      break;
    }
    case Via::ModelFile: {
      command = "predict";
      const fs::path model = dir / "model";
      fs::copy(trained->model, model);
      file = c.file.empty() ? model : model / c.file;
      args = {"predict", "--model", model.string(), "--in", trained->data.string()};
      break;
    }
  }
  c.write(file);
  args.insert(args.end(), c.extra.begin(), c.extra.end());
  const RunResult r = dnacnn(args);
  // Run-directory cases without a `where` may name the directory or a file in it.
  const std::string located = c.where.empty() && c.via == Via::RunFile ? (dir / "run").string() : file.string() + c.where;
  expect_one_line_error(r, c.code, "dnacnn " + command + ": " + located);
  EXPECT_NE(r.err.find(c.what), std::string::npos) << r.err;
  EXPECT_LT(r.err.size(), 400u) << "a one-line message, not a dump of the input";
  for (char ch : r.err) EXPECT_TRUE(ch == '\n' || (static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f)) << "control byte in: " << r.err;
  EXPECT_EQ(r.out, "");
  if (c.via != Via::RunFile) EXPECT_FALSE(fs::exists(dir / "run" / "metrics.json"));
}

std::string case_name(const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Tables, CliBadInput, ::testing::ValuesIn(table_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(Fasta, CliBadInput, ::testing::ValuesIn(fasta_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(ModelFiles, CliBadInput, ::testing::ValuesIn(model_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(MotifDatabases, CliBadInput, ::testing::ValuesIn(motif_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(RunDirectories, CliBadInput, ::testing::ValuesIn(run_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(RuleFiles, CliBadInput, ::testing::ValuesIn(rule_cases()), case_name);

// --- accepted variants: CRLF, a UTF-8 byte-order mark, CSV, gzip, lower case -------------------
struct Variant {
  std::string name, file, content;
};
std::ostream& operator<<(std::ostream& os, const Variant& v) { return os << v.name; }

class CliAcceptedInput : public ::testing::TestWithParam<Variant> {};

// R's write.csv: every string quoted, numbers bare, row names as a first column headed "".
std::string r_style(const std::string& csv_line, std::size_t index) {
  std::string out = index == 0 ? "\"\"" : "\"" + std::to_string(index) + "\"";
  std::stringstream fields(csv_line);
  for (std::string f; std::getline(fields, f, ',');) {
    const bool number = !f.empty() && (std::isdigit(static_cast<unsigned char>(f[0])) || f[0] == '-');
    out += "," + (number && index > 0 ? f : "\"" + f + "\"");
  }
  return out;
}

// Excel and pandas: only fields that need it quoted; here an extra note column with a comma and a
// doubled quote in it (read, then ignored: it is text, so never a target).
std::string excel_style(const std::string& csv_line, std::size_t index) {
  return csv_line + (index == 0 ? ",note" : ",\"row " + std::to_string(index) + ", \"\"as typed\"\"\"");
}

// The same 64 rows written differently give the same model, digit for digit.
TEST_P(CliAcceptedInput, TrainsLikeThePlainTable) {
  const Variant& v = GetParam();
  TempDir dir;
  const fs::path plain = simulate(dir, 3, "plain.tsv");
  std::string content;
  const auto lines = test::read_lines(plain);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i];
    if (v.file.find(".csv") != std::string::npos) std::replace(line.begin(), line.end(), '\t', ',');
    if (v.content == "r") line = r_style(line, i);
    if (v.content == "excel") line = excel_style(line, i);
    if (i > 0 && v.content == "lower") std::transform(line.begin(), line.end(), line.begin(), ::tolower);
    const bool crlf = v.content == "crlf" || v.content == "excel" || v.name == "BomCrlfCsv";
    content += (i == 0 && v.content == "bom" ? "\xEF\xBB\xBF" : "") + line + (crlf ? "\r\n" : "\n");
  }
  if (v.name == "BomCrlfCsv" || v.content == "excel") content = "\xEF\xBB\xBF" + content;
  const fs::path variant = dir / v.file;
  if (v.file.ends_with(".gz"))
    test::write_gzip(variant, content);
  else
    test::write_file(variant, content);
  const std::vector<std::string> opts{"--epochs", "2", "--batch-size", "8", "--quiet"};
  std::vector<std::string> a{"train", "--data", plain.string(), "--out", (dir / "a").string()};
  std::vector<std::string> b{"train", "--data", variant.string(), "--out", (dir / "b").string()};
  a.insert(a.end(), opts.begin(), opts.end());
  b.insert(b.end(), opts.begin(), opts.end());
  ASSERT_EQ(dnacnn(a).exit_code, 0);
  const RunResult rb = dnacnn(b);
  ASSERT_EQ(rb.exit_code, 0) << rb.err;
  EXPECT_EQ(test::read_file(dir / "a" / "model" / "weights.safetensors"),
            test::read_file(dir / "b" / "model" / "weights.safetensors"));
}

INSTANTIATE_TEST_SUITE_P(Variants, CliAcceptedInput,
                         ::testing::Values(Variant{"Crlf", "d.tsv", "crlf"}, Variant{"Utf8Bom", "d.tsv", "bom"},
                                           Variant{"BomCrlfCsv", "d.csv", "crlf"},
                                           Variant{"GzipCrlf", "d.tsv.gz", "crlf"},
                                           Variant{"LowerCase", "d.tsv", "lower"},
                                           Variant{"RWriteCsv", "d.csv", "r"},
                                           Variant{"ExcelQuotedCsvBomCrlf", "d.csv", "excel"}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dnacnn

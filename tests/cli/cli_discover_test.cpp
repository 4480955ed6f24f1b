// `dnacnn discover` through the real binary: planted motifs named against a database, the MEME
// file read by Biopython, bad input and options as one line, and the notebook end to end
// (simulate, train the notebook's CNN, attribute, discover: TAT positive, GCG negative).
#include <gtest/gtest.h>

#include "attribution_fixture.hpp"
#include "cli_support.hpp"
#include "dnacnn/interpret/motifs.hpp"
#include "dnacnn/io/motif_formats.hpp"

namespace dnacnn {
namespace {

using clitest::dnacnn;
using clitest::expect_one_line_error;
using clitest::read_json;
using clitest::read_tsv;
using test::RunResult;
using test::TempDir;

const std::string kPositive = "TGACTCAG", kNegative = "GATAAGG";

Motif site_motif(const std::string& id, const std::string& name, const std::string& text) {
  Motif m{id, name, {}, 20};
  for (char c : text) {
    Column col{0.02, 0.02, 0.02, 0.02};
    col[std::string_view("ACGT").find(c)] = 0.94;
    m.probs.push_back(col);
  }
  return m;
}

TEST(DiscoverCli, PlantedMotifsAreNamedByTheDatabase) {
  TempDir dir;
  test::write_planted_attributions(dir / "attr", 400, 80, kPositive, kNegative, 11);
  io::write_meme(dir / "db.meme", {site_motif("MA0001.1", "CCCC", "CCCCGCCC"), site_motif("MA0099.1", "AP1", kPositive),
                                   site_motif("MA0035.1", "GATA1", kNegative)});
  const std::string out = (dir / "out").string();
  const RunResult r = dnacnn({"discover", "--attributions", (dir / "attr").string(), "--out", out, "--db",
                              (dir / "db.meme").string(), "--permutations", "50", "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("peak RSS"), std::string::npos) << r.err;
  auto t = read_tsv(dir / "out" / "patterns.tsv");
  ASSERT_GE(t["pattern"].size(), 2u);
  std::map<std::string, std::string> sign_of_match;
  for (std::size_t i = 0; i < t["pattern"].size(); ++i) sign_of_match[t["best_match_name"][i]] = t["sign"][i];
  EXPECT_EQ(sign_of_match["AP1"], "positive");
  EXPECT_EQ(sign_of_match["GATA1"], "negative");
  // Biopython reads the MEME file (minimal format), one motif per row of patterns.tsv.
  const RunResult py = test::run_program(
      "/usr/bin/python3", {"-c",
                           "import sys\nfrom Bio import motifs\nms = motifs.parse(open(sys.argv[1]), 'minimal')\n"
                           "print(len(ms), ms[0].name, ms[0].num_occurrences, ms[0].length)",
                           out + "/patterns.meme"});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out.substr(0, py.out.find(' ')), std::to_string(t["pattern"].size())) << py.out;
  EXPECT_NE(py.out.find(t["pattern"][0] + " " + t["seqlets"][0]), std::string::npos) << py.out;
  const auto seqlets = read_tsv(dir / "out" / "seqlets.tsv");
  EXPECT_EQ(seqlets.at("pattern").size(), [&] {
    std::size_t n = 0;
    for (const auto& s : t["seqlets"]) n += std::stoul(s);
    return n;
  }());
  const auto summary = read_json(dir / "out" / "discover.json");
  EXPECT_GT(summary.at("peak_rss_mb").get<double>(), 0);
  EXPECT_EQ(summary.at("sequences").get<int>(), 400);
  // A second run into the same directory needs --force.
  expect_one_line_error(dnacnn({"discover", "--attributions", (dir / "attr").string(), "--out", out}), 2,
                        "dnacnn discover: " + out + ": output directory exists");
}

TEST(DiscoverCli, BadInputAndOptionsAreOneLine) {
  TempDir dir;
  const auto path = [&](const char* p) { return (dir / p).string(); };
  expect_one_line_error(dnacnn({"discover", "--attributions", path("none"), "--out", path("o1")}), 1,
                        "dnacnn discover: " + path("none") + ": not a directory");
  std::filesystem::create_directories(dir / "empty");
  expect_one_line_error(dnacnn({"discover", "--attributions", path("empty"), "--out", path("o2")}), 1,
                        "dnacnn discover: " + path("empty/attributions.tsv") + ": no attributions.tsv");
  std::filesystem::create_directories(dir / "bad");
  test::write_file(dir / "bad" / "attributions.tsv", "id\tpos\tbase\tA\tC\tG\tT\tattribution\na\t1\tA\t0\t1\t1\t0\t0.5\n"
                                                     "a\t2\tC\t0\t1\t1\tnan\t0.5\n");
  expect_one_line_error(dnacnn({"discover", "--attributions", path("bad"), "--out", path("o3")}), 1,
                        "dnacnn discover: " + path("bad/attributions.tsv") + ":3:13: T must be a finite number");
  test::write_file(dir / "bad.meme", "MEME version 4\n\nMOTIF x\nletter-probability matrix: alength= 4 w= 1\n0.5 0.5 x 0\n");
  const RunResult db = dnacnn({"discover", "--attributions", path("bad"), "--out", path("o4"), "--db", path("bad.meme")});
  EXPECT_EQ(db.exit_code, 1);
  EXPECT_EQ(clitest::count_lines(db.err), 1) << db.err;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--out", path("o5")},                                                              // no input
           {"--attributions", path("bad"), "--out", path("o6"), "--window", "0"},
           {"--attributions", path("bad"), "--out", path("o7"), "--fdr", "1.5"},
           {"--attributions", path("bad"), "--out", path("o8"), "--similarity", "nan"},
           {"--attributions", path("bad"), "--out", path("o9"), "--min-passing", "0.5", "--max-passing", "0.1"},
           {"--attributions", path("bad"), "--out", path("o10"), "--hypothetical", "guess"},
           {"--attributions", path("bad"), "--model", path("m"), "--in", path("s"), "--out", path("o11")},
           {"--attributions", path("bad"), "--in", path("s"), "--out", path("o12")},
           {"--attributions", path("bad")}}) {
    std::vector<std::string> full{"discover"};
    full.insert(full.end(), args.begin(), args.end());
    expect_one_line_error(dnacnn(full), 2, "dnacnn discover: ");
  }
}

// The notebook: every 8-mer scored (+10 TAT, -10 GCG), its CNN trained for 5 epochs, ISM on 3,000
// random 8-mers, and discover run from the model: TAT comes out positive, GCG negative. ISM, not
// the default deepshap: an 8-mer's dinucleotide shuffles keep its TA and AT, so they often rebuild
// TAT and the references share much of the motif (docs/interpretation.md says so).
TEST(DiscoverCli, NotebookFindsTatPositiveAndGcgNegative) {
  TempDir dir;
  const std::filesystem::path data = clitest::simulate(dir, 8);
  const std::filesystem::path run = dir / "run";
  RunResult r = dnacnn({"train", "--data", data.string(), "--model", "cnn", "--epochs", "5", "--out", run.string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = dnacnn({"simulate", "--random", "3000", "--length", "8", "--seed", "4", "--out", (dir / "seqs.tsv").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = dnacnn({"discover", "--model", (run / "model").string(), "--in", (dir / "seqs.tsv").string(), "--method", "ism",
              "--out", (dir / "disc").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "disc" / "attributions" / "attributions.tsv"));
  auto t = read_tsv(dir / "disc" / "patterns.tsv");
  bool tat = false, gcg = false;
  for (std::size_t i = 0; i < t["pattern"].size(); ++i) {
    tat |= t["sign"][i] == "positive" && t["consensus"][i].find("TAT") != std::string::npos;
    gcg |= t["sign"][i] == "negative" && t["consensus"][i].find("GCG") != std::string::npos;
  }
  EXPECT_TRUE(tat) << test::read_file(dir / "disc" / "patterns.tsv");
  EXPECT_TRUE(gcg) << test::read_file(dir / "disc" / "patterns.tsv");
}

}  // namespace
}  // namespace dnacnn

// Motif building blocks: information content, consensus, filter PWMs from known weights,
// MEME/JASPAR files, Tomtom-like matching, and SVG logos.
#include <gtest/gtest.h>

#include <cmath>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/motif_formats.hpp"
#include "dnacnn/interpret/logos.hpp"
#include "dnacnn/interpret/motif_match.hpp"
#include "dnacnn/interpret/motifs.hpp"
#include "dnacnn/core/random.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

Motif motif_from(const std::string& id, const std::vector<Column>& probs) {
  Motif m;
  m.id = id;
  m.probs = probs;
  m.nsites = 10;
  return m;
}

// A conv layer whose filter 0 is +1 for T,A,T at offsets 0,1,2 and -1 elsewhere, bias -2:
// it fires (activation 1) only on TAT.
ConvFilters tat_detector(int filters = 1) {
  ConvFilters conv;
  conv.filters = filters;
  conv.width = 3;
  conv.weight.assign(static_cast<std::size_t>(filters * 4 * 3), -1.0f);
  conv.bias.assign(static_cast<std::size_t>(filters), -2.0f);
  conv.weight[(0 * 4 + 3) * 3 + 0] = 1;  // T at 0
  conv.weight[(0 * 4 + 0) * 3 + 1] = 1;  // A at 1
  conv.weight[(0 * 4 + 3) * 3 + 2] = 1;  // T at 2
  if (filters > 1) conv.bias[1] = -100;  // filter 1 never fires
  return conv;
}

TEST(InformationContent, UniformIsZeroAndCertainIsTwoBits) {
  const auto ic = information_content({{0.25, 0.25, 0.25, 0.25}, {1, 0, 0, 0}, {0.5, 0.5, 0, 0}});
  EXPECT_NEAR(ic[0], 0.0, 1e-12);
  EXPECT_NEAR(ic[1], 2.0, 1e-12);
  EXPECT_NEAR(ic[2], 1.0, 1e-12);
}

TEST(Consensus, UpperCaseWhenDominantLowerCaseWhenWeakNWhenFlat) {
  EXPECT_EQ(consensus({{0.9, 0.05, 0.03, 0.02}, {0.1, 0.4, 0.3, 0.2}, {0.25, 0.25, 0.25, 0.25}}), "AcN");
}

TEST(MotifReverseComplement, ReversesColumnsAndComplementsBases) {
  const Motif rc = reverse_complement(motif_from("m", {{1, 0, 0, 0}, {0, 0.7, 0.3, 0}}));
  ASSERT_EQ(rc.width(), 2u);
  EXPECT_EQ(consensus(rc.probs), "GT");  // AC -> GT
  EXPECT_DOUBLE_EQ(rc.probs[0][1], 0.3);
  EXPECT_DOUBLE_EQ(rc.probs[0][2], 0.7);
}

TEST(FilterMotifs, CollectsExactlyTheWindowsAboveThreshold) {
  const SequenceData data = sequences_from_strings({"TATAAA", "CCCCCC", "GTATTN", "TATTAT"}, "test");
  const auto motifs = filter_motifs(tat_detector(2), data, {.threshold = 0, .pseudocount = 0});
  ASSERT_EQ(motifs.size(), 2u);
  EXPECT_EQ(motifs[0].sites, 4);  // TAT in seq 1, 3, and twice in 4
  EXPECT_EQ(motifs[0].consensus, "TAT");
  EXPECT_NEAR(motifs[0].ic_total, 6.0, 1e-9);
  EXPECT_NEAR(motifs[0].max_activation, 1.0, 1e-6);
  EXPECT_EQ(motifs[0].counts[1][0], 4);  // A at the middle position in every site
  // A filter that never fires: no sites, no NaN, no probabilities, a "-" consensus.
  EXPECT_EQ(motifs[1].sites, 0);
  EXPECT_EQ(motifs[1].consensus, "-");
  EXPECT_TRUE(motifs[1].motif.probs.empty());
  EXPECT_EQ(motifs[1].ic_total, 0);
}

TEST(FilterMotifs, RelativeThresholdIsAFractionOfEachFiltersMaximum) {
  const SequenceData data = sequences_from_strings({"TATAAA", "TAAAAA"}, "test");
  // TAT scores 1, TAA/AAT-like windows score -1 or less: 0.5 x max = 0.5 keeps only TAT.
  const auto motifs = filter_motifs(tat_detector(), data, {.relative_threshold = 0.5, .pseudocount = 0});
  EXPECT_EQ(motifs[0].sites, 1);
  EXPECT_DOUBLE_EQ(motifs[0].threshold_used, 0.5);
  EXPECT_THROW(filter_motifs(tat_detector(), data, {.relative_threshold = 1.5}), UsageError);
}

TEST(FilterMotifs, PseudocountKeepsProbabilitiesPositive) {
  const SequenceData data = sequences_from_strings({"TATAAA"}, "test");
  const auto motifs = filter_motifs(tat_detector(), data, {.threshold = 0, .pseudocount = 0.5});
  for (const Column& c : motifs[0].motif.probs) {
    EXPECT_NEAR(c[0] + c[1] + c[2] + c[3], 1.0, 1e-12);
    for (double p : c) EXPECT_GT(p, 0);
  }
  EXPECT_NEAR(motifs[0].motif.probs[0][3], 1.5 / 3.0, 1e-12);
}

TEST(FilterMotifs, AnyKernelSizeFrom3To25AndAnySequenceLength) {
  Rng rng(11);
  std::vector<std::string> seqs;
  for (int i = 0; i < 40; ++i) {
    std::string s(static_cast<std::size_t>(30 + i), 'A');  // lengths 30..69
    for (char& c : s) c = "ACGT"[rng.below(4)];
    seqs.push_back(s);
  }
  const SequenceData data = sequences_from_strings(seqs, "test");
  for (int width : {3, 7, 12, 25}) {
    ConvFilters conv;
    conv.filters = 4;
    conv.width = width;
    for (int i = 0; i < 4 * 4 * width; ++i) conv.weight.push_back(static_cast<float>(rng.normal()));
    conv.bias.assign(4, 0.0f);
    const auto motifs = filter_motifs(conv, data, {.relative_threshold = 0.5});
    long windows = 0;
    for (const auto& s : seqs) windows += static_cast<long>(s.size()) - width + 1;
    for (const FilterMotif& m : motifs) {
      EXPECT_GT(m.sites, 0) << width;
      EXPECT_LE(m.sites, windows) << width;
      ASSERT_EQ(m.motif.width(), static_cast<std::size_t>(width));
      EXPECT_EQ(m.consensus.size(), static_cast<std::size_t>(width));
      for (const Column& c : m.motif.probs) EXPECT_NEAR(c[0] + c[1] + c[2] + c[3], 1.0, 1e-9);
    }
    EXPECT_NE(io::format_meme({motifs[0].motif}).find("w= " + std::to_string(width) + " "), std::string::npos);
  }
}

TEST(FirstConvLayer, FindsConvWeightsOrFailsClearly) {
  std::vector<io::NamedTensor> w{{"conv.weight", {2, 4, 3}, std::vector<float>(24, 1.0f)},
                                 {"conv.bias", {2}, {0.5f, -0.5f}}};
  const ConvFilters conv = first_conv_layer(w, "conv", "m");
  EXPECT_EQ(conv.filters, 2);
  EXPECT_EQ(conv.width, 3);
  EXPECT_FLOAT_EQ(conv.bias[1], -0.5f);
  const std::vector<io::NamedTensor> linear{{"lin.weight", {1, 32}, std::vector<float>(32)}};
  EXPECT_NE(std::string(test::thrown_message<Error>([&] { first_conv_layer(linear, "", "m/weights"); })).find("convolution"),
            std::string::npos);
}

TEST(MemeFormat, WritesVersion4AndReadsItBack) {
  TempDir dir;
  const std::vector<Motif> motifs{motif_from("filter0", {{0.1, 0.2, 0.3, 0.4}, {1, 0, 0, 0}}),
                                  motif_from("filter3", {{0.25, 0.25, 0.25, 0.25}})};
  io::write_meme(dir / "m.meme", motifs);
  const std::string text = test::read_file(dir / "m.meme");
  EXPECT_EQ(text.rfind("MEME version 4\n", 0), 0u);
  EXPECT_NE(text.find("ALPHABET= ACGT"), std::string::npos);
  EXPECT_NE(text.find("MOTIF filter0\nletter-probability matrix: alength= 4 w= 2 nsites= 10 E= 0\n"), std::string::npos);
  const auto back = io::read_motif_file(dir / "m.meme");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].id, "filter3");
  EXPECT_EQ(back[0].nsites, 10);
  EXPECT_NEAR(back[0].probs[0][3], 0.4, 1e-6);
}

TEST(MemeFormat, ReadsMemeSuiteStyleFilesWithNamesAndExtraHeaderLines) {
  TempDir dir;
  test::write_file(dir / "db.meme",
                   "MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\nBackground letter frequencies (from uniform "
                   "background):\nA 0.25000 C 0.25000 G 0.25000 T 0.25000\n\n"
                   "MOTIF MA0004.1 Arnt\nletter-probability matrix: alength= 4 w= 3 nsites= 20 E= 0\n"
                   "  0.200000  0.800000  0.000000  0.000000\n  0.950000  0.000000  0.050000  0.000000\n"
                   "  0.000000  1.000000  0.000000  0.000000\nURL http://example.org\n\n");
  const auto m = io::read_motif_file(dir / "db.meme");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].id, "MA0004.1");
  EXPECT_EQ(m[0].name, "Arnt");
  EXPECT_EQ(consensus(m[0].probs), "CAC");
}

TEST(MemeFormat, MalformedFilesAreLocatedErrors) {
  TempDir dir;
  test::write_file(dir / "short.meme", "MEME version 4\nMOTIF x\nletter-probability matrix: alength= 4 w= 3\n0.25 0.25 0.25 0.25\n");
  EXPECT_NE(test::thrown_message<Error>([&] { io::read_motif_file(dir / "short.meme"); }).find("ends inside"), std::string::npos);
  test::write_file(dir / "row.meme", "MEME version 4\nMOTIF x\nletter-probability matrix: alength= 4 w= 1\n0.25 0.25 0.5\n");
  EXPECT_NE(test::thrown_message<Error>([&] { io::read_motif_file(dir / "row.meme"); }).find("row.meme:4: "), std::string::npos);
  test::write_file(dir / "rna.meme", "MEME version 4\nALPHABET= ACGU\n");
  EXPECT_THROW(io::read_motif_file(dir / "rna.meme"), Error);
  test::write_file(dir / "junk.txt", "hello\n");
  EXPECT_NE(test::thrown_message<Error>([&] { io::read_motif_file(dir / "junk.txt"); }).find("not a motif file"), std::string::npos);
  test::write_file(dir / "empty.meme", "");
  EXPECT_THROW(io::read_motif_file(dir / "empty.meme"), Error);
}

TEST(JasparFormat, ReadsBracketedAndBareCountMatrices) {
  TempDir dir;
  test::write_file(dir / "db.jaspar",
                   ">MA0001.1 AGL3\nA  [ 0  3 79 ]\nC  [94 75  4 ]\nG  [ 1  0  3 ]\nT  [ 2 19 11 ]\n"
                   ">MA0002.1 RUNX1\n10 0 0\n0 10 0\n0 0 10\n0 0 0\n");
  const auto m = io::read_motif_file(dir / "db.jaspar");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].id, "MA0001.1");
  EXPECT_EQ(m[0].name, "AGL3");
  EXPECT_EQ(m[0].nsites, 97);
  EXPECT_NEAR(m[0].probs[0][1], 94.0 / 97.0, 1e-12);
  EXPECT_EQ(consensus(m[1].probs), "ACG");
  test::write_file(dir / "bad.jaspar", ">X\nA [1 2]\nC [1 2 3]\nG [1 2]\nT [1 2]\n");
  EXPECT_THROW(io::read_motif_file(dir / "bad.jaspar"), Error);
  test::write_file(dir / "three.jaspar", ">X\nA [1 2]\nC [1 2]\nG [1 2]\n");
  EXPECT_THROW(io::read_motif_file(dir / "three.jaspar"), Error);
}

TEST(ColumnPearson, PerfectOppositeAndFlat) {
  EXPECT_NEAR(column_pearson({1, 0, 0, 0}, {1, 0, 0, 0}), 1.0, 1e-12);
  EXPECT_NEAR(column_pearson({1, 0, 0, 0}, {0, 1, 1, 1}), -1.0, 1e-12);
  EXPECT_EQ(column_pearson({0.25, 0.25, 0.25, 0.25}, {1, 0, 0, 0}), 0.0);
}

TEST(BestAlignment, FindsOffsetAndReverseStrand) {
  const Motif target = motif_from("t", {{1, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});  // AACGT
  const Motif query = motif_from("q", {{0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});                            // CGT
  const Alignment a = best_alignment(query, target, 3);
  EXPECT_EQ(a.offset, 2);
  EXPECT_FALSE(a.reverse);
  EXPECT_NEAR(a.similarity(), 1.0, 1e-12);
  // GTT = rc of AAC; (ACG, the rc of CGT, also occurs forward in AACGT, so it cannot test the strand)
  const Motif rc_query = motif_from("q", {{0, 0, 1, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}});
  const Alignment b = best_alignment(rc_query, target, 3);
  EXPECT_TRUE(b.reverse);
  EXPECT_NEAR(b.similarity(), 1.0, 1e-12);
}

TEST(MatchMotif, RanksTheTrueMotifFirstWithASmallPValue) {
  const std::vector<Column> planted{{0, 0, 0, 1}, {0, 0, 1, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 1}, {0, 1, 0, 0}};
  std::vector<Motif> db;
  Rng rng(5);
  for (int k = 0; k < 20; ++k) {
    std::vector<Column> cols;
    for (int j = 0; j < 7; ++j) {
      Column c{};
      for (double& v : c) v = rng.uniform() + 0.01;
      const double t = c[0] + c[1] + c[2] + c[3];
      for (double& v : c) v /= t;
      cols.push_back(c);
    }
    db.push_back(motif_from("decoy" + std::to_string(k), cols));
  }
  db.insert(db.begin() + 7, motif_from("planted", planted));
  Motif query = motif_from("filter0", planted);
  for (Column& c : query.probs)
    for (double& v : c) v = 0.8 * v + 0.05;  // a softened, noisy copy
  const auto matches = match_motif(query, db, {.permutations = 100, .top = 3});
  ASSERT_EQ(matches.size(), 3u);
  EXPECT_EQ(matches[0].target_id, "planted");
  EXPECT_LT(matches[0].p_value, 0.05);
  EXPECT_NEAR(matches[0].e_value, matches[0].p_value * 21, 1e-12);
  EXPECT_GT(matches[0].alignment.similarity(), 0.95);
}

TEST(Logos, InformationLogoHasOneLetterPathPerBaseAndABitsAxis) {
  const std::string svg = information_logo_svg(motif_from("filter0", {{1, 0, 0, 0}, {0.25, 0.25, 0.25, 0.25}}), "f<0>");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("bits"), std::string::npos);
  EXPECT_NE(svg.find("#109648"), std::string::npos);           // A in green
  EXPECT_EQ(svg.find("#255C99"), std::string::npos);           // flat column: no letters drawn
  EXPECT_NE(svg.find("f&lt;0&gt;"), std::string::npos);        // title escaped
  EXPECT_EQ(svg.find("f<0>"), std::string::npos);
}

TEST(Logos, HeatmapShowsEveryWeight) {
  const std::string svg = weight_heatmap_svg(tat_detector(), 0, "filter0 weights");
  std::size_t rects = 0;
  for (std::size_t p = svg.find("<rect"); p != std::string::npos; p = svg.find("<rect", p + 1)) ++rects;
  EXPECT_EQ(rects, 12u);
  EXPECT_NE(svg.find("T at 1: 1.0000"), std::string::npos);
}

}  // namespace
}  // namespace dnacnn

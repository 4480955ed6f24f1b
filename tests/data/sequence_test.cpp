// The notebook's scoring rule, k-mer enumeration and reverse complements.
#include "dnacnn/data/sequence.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "dnacnn/core/error.hpp"

namespace dnacnn {
namespace {

TEST(ScoringRule, NotebookDefaults) {
  const ScoringRule r = ScoringRule::notebook();
  EXPECT_EQ(r.base_scores, (std::array<double, 4>{20, 17, 14, 11}));
  ASSERT_EQ(r.motifs.size(), 2u);
  EXPECT_EQ(r.motifs[0].pattern, "TAT");
  EXPECT_EQ(r.motifs[0].effect, 10);
  EXPECT_EQ(r.motifs[1].pattern, "GCG");
  EXPECT_EQ(r.motifs[1].effect, -10);
}

TEST(ScoringRule, PolyX) {
  const ScoringRule r = ScoringRule::notebook();
  EXPECT_DOUBLE_EQ(r.score("AAAAAAAA"), 20);
  EXPECT_DOUBLE_EQ(r.score("CCCCCCCC"), 17);
  EXPECT_DOUBLE_EQ(r.score("GGGGGGGG"), 14);
  EXPECT_DOUBLE_EQ(r.score("TTTTTTTT"), 11);
}

TEST(ScoringRule, NoMotif) {
  const ScoringRule r = ScoringRule::notebook();
  // A A C C A A C A = 20+20+17+17+20+20+17+20 = 151
  EXPECT_DOUBLE_EQ(r.score("AACCAACA"), 151.0 / 8);
  // C C G G T G A G = 17+17+14+14+11+14+20+14 = 121
  EXPECT_DOUBLE_EQ(r.score("CCGGTGAG"), 121.0 / 8);
}

TEST(ScoringRule, WithTat) {
  const ScoringRule r = ScoringRule::notebook();
  // T A T A A A A A = 11+20+11+5*20 = 142; 142/8 + 10
  EXPECT_DOUBLE_EQ(r.score("TATAAAAA"), 27.75);
  // C C T A T C C C = 17+17+11+20+11+17+17+17 = 127
  EXPECT_DOUBLE_EQ(r.score("CCTATCCC"), 127.0 / 8 + 10);
  // TAT at the very end counts too.
  EXPECT_DOUBLE_EQ(r.score("AAAAATAT"), (5 * 20 + 11 + 20 + 11) / 8.0 + 10);
}

TEST(ScoringRule, WithGcg) {
  const ScoringRule r = ScoringRule::notebook();
  // A A G C G A A A = 5*20 + 14+17+14 = 145; 145/8 - 10
  EXPECT_DOUBLE_EQ(r.score("AAGCGAAA"), 8.125);
  // G G G C G G G G = 7*14 + 17 = 115
  EXPECT_DOUBLE_EQ(r.score("GGGCGGGG"), 115.0 / 8 - 10);
}

TEST(ScoringRule, BothMotifsCancel) {
  const ScoringRule r = ScoringRule::notebook();
  // A T A T G C G A = 20+11+20+11+14+17+14+20 = 127
  EXPECT_DOUBLE_EQ(r.score("ATATGCGA"), 15.875);
  // T G C G T A T T = 11+14+17+14+11+20+11+11 = 109
  EXPECT_DOUBLE_EQ(r.score("TGCGTATT"), 109.0 / 8);
}

TEST(ScoringRule, EachMotifCountsOnce) {
  const ScoringRule r = ScoringRule::notebook();
  // T A T T A T A T = 11+20+11+11+20+11+20+11 = 115; TAT occurs three times, counts once.
  EXPECT_DOUBLE_EQ(r.score("TATTATAT"), 115.0 / 8 + 10);
  // Overlapping GCGCG: once.
  EXPECT_DOUBLE_EQ(r.score("GCGCG"), (14 + 17 + 14 + 17 + 14) / 5.0 - 10);
}

TEST(ScoringRule, NCountsAsMeanBaseScore) {
  const ScoringRule r = ScoringRule::notebook();
  EXPECT_DOUBLE_EQ(r.score("NNNN"), 15.5);
  EXPECT_DOUBLE_EQ(r.score("ANNA"), (20 + 15.5 + 15.5 + 20) / 4);
  // N breaks a motif: TNT is not TAT.
  EXPECT_DOUBLE_EQ(r.score("TNT"), (11 + 15.5 + 11) / 3);
}

TEST(ScoringRule, LowercaseScoresLikeUppercase) {
  const ScoringRule r = ScoringRule::notebook();
  for (const char* s : {"tataaaaa", "aagcgaaa", "atatgcga", "acgtacgt", "TaTgCg"}) {
    std::string upper = s;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_DOUBLE_EQ(r.score(s), r.score(upper)) << s;
  }
}

TEST(ScoringRule, CustomRule) {
  ScoringRule r;
  r.base_scores = {1, 2, 3, 4};
  r.motifs = {{"AC", 100}};
  EXPECT_DOUBLE_EQ(r.score("AC"), 1.5 + 100);
  EXPECT_DOUBLE_EQ(r.score("CA"), 1.5);
  EXPECT_DOUBLE_EQ(r.score("TT"), 4);
}

TEST(Kmers, CountIsFourToTheK) {
  for (int k = 1; k <= 8; ++k) EXPECT_EQ(all_kmers(k).size(), std::size_t{1} << (2 * k)) << "k=" << k;
}

TEST(Kmers, LexicographicUniqueAndOverAcgt) {
  const auto kmers = all_kmers(5);
  EXPECT_EQ(kmers.front(), "AAAAA");
  EXPECT_EQ(kmers[1], "AAAAC");
  EXPECT_EQ(kmers[3], "AAAAT");
  EXPECT_EQ(kmers[4], "AAACA");
  EXPECT_EQ(kmers.back(), "TTTTT");
  EXPECT_TRUE(std::is_sorted(kmers.begin(), kmers.end()));
  EXPECT_EQ(std::set<std::string>(kmers.begin(), kmers.end()).size(), kmers.size());
  for (const auto& s : kmers) {
    ASSERT_EQ(s.size(), 5u);
    EXPECT_EQ(s.find_first_not_of("ACGT"), std::string::npos) << s;
  }
}

TEST(Kmers, OneMers) { EXPECT_EQ(all_kmers(1), (std::vector<std::string>{"A", "C", "G", "T"})); }

TEST(Kmers, KmerAtMatchesEnumeration) {
  const auto kmers = all_kmers(6);
  for (std::uint64_t i = 0; i < kmers.size(); ++i) ASSERT_EQ(kmer_at(i, 6), kmers[i]) << i;
  // 27 = 0b01'10'11 -> C G T, padded with A.
  EXPECT_EQ(kmer_at(27, 4), "ACGT");
  EXPECT_EQ(kmer_at(0, 3), "AAA");
  EXPECT_EQ(kmer_at(63, 3), "TTT");
}

TEST(Kmers, KOutOfRangeIsUsageError) {
  EXPECT_THROW(all_kmers(0), UsageError);
  EXPECT_THROW(all_kmers(-1), UsageError);
  EXPECT_THROW(all_kmers(13), UsageError);
  try {
    all_kmers(13);
  } catch (const UsageError& e) {
    EXPECT_EQ(e.exit_code(), kExitUsageError);
    EXPECT_NE(std::string(e.what()).find("13"), std::string::npos) << e.what();
  }
}

TEST(ReverseComplement, Basics) {
  EXPECT_EQ(reverse_complement("ACGT"), "ACGT");  // its own reverse complement
  EXPECT_EQ(reverse_complement("AAAC"), "GTTT");
  EXPECT_EQ(reverse_complement("TATAAAAA"), "TTTTTATA");
  EXPECT_EQ(reverse_complement("acgN"), "Ncgt");
  EXPECT_EQ(reverse_complement(""), "");
}

TEST(ReverseComplement, IsAnInvolution) {
  for (const auto& s : all_kmers(5)) {
    const std::string rc = reverse_complement(s);
    ASSERT_EQ(reverse_complement(rc), s);
    // Complement of position i is at position n-1-i.
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      const char expected = c == 'A' ? 'T' : c == 'C' ? 'G' : c == 'G' ? 'C' : 'A';
      ASSERT_EQ(rc[s.size() - 1 - i], expected);
    }
  }
}

}  // namespace
}  // namespace dnacnn

// attribute --bigwig's track (interpret/attribution_track.cpp): region ids parsed back into
// coordinates, and overlapping regions written as one track, each base from the nearest centre.
#include "dnacnn/interpret/attribution_track.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "dnacnn/io/bigwig.hpp"
#include "dnacnn/io/genome.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

TEST(AttributionTrack, IdsAreCoordinatesWithTheChromosomeBeforeTheLastColon) {
  const auto a = parse_interval_id("chr1:100-300");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->chrom, "chr1");
  EXPECT_EQ(a->start, 100);
  EXPECT_EQ(a->end, 300);
  const auto hla = parse_interval_id("HLA-A*01:01:01:01:5-25");
  ASSERT_TRUE(hla);
  EXPECT_EQ(hla->chrom, "HLA-A*01:01:01:01");
  EXPECT_EQ(hla->start, 5);
  for (const char* bad : {"enhancer1", "chr1:300-100", "chr1:5-5", "chr1:a-9", ":1-2", "chr1:1-2x", "chr1:-5-9"})
    EXPECT_FALSE(parse_interval_id(bad)) << bad;
}

TEST(AttributionTrack, OverlapsTakeTheNearestCentreAndEndsAndNaNAreLeftOut) {
  TempDir dir;
  test::write_file(dir / "g.fa", ">a\n" + std::string(50, 'A') + "\n>b\n" + std::string(30, 'C') + "\n");
  const io::Genome genome(dir / "g.fa");
  // Region i is worth i at each base. On a: four overlapping regions of centres 10, 5, 21 and 15;
  // on b: one running off the end, one with a NaN; "zz" is not in the genome.
  const std::vector<Interval> regions{{"b", 25, 35}, {"a", 6, 14}, {"a", 0, 10}, {"a", 12, 30}, {"a", 0, 30},
                                      {"b", 0, 5}, {"zz", 0, 5}};
  std::set<std::size_t> asked;
  const RegionTrackStats s = write_region_track(dir / "t.bw", genome, regions, [&](std::size_t i) {
    EXPECT_TRUE(asked.insert(i).second) << "region " << i << " read twice";
    std::vector<float> v(static_cast<std::size_t>(regions[i].end - regions[i].start), static_cast<float>(i));
    if (i == 5) v[2] = std::nanf("");
    return v;
  });
  const io::BigWigReader r(dir / "t.bw");
  std::vector<float> a(50), b(30);
  r.raw_values("a", 0, 50, a.data());
  r.raw_values("b", 0, 30, b.data());
  std::vector<float> want_a(50, 0.0f);
  for (int p = 0; p < 30; ++p) {
    // nearest centre among the regions covering p, ties to the earlier start
    const double c[] = {10, 5, 21, 15};  // regions 1, 2, 3, 4
    const bool covers[] = {p >= 6 && p < 14, p < 10, p >= 12, true};
    int best = -1;
    for (int k = 0; k < 4; ++k)
      if (covers[k] && (best < 0 || std::abs(p + 0.5 - c[k]) < std::abs(p + 0.5 - c[best]) ||
                        (std::abs(p + 0.5 - c[k]) == std::abs(p + 0.5 - c[best]) &&
                         regions[static_cast<std::size_t>(k + 1)].start < regions[static_cast<std::size_t>(best + 1)].start)))
        best = k;
    want_a[static_cast<std::size_t>(p)] = static_cast<float>(best + 1);
  }
  EXPECT_EQ(a, want_a);
  EXPECT_EQ(want_a[7], 2.0f);
  EXPECT_EQ(want_a[8], 1.0f);
  EXPECT_EQ(want_a[13], 4.0f);
  EXPECT_EQ(want_a[20], 3.0f);
  std::vector<float> want_b(30, 0.0f);
  for (int p = 0; p < 5; ++p) want_b[static_cast<std::size_t>(p)] = p == 2 ? 0.0f : 5.0f;  // NaN: no data
  for (int p = 25; p < 30; ++p) want_b[static_cast<std::size_t>(p)] = 0.0f;  // region 0 is worth 0
  EXPECT_EQ(b, want_b);
  EXPECT_EQ(s.bases, 30 + 4 + 5);
  EXPECT_FALSE(r.contains("zz"));
}

}  // namespace
}  // namespace dnacnn

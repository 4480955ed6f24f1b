// bigWig reading and writing (io/bigwig.cpp) and targets from tracks (data/signal.cpp).
#include "dnacnn/io/bigwig.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "dnacnn/core/error.hpp"
#include "dnacnn/data/signal.hpp"
#include "dnacnn/io/genome.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using test::TempDir;

std::vector<float> read_values(const io::BigWigReader& r, const std::string& chrom, std::int64_t start, std::int64_t end,
                               io::ZeroFill& fill) {
  std::vector<float> v(static_cast<std::size_t>(end - start));
  r.values(chrom, start, end, v.data(), fill);
  return v;
}

TEST(BigWig, WrittenValuesReadBackPerBaseWithGapsAsZero) {
  TempDir dir;
  const auto path = dir / "t.bw";
  {
    io::BigWigWriter w(path, {{"a", 100}, {"b", 50}});
    w.add("a", 2, 5, 1.5f);
    w.add("a", 5, 7, 1.5f);  // adjacent, same value: one interval
    w.add("a", 10, 12, -2.0f);
    w.add("b", 0, 50, 0.25f);
    w.commit();
  }
  const io::BigWigReader r(path);
  ASSERT_EQ(r.chroms().size(), 2u);
  EXPECT_EQ(r.chroms()[0].name, "a");
  EXPECT_EQ(r.chroms()[1].length, 50);
  io::ZeroFill fill;
  const auto a = read_values(r, "a", 0, 14, fill);
  const std::vector<float> expected{0, 0, 1.5f, 1.5f, 1.5f, 1.5f, 1.5f, 0, 0, 0, -2, -2, 0, 0};
  EXPECT_EQ(a, expected);
  EXPECT_EQ(read_values(r, "b", 48, 50, fill), (std::vector<float>{0.25f, 0.25f}));
  EXPECT_EQ(fill.total(), 0) << "gaps inside a chromosome are zeros, not missing data";
  EXPECT_FALSE(std::filesystem::exists(dir / (".t.bw.tmp-" + std::to_string(::getpid()))));
}

TEST(BigWig, ManyBlocksOnSeveralChromosomesReadBackExactly) {
  // More intervals than one of libBigWig's blocks holds, on chromosomes after the first: every
  // block must be found through the index.
  TempDir dir;
  const auto path = dir / "many.bw";
  const std::vector<io::ChromSize> chroms{{"c1", 300000}, {"c2", 300000}, {"c3", 1000}};
  {
    io::BigWigWriter w(path, chroms);
    for (const auto& c : chroms)
      for (std::int64_t p = 0; p + 3 <= c.length; p += 3) w.add(c.name, p, p + 2, static_cast<float>(p % 7));
    w.commit();
  }
  const io::BigWigReader r(path);
  io::ZeroFill fill;
  for (const auto& c : chroms)
    for (std::int64_t start : {std::int64_t{0}, std::min<std::int64_t>(999, c.length - 60), c.length - 30}) {
      const auto v = read_values(r, c.name, start, start + 30, fill);
      for (std::int64_t p = start; p < start + 30; ++p) {
        const std::int64_t base = p - p % 3;
        const float want = p % 3 == 2 || base + 3 > c.length ? 0.0f : static_cast<float>(base % 7);
        ASSERT_EQ(v[static_cast<std::size_t>(p - start)], want) << c.name << ":" << p;
      }
    }
}

TEST(BigWig, OffEndsMissingChromosomesAndNanAreZerosCounted) {
  TempDir dir;
  const auto path = dir / "t.bw";
  {
    io::BigWigWriter w(path, {{"a", 20}});
    w.add("a", 0, 4, std::numeric_limits<float>::quiet_NaN());
    w.add("a", 4, 20, 1.0f);
    w.commit();
  }
  const io::BigWigReader r(path);
  io::ZeroFill fill;
  const auto v = read_values(r, "a", -3, 6, fill);
  EXPECT_EQ(v, (std::vector<float>{0, 0, 0, 0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(fill.off_end, 3);
  EXPECT_EQ(fill.nan, 4);
  read_values(r, "a", 18, 25, fill);
  EXPECT_EQ(fill.off_end, 3 + 5);
  read_values(r, "zz", 0, 10, fill);
  EXPECT_EQ(fill.missing_chrom, 10);
  EXPECT_EQ(fill.total(), 8 + 4 + 10);
  EXPECT_NE(zero_fill_note(fill).find("22 bases missing/NaN filled with zeros"), std::string::npos);
}

TEST(BigWig, ChromosomeSizesOfAnotherAssemblyAreAnErrorNamingBoth) {
  TempDir dir;
  test::write_file(dir / "g.fa", ">a\n" + std::string(20, 'A') + "\n>b\n" + std::string(8, 'C') + "\n");
  const io::Genome genome(dir / "g.fa");
  {
    io::BigWigWriter w(dir / "ok.bw", {{"a", 20}, {"other", 5}});  // b missing, other extra: fine
    w.commit();
    io::BigWigWriter bad(dir / "bad.bw", {{"a", 20}, {"b", 9}});
    bad.commit();
  }
  io::BigWigReader(dir / "ok.bw").check_sizes(genome);
  const io::BigWigReader bad(dir / "bad.bw");
  EXPECT_THROW_MSG(bad.check_sizes(genome), Error, "chromosome 'b' is 9 bp here but 8 bp in the genome");
  try {
    bad.check_sizes(genome);
  } catch (const Error& e) {
    EXPECT_EQ(e.where().file, (dir / "bad.bw").string());
    EXPECT_EQ(e.exit_code(), kExitDataError);
  }
}

TEST(BigWig, OtherFilesAreRefusedWithTheirName) {
  TempDir dir;
  test::write_file(dir / "x.bw", "chr1\t0\t10\t1\n");
  EXPECT_THROW_MSG(io::BigWigReader(dir / "x.bw"), Error, "not a bigWig file");
  EXPECT_THROW_MSG(io::BigWigReader(dir / "none.bw"), Error, "no such bigWig file");
  EXPECT_FALSE(io::is_bigwig(dir / "x.bw"));
}

TEST(BigWig, AnUncommittedWriterLeavesNothing) {
  TempDir dir;
  {
    io::BigWigWriter w(dir / "t.bw", {{"a", 20}});
    w.add("a", 0, 5, 1.0f);
  }
  EXPECT_TRUE(test::list_dir(dir.path()).empty());
  EXPECT_THROW(io::BigWigWriter(dir / "no" / "such" / "t.bw", {{"a", 20}}), Error);
}

// Written with seeks: a pipe or a terminal is refused, a file under /dev/shm is not (it once was, by
// its "/dev/" prefix).
TEST(BigWig, OnlyPathsThatCannotSeekAreRefused) {
  EXPECT_THROW_MSG(io::BigWigWriter("/dev/null", {{"a", 20}}), UsageError, "written with seeks");
  EXPECT_THROW_MSG(io::BigWigWriter("-", {{"a", 20}}), UsageError, "written with seeks");
  std::error_code ec;
  if (!std::filesystem::is_directory("/dev/shm", ec) || access("/dev/shm", W_OK) != 0) GTEST_SKIP() << "no /dev/shm";
  const auto path = std::filesystem::path("/dev/shm") / ("dnacnn-bigwig-test-" + std::to_string(getpid()) + ".bw");
  {
    io::BigWigWriter w(path, {{"a", 20}});
    w.add("a", 0, 5, 1.0f);
    w.commit();
  }
  const bool readable = io::is_bigwig(path);
  std::filesystem::remove(path, ec);
  EXPECT_TRUE(readable);
}

TEST(SignalTracks, NamesFromFilesAndStrandedPairs) {
  const auto t = parse_bigwig_tracks({"x/atac.bw", "chip.plus.bw,chip.minus.bw", "procap_pos.bigWig,procap_neg.bigWig"});
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].name, "atac");
  EXPECT_EQ(t[1].name, "chip+");
  EXPECT_EQ(t[2].name, "chip-");
  EXPECT_EQ(t[2].file, "chip.minus.bw");
  EXPECT_EQ(t[3].name, "procap+");
  EXPECT_THROW_MSG(parse_bigwig_tracks({"a.bw", "b/a.bw"}), UsageError, "two --bigwig tracks are named 'a'");
  EXPECT_THROW_MSG(parse_bigwig_tracks({"a.bw,"}), UsageError, "PLUS.bw,MINUS.bw");
  EXPECT_THROW_MSG(parse_signal_aggregate("median"), UsageError, "sum, mean or max");
}

TEST(SignalTracks, SumMeanMaxOverTheCentralOutputLength) {
  TempDir dir;
  test::write_file(dir / "g.fa", ">a\n" + std::string(40, 'A') + "\n");
  const io::Genome genome(dir / "g.fa");
  {
    io::BigWigWriter w(dir / "s.bw", {{"a", 40}});
    for (int p = 0; p < 40; ++p) w.add("a", p, p + 1, static_cast<float>(p));
    w.commit();
  }
  const std::vector<Interval> windows{{"a", 0, 10}, {"a", 35, 45}};
  const std::vector<SignalTrack> tracks{{"s", dir / "s.bw"}};
  const auto sum = read_signal_targets(tracks, windows, SignalAggregate::sum, 0, genome);
  EXPECT_EQ(sum.values, (std::vector<float>{45, 35 + 36 + 37 + 38 + 39}));
  EXPECT_EQ(sum.fill.off_end, 5);
  const auto mean = read_signal_targets(tracks, windows, SignalAggregate::mean, 4, genome);  // bases 3..6, 38..41
  EXPECT_FLOAT_EQ(mean.values[0], (3 + 4 + 5 + 6) / 4.0f);
  EXPECT_FLOAT_EQ(mean.values[1], (38 + 39) / 4.0f);
  const auto max = read_signal_targets(tracks, windows, SignalAggregate::max, 0, genome);
  EXPECT_EQ(max.values, (std::vector<float>{9, 39}));
}

}  // namespace
}  // namespace dnacnn

// One-hot encoding: channel order, N, case, and invalid characters that must never encode silently.
#include "dnacnn/data/encode.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dnacnn {
namespace {

std::vector<float> encode(const std::string& seq, std::size_t* bad = nullptr) {
  std::vector<float> out(seq.size() * kChannels, -1.0f);  // -1: catches rows left unwritten
  const std::size_t r = one_hot_encode(seq, out.data());
  if (bad) *bad = r;
  return out;
}

TEST(Encode, ChannelOrderIsACGT) {
  std::size_t bad = 0;
  const std::vector<float> v = encode("ACGT", &bad);
  EXPECT_EQ(bad, kAllValid);
  const std::vector<float> expected{1, 0, 0, 0,  //
                                    0, 1, 0, 0,  //
                                    0, 0, 1, 0,  //
                                    0, 0, 0, 1};
  EXPECT_EQ(v, expected);
}

TEST(Encode, PositionMajorLayout) {
  // out[4*i + c]: position i of "GATTACA" has its one in channel index("ACGT", base).
  const std::string seq = "GATTACA";
  const std::vector<float> v = encode(seq);
  for (std::size_t i = 0; i < seq.size(); ++i) {
    const std::size_t channel = std::string("ACGT").find(seq[i]);
    for (std::size_t c = 0; c < 4; ++c) EXPECT_EQ(v[4 * i + c], c == channel ? 1.0f : 0.0f) << i << "," << c;
  }
}

TEST(Encode, NIsAllZeros) {
  std::size_t bad = 0;
  const std::vector<float> v = encode("ANn", &bad);
  EXPECT_EQ(bad, kAllValid);
  EXPECT_EQ(v, (std::vector<float>{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(Encode, LowercaseEqualsUppercase) {
  EXPECT_EQ(encode("acgtn"), encode("ACGTN"));
  EXPECT_EQ(encode("aCgTtGcA"), encode("ACGTTGCA"));
}

TEST(Encode, InvalidCharacterReturnsItsIndex) {
  for (const std::string& seq : {std::string("ACXGT"), std::string("AC-GT"), std::string("AC GT"),
                                 std::string("ACUGT"), std::string("AC.GT"), std::string("AC\0GT", 5),
                                 std::string("AC\xFFGT"), std::string("AC\rGT")}) {
    std::size_t bad = 0;
    const std::vector<float> v = encode(seq, &bad);
    EXPECT_EQ(bad, 2u) << "sequence " << seq;
    // The valid prefix is encoded; from the bad character on, rows are zero, not garbage.
    EXPECT_EQ(v[0], 1.0f);
    EXPECT_EQ(v[5], 1.0f);
    for (std::size_t i = 8; i < v.size(); ++i) EXPECT_EQ(v[i], 0.0f) << i;
  }
}

TEST(Encode, InvalidCharacterAtStartAndEnd) {
  std::size_t bad = 0;
  encode("*ACGT", &bad);
  EXPECT_EQ(bad, 0u);
  encode("ACGT*", &bad);
  EXPECT_EQ(bad, 4u);
}

TEST(Encode, EmptySequenceIsValid) {
  EXPECT_EQ(one_hot_encode("", nullptr), kAllValid);
  EXPECT_EQ(find_invalid_base(""), kAllValid);
}

TEST(Encode, IsBaseAcceptsExactlyTenCharacters) {
  std::string accepted;
  for (int c = 0; c < 256; ++c)
    if (is_base(static_cast<char>(c))) accepted += static_cast<char>(c);
  EXPECT_EQ(accepted, "ACGNTacgnt");
}

TEST(Encode, FindInvalidBase) {
  EXPECT_EQ(find_invalid_base("ACGTNacgtn"), kAllValid);
  EXPECT_EQ(find_invalid_base("ACGTR"), 4u);
  EXPECT_EQ(find_invalid_base("xACGT"), 0u);
  EXPECT_EQ(find_invalid_base("AC1T2"), 2u);  // the first one
  EXPECT_EQ(find_invalid_base(std::string_view("AC\0T", 4)), 2u);
}

TEST(Encode, FindInvalidBaseAgreesWithEncoder) {
  // Every byte value in the middle of a sequence: both functions agree on validity.
  for (int c = 0; c < 256; ++c) {
    std::string seq = "AC";
    seq += static_cast<char>(c);
    seq += "GT";
    std::size_t bad = 0;
    encode(seq, &bad);
    EXPECT_EQ(bad, find_invalid_base(seq)) << "byte " << c;
    EXPECT_EQ(bad == kAllValid, is_base(static_cast<char>(c))) << "byte " << c;
  }
}

// The encoder checks validity 16 characters at a time: every byte value inside a vector-wide
// stretch must still be caught (or accepted) exactly as is_base says.
TEST(Encode, EveryByteInsideAVectorBlock) {
  for (int c = 0; c < 256; ++c) {
    std::string seq(40, 'a');
    seq[21] = static_cast<char>(c);
    std::size_t bad = 0;
    encode(seq, &bad);
    EXPECT_EQ(bad == kAllValid, is_base(static_cast<char>(c))) << "byte " << c;
    if (!is_base(static_cast<char>(c))) EXPECT_EQ(bad, 21u) << "byte " << c;
  }
}

// Sequences long enough for the blocked and streaming paths, into aligned and unaligned outputs:
// the same rows as a base-by-base encoding, and an invalid character far in stops it there.
TEST(Encode, LongSequencesMatchBaseByBase) {
  std::string seq(1'300'003, 'A');
  for (std::size_t i = 0; i < seq.size(); ++i) seq[i] = "ACGTNacgtn"[(i * 7 + i / 3) % 10];
  for (const std::size_t shift : {0u, 1u}) {  // 1: the output is not 16-byte aligned
    std::vector<float> buffer(seq.size() * kChannels + shift, -1.0f);
    float* out = buffer.data() + shift;
    ASSERT_EQ(one_hot_encode(seq, out), kAllValid);
    bool same = true;
    for (std::size_t i = 0; i < seq.size(); ++i) {
      const int b = base_index(seq[i]);
      for (int ch = 0; ch < kChannels; ++ch) same &= out[i * kChannels + ch] == (b == ch ? 1.0f : 0.0f);
    }
    EXPECT_TRUE(same) << "shift " << shift;
    std::string broken = seq;
    broken[1'000'001] = '-';
    EXPECT_EQ(one_hot_encode(broken, out), 1'000'001u);
    EXPECT_EQ(out[4 * 1'000'000 + base_index(broken[1'000'000])], 1.0f);
    bool zeros = true;
    for (std::size_t i = 4 * 1'000'001; i < 4 * seq.size(); ++i) zeros &= out[i] == 0.0f;
    EXPECT_TRUE(zeros) << "shift " << shift;
  }
}

TEST(Encode, DescribeChar) {
  EXPECT_EQ(describe_char('X'), "'X' (0x58)");
  EXPECT_EQ(describe_char('-'), "'-' (0x2D)");
  EXPECT_EQ(describe_char(' '), "byte 0x20");
  EXPECT_EQ(describe_char('\t'), "byte 0x09");
  EXPECT_EQ(describe_char('\0'), "byte 0x00");
  EXPECT_EQ(describe_char('\x7F'), "byte 0x7F");
  EXPECT_EQ(describe_char('\xC3'), "byte 0xC3");
}

}  // namespace
}  // namespace dnacnn

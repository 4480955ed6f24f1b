// safetensors weights: round trip, exact binary layout, and hostile or damaged files.
#include "dnacnn/io/safetensors.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "dnacnn/core/error.hpp"
#include "test_support.hpp"

namespace dnacnn::io {
namespace {

using test::TempDir;

std::vector<NamedTensor> sample_tensors() {
  NamedTensor a{"conv.weight", {2, 4, 3}, {}};
  for (int i = 0; i < 24; ++i) a.values.push_back(static_cast<float>(i) * 0.25f - 3.0f);
  a.values[5] = -0.0f;
  a.values[7] = 1e-40f;  // a subnormal survives
  NamedTensor b{"conv.bias", {2}, {0.5f, -1.5f}};
  NamedTensor c{"scalar", {}, {42.0f}};
  return {a, b, c};
}

std::uint64_t le64(const std::string& bytes) {
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  return n;
}

std::string le64_bytes(std::uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return s;
}

// A file with the given JSON header and `data_bytes` zero bytes after it.
std::string handmade(const std::string& header, std::size_t data_bytes) {
  return le64_bytes(header.size()) + header + std::string(data_bytes, '\0');
}

TEST(Safetensors, RoundTripIsBitExact) {
  TempDir dir;
  const auto tensors = sample_tensors();
  write_safetensors(dir / "w.safetensors", tensors, {{"format", "pt"}});
  const auto back = read_safetensors(dir / "w.safetensors");
  ASSERT_EQ(back.size(), tensors.size());
  for (const auto& t : tensors) {
    const auto it = std::find_if(back.begin(), back.end(), [&](const NamedTensor& b) { return b.name == t.name; });
    ASSERT_NE(it, back.end()) << t.name;
    EXPECT_EQ(it->shape, t.shape);
    ASSERT_EQ(it->values.size(), t.values.size());
    EXPECT_EQ(std::memcmp(it->values.data(), t.values.data(), t.values.size() * sizeof(float)), 0) << t.name;
  }
}

TEST(Safetensors, EmptyList) {
  TempDir dir;
  write_safetensors(dir / "w.safetensors", {});
  EXPECT_TRUE(read_safetensors(dir / "w.safetensors").empty());
}

TEST(Safetensors, BinaryLayout) {
  TempDir dir;
  const auto tensors = sample_tensors();
  write_safetensors(dir / "w.safetensors", tensors, {{"format", "pt"}, {"who", "test"}});
  const std::string bytes = test::read_file(dir / "w.safetensors");
  ASSERT_GE(bytes.size(), 8u);
  const std::uint64_t n = le64(bytes);  // 8-byte little-endian header length
  ASSERT_LE(8 + n, bytes.size());
  EXPECT_EQ(n % 8, 0u);  // data stays 8-byte aligned
  const auto header = nlohmann::json::parse(bytes.substr(8, n));
  ASSERT_TRUE(header.is_object());
  EXPECT_EQ(header.at("__metadata__").at("format"), "pt");
  EXPECT_EQ(header.at("__metadata__").at("who"), "test");
  std::uint64_t data_bytes = 0;
  for (const auto& t : tensors) {
    const auto& e = header.at(t.name);
    EXPECT_EQ(e.at("dtype"), "F32");
    EXPECT_EQ(e.at("shape").get<std::vector<std::int64_t>>(), t.shape);
    const auto off = e.at("data_offsets").get<std::vector<std::uint64_t>>();
    ASSERT_EQ(off.size(), 2u);
    ASSERT_EQ(off[1] - off[0], t.values.size() * 4);
    // Raw little-endian float32 at 8 + n + begin.
    EXPECT_EQ(std::memcmp(bytes.data() + 8 + n + off[0], t.values.data(), t.values.size() * 4), 0) << t.name;
    data_bytes += off[1] - off[0];
  }
  EXPECT_EQ(bytes.size(), 8 + n + data_bytes);
}

TEST(Safetensors, ReadsHandmadeFile) {
  // Written the way Python's safetensors would (no padding, metadata optional).
  const float v[3] = {1.0f, -2.0f, 3.5f};
  std::string data(reinterpret_cast<const char*>(v), sizeof v);
  const std::string header = R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})";
  TempDir dir;
  test::write_file(dir / "h.safetensors", le64_bytes(header.size()) + header + data);
  const auto t = read_safetensors(dir / "h.safetensors");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].name, "x");
  EXPECT_EQ(t[0].values, (std::vector<float>{1.0f, -2.0f, 3.5f}));
}

TEST(Safetensors, TruncatedFilesAreErrors) {
  TempDir dir;
  write_safetensors(dir / "w.safetensors", sample_tensors());
  const std::string bytes = test::read_file(dir / "w.safetensors");
  const std::uint64_t n = le64(bytes);
  for (std::size_t keep : {std::size_t{0}, std::size_t{4}, std::size_t{8}, std::size_t{8 + n / 2},
                           std::size_t{8 + n}, bytes.size() - 4, bytes.size() - 1}) {
    test::write_file(dir / "cut.safetensors", bytes.substr(0, keep));
    EXPECT_THROW_MSG(read_safetensors(dir / "cut.safetensors"), Error, "cut.safetensors") << "keep " << keep;
  }
}

TEST(Safetensors, GarbageIsError) {
  TempDir dir;
  std::mt19937 gen(1);
  std::string junk(4096, '\0');
  for (char& c : junk) c = static_cast<char>(gen());
  test::write_file(dir / "junk.safetensors", junk);
  EXPECT_THROW_MSG(read_safetensors(dir / "junk.safetensors"), Error, "invalid weights file");
  // Plausible size, but the header is not JSON.
  test::write_file(dir / "text.safetensors", le64_bytes(16) + "this is not json");
  EXPECT_THROW_MSG(read_safetensors(dir / "text.safetensors"), Error, "not a JSON object");
  // JSON, but not an object.
  test::write_file(dir / "array.safetensors", handmade("[1,2,3]", 0));
  EXPECT_THROW_MSG(read_safetensors(dir / "array.safetensors"), Error, "not a JSON object");
}

TEST(Safetensors, HugeHeaderSizeIsRefusedWithoutAllocating) {
  TempDir dir;
  for (std::uint64_t claimed : {~std::uint64_t{0}, std::uint64_t{1} << 62, std::uint64_t{1} << 40,
                                std::uint64_t{200} << 20}) {
    test::write_file(dir / "big.safetensors", le64_bytes(claimed) + "{}");
    EXPECT_THROW_MSG(read_safetensors(dir / "big.safetensors"), Error, "header size out of range") << claimed;
  }
}

TEST(Safetensors, HugeShapesAreRefusedWithoutAllocating) {
  TempDir dir;
  const auto path = dir / "h.safetensors";
  // A shape whose element count is far beyond the file (and overflows 64 bits when multiplied).
  for (const std::string shape : {"[1000000000000]", "[4294967296,4294967296,16]", "[9223372036854775807,2]",
                                   "[0,9223372036854775807]"}) {
    test::write_file(path, handmade(R"({"w":{"dtype":"F32","shape":)" + shape + R"(,"data_offsets":[0,16]}})", 16));
    EXPECT_THROW_MSG(read_safetensors(path), Error, "tensor 'w'") << shape;
  }
  // Offsets beyond the file.
  test::write_file(path, handmade(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8));
  EXPECT_THROW_MSG(read_safetensors(path), Error, "outside the file");
  test::write_file(path, handmade(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[18446744073709551608,0]}})", 8));
  EXPECT_THROW_MSG(read_safetensors(path), Error, "tensor 'w'");
}

TEST(Safetensors, MalformedEntriesAreErrors) {
  TempDir dir;
  const auto path = dir / "h.safetensors";
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", "not F32"},
      {R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", "impossible shape"},
      {R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", "does not match its shape"},
      {R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", "tensor 'w'"},
      {R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", "two data_offsets"},
      {R"({"w":{"shape":[2],"data_offsets":[0,8]}})", "lacks dtype"},
      {R"({"w":{"dtype":"F32","shape":"two","data_offsets":[0,8]}})", "lacks dtype"},
      {R"({"w":5})", "tensor 'w'"},
      // whole numbers only: 2.5 read as 2 and was accepted; 1e110 was an undefined cast (found by fuzzing)
      {R"({"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}})", "lacks dtype"},
      {R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[1.01111e110,8]}})", "lacks dtype"},
  };
  for (const auto& [header, expected] : cases) {
    test::write_file(path, handmade(header, 8));
    EXPECT_THROW_MSG(read_safetensors(path), Error, expected) << header;
  }
}

TEST(Safetensors, MissingFileAndDirectory) {
  TempDir dir;
  EXPECT_THROW(read_safetensors(dir / "missing.safetensors"), Error);
  EXPECT_THROW(read_safetensors(dir.path()), Error);
}

TEST(Safetensors, WriteLeavesNoTempFile) {
  TempDir dir;
  write_safetensors(dir / "w.safetensors", sample_tensors());
  EXPECT_EQ(test::list_dir(dir.path()), std::vector<std::string>{"w.safetensors"});
}

}  // namespace
}  // namespace dnacnn::io

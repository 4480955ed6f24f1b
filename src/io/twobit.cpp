#include "io/twobit.hpp"

#include <algorithm>
#include <array>

#include "dnacnn/core/error.hpp"

namespace dnacnn::io {
namespace {

constexpr std::uint32_t kSignature = 0x1A412743;
constexpr std::uint32_t kSwappedSignature = 0x4327411A;
// Refuse what no genome needs rather than allocate it: a damaged count is an error, not a crash.
constexpr std::uint32_t kMaxSequences = 50'000'000;

std::uint32_t byteswapped(std::uint32_t v) { return __builtin_bswap32(v); }
std::uint64_t byteswapped(std::uint64_t v) { return __builtin_bswap64(v); }

std::uint32_t signature_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::uint32_t magic = 0;
  in.read(reinterpret_cast<char*>(&magic), sizeof magic);
  return in ? magic : 0;
}

}  // namespace

bool is_two_bit(const std::filesystem::path& path) {
  const std::uint32_t magic = signature_of(path);
  return magic == kSignature || magic == kSwappedSignature;
}

void TwoBitFile::read_exactly(char* out, std::size_t n, const std::string& what) {
  in_.read(out, static_cast<std::streamsize>(n));
  if (!in_ || static_cast<std::size_t>(in_.gcount()) != n)
    throw Error("is truncated: it ends inside " + what + " (an incomplete download?)", {path_});
}

std::uint32_t TwoBitFile::read32() {
  std::uint32_t v = 0;
  read_exactly(reinterpret_cast<char*>(&v), sizeof v, "its header or index");
  return swapped_ ? byteswapped(v) : v;
}

std::uint64_t TwoBitFile::read64() {
  std::uint64_t v = 0;
  read_exactly(reinterpret_cast<char*>(&v), sizeof v, "its index");
  return swapped_ ? byteswapped(v) : v;
}

TwoBitFile::TwoBitFile(const std::filesystem::path& path) : path_(path.string()), in_(path, std::ios::binary) {
  if (!in_) throw Error("cannot open the 2bit genome", {path_});
  std::error_code ec;
  file_size_ = std::filesystem::file_size(path, ec);
  const std::uint32_t magic = read32();
  if (magic != kSignature && magic != kSwappedSignature)
    throw Error("is not a 2bit file (it does not start with the 2bit signature)", {path_});
  swapped_ = magic == kSwappedSignature;
  const std::uint32_t version = read32(), count = read32();
  read32();  // reserved
  if (version > 1) throw Error("is a 2bit file of version " + std::to_string(version) + "; dnacnn reads versions 0 and 1", {path_});
  // Each index entry takes at least 1 + 1 + 4 bytes.
  if (count > kMaxSequences || std::uint64_t{count} * 6 > file_size_)
    throw Error("is truncated or damaged: its header counts " + std::to_string(count) + " sequences", {path_});
  for (std::uint32_t i = 0; i < count; ++i) {
    unsigned char name_size = 0;
    read_exactly(reinterpret_cast<char*>(&name_size), 1, "its index");
    std::string name(name_size, '\0');
    read_exactly(name.data(), name_size, "its index");
    const std::uint64_t offset = version == 1 ? read64() : read32();
    if (name.empty()) throw Error("has a sequence without a name in its index (entry " + std::to_string(i + 1) + ")", {path_});
    if (!sequences_.try_emplace(name, Sequence{offset}).second)
      throw Error("names sequence '" + name + "' twice in its index", {path_});
    names_.push_back(std::move(name));
  }
}

TwoBitFile::Sequence& TwoBitFile::load(const std::string& name) {
  Sequence& s = sequences_.at(name);
  if (s.loaded) return s;
  const std::string what = "the record of sequence '" + name + "'";
  if (s.offset + 16 > file_size_) throw Error("is truncated: " + what + " starts past its end", {path_});
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(s.offset));
  s.length = read32();
  const std::uint32_t n_count = read32();
  if (std::uint64_t{n_count} * 8 > file_size_) throw Error("is damaged: " + what + " counts too many N blocks", {path_});
  std::vector<std::uint32_t> starts(n_count), sizes(n_count);
  for (auto& v : starts) v = read32();
  for (auto& v : sizes) v = read32();
  for (std::uint32_t i = 0; i < n_count; ++i) {
    const std::int64_t begin = starts[i], end = begin + sizes[i];
    if (end > s.length) throw Error("is damaged: " + what + " has an N block past its end", {path_});
    if (end > begin) s.n_blocks.emplace_back(begin, end);
  }
  std::sort(s.n_blocks.begin(), s.n_blocks.end());
  const std::uint32_t mask_count = read32();  // soft-masked (lower-case) stretches: read as upper case
  s.packed = static_cast<std::uint64_t>(in_.tellg()) + std::uint64_t{mask_count} * 8 + 4;
  if (s.packed + (static_cast<std::uint64_t>(s.length) + 3) / 4 > file_size_)
    throw Error("is truncated: " + what + " ends past the end of the file", {path_});
  s.loaded = true;
  return s;
}

std::int64_t TwoBitFile::length(const std::string& name) { return load(name).length; }

std::string TwoBitFile::fetch(const std::string& name, std::int64_t start, std::int64_t end) {
  const Sequence& s = load(name);
  std::string out(static_cast<std::size_t>(std::max<std::int64_t>(end - start, 0)), 'N');
  if (start >= end) return out;
  const std::int64_t first_byte = start / 4, last_byte = (end - 1) / 4;
  std::string packed(static_cast<std::size_t>(last_byte - first_byte + 1), '\0');
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(s.packed + static_cast<std::uint64_t>(first_byte)));
  read_exactly(packed.data(), packed.size(), "the bases of sequence '" + name + "'");
  static constexpr std::array<char, 4> kBases = {'T', 'C', 'A', 'G'};  // 2 bits each, first base highest
  for (std::int64_t pos = start; pos < end; ++pos) {
    const auto byte = static_cast<unsigned char>(packed[static_cast<std::size_t>(pos / 4 - first_byte)]);
    out[static_cast<std::size_t>(pos - start)] = kBases[(byte >> (6 - 2 * (pos % 4))) & 3];
  }
  // N blocks overlapping the window (the first one ending after `start`, on).
  auto it = std::lower_bound(s.n_blocks.begin(), s.n_blocks.end(), start,
                             [](const auto& block, std::int64_t at) { return block.second <= at; });
  for (; it != s.n_blocks.end() && it->first < end; ++it)
    for (std::int64_t pos = std::max(it->first, start); pos < std::min(it->second, end); ++pos)
      out[static_cast<std::size_t>(pos - start)] = 'N';
  return out;
}

}  // namespace dnacnn::io

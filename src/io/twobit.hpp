// UCSC .2bit genomes (how many users hold hg38 and mm10), read with random access: the header and
// the index of sequence names at open, each sequence's N and soft-mask blocks on its first fetch,
// and for a window only the bytes that pack its bases. No index file is needed. Versions 0 (32-bit
// offsets) and 1 (64-bit offsets), either byte order. Soft-masked bases come back upper case.
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dnacnn::io {

// Whether the file starts with the 2bit signature (in either byte order).
bool is_two_bit(const std::filesystem::path& path);

class TwoBitFile {
 public:
  // Reads the header and the index. A foreign or truncated file is an Error naming it.
  explicit TwoBitFile(const std::filesystem::path& path);

  const std::vector<std::string>& names() const { return names_; }
  // The sequence's length (read from its record on first use); Error if the record is damaged.
  std::int64_t length(const std::string& name);
  // Bases [start, end) of `name`, 0 <= start <= end <= length: A, C, G, T, and N in N blocks.
  std::string fetch(const std::string& name, std::int64_t start, std::int64_t end);

 private:
  struct Sequence {
    std::uint64_t offset = 0;  // of its record in the file
    bool loaded = false;
    std::int64_t length = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> n_blocks;  // [start, end), sorted
    std::uint64_t packed = 0;  // file offset of its first packed byte
  };
  Sequence& load(const std::string& name);
  std::uint32_t read32();
  std::uint64_t read64();
  void read_exactly(char* out, std::size_t n, const std::string& what);

  std::string path_;
  std::ifstream in_;
  std::uint64_t file_size_ = 0;
  bool swapped_ = false;  // written on a machine of the other byte order
  std::vector<std::string> names_;
  std::unordered_map<std::string, Sequence> sequences_;
};

}  // namespace dnacnn::io

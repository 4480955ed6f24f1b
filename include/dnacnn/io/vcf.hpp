// VCF/BCF records (plain, bgzip or BCF), read one at a time through htslib.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace dnacnn::io {

struct VcfRecord {
  std::string chrom;
  std::int64_t pos = 0;  // 1-based, as written in the VCF
  std::string id;        // "." when absent
  std::string ref;
  std::vector<std::string> alts;  // as written: may be symbolic (<DEL>), '*' or '.'
  long number = 0;                // 1-based record number, for messages
};

class VcfReader {
 public:
  // Opens the file and reads its header; Errors name the file.
  explicit VcfReader(const std::filesystem::path& path);
  ~VcfReader();
  VcfReader(const VcfReader&) = delete;
  VcfReader& operator=(const VcfReader&) = delete;

  // The next record; false at the end. A malformed record is an Error naming its number.
  bool next(VcfRecord& record);
  const std::string& path() const { return path_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  long count_ = 0;
};

}  // namespace dnacnn::io

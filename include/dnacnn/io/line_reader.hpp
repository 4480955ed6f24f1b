// Reads text files line by line, plain or gzip/bgzip-compressed (htslib BGZF decides).
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace dnacnn::io {

// "-": standard input (plain or compressed), named "stdin" in messages.
inline bool is_standard_input(const std::filesystem::path& path) { return path == "-"; }

class LineReader {
 public:
  // Throws Error for a missing file, a directory, or a file that cannot be opened. "-" reads
  // standard input.
  explicit LineReader(const std::filesystem::path& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its "\n" or "\r\n" (and without a leading UTF-8 BOM on line 1).
  // Returns false at the end; throws Error on a read error such as a truncated gzip stream.
  bool next(std::string_view& line);
  long line_number() const { return line_number_; }
  const std::string& path() const { return path_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  long line_number_ = 0;
};

}  // namespace dnacnn::io

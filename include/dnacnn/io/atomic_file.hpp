// Output files appear complete or not at all: written under a temporary name, renamed when done.
#pragma once
#include <filesystem>
#include <fstream>
#include <string_view>

namespace dnacnn::io {

class AtomicFile {
 public:
  // Opens "<dir>/.<name>.tmp-<pid>" beside `path`; throws Error when it cannot be created.
  // An existing device or pipe (/dev/stdout, a fifo) is written directly instead; "-" is stdout.
  explicit AtomicFile(std::filesystem::path path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();  // without commit() the temporary file is removed

  std::ostream& stream() { return out_; }
  const std::filesystem::path& temp_path() const { return temp_; }
  // Flushes, checks for write errors, and renames onto the final path.
  void commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_;
  std::ofstream out_;
  bool committed_ = false;
  bool direct_ = false;  // writing straight to a device or pipe
};

void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Creates `dir` (and parents). Throws Error naming the path when it is not a writable directory.
void ensure_directory(const std::filesystem::path& dir);

}  // namespace dnacnn::io

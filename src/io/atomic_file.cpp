#include "dnacnn/io/atomic_file.hpp"

#include <unistd.h>

#include <system_error>

#include "dnacnn/error.hpp"

namespace dnacnn::io {

namespace fs = std::filesystem;

AtomicFile::AtomicFile(fs::path path) : path_(std::move(path)) {
  const fs::path dir = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  if (fs::is_directory(path_)) throw Error("is a directory, not a file", {path_.string()});
  temp_ = dir / ("." + path_.filename().string() + ".tmp-" + std::to_string(::getpid()));
  out_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!out_) throw Error("cannot write here (missing directory or no permission)", {path_.string()});
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

void AtomicFile::commit() {
  out_.flush();
  const bool ok = static_cast<bool>(out_);
  out_.close();
  if (!ok || out_.fail()) throw Error("write failed (disk full?)", {path_.string()});
  std::error_code ec;
  fs::rename(temp_, path_, ec);
  if (ec) throw Error("cannot rename finished file into place: " + ec.message(), {path_.string()});
  committed_ = true;
}

void write_file_atomically(const fs::path& path, std::string_view content) {
  AtomicFile f(path);
  f.stream().write(content.data(), static_cast<std::streamsize>(content.size()));
  f.commit();
}

void ensure_directory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) {
    throw Error(ec ? "cannot create directory: " + ec.message() : "exists and is not a directory",
                {dir.string()});
  }
  if (::access(dir.c_str(), W_OK) != 0) throw Error("directory is not writable", {dir.string()});
}

}  // namespace dnacnn::io

#include "dnacnn/io/atomic_file.hpp"

#include <unistd.h>

#include <system_error>

#include "dnacnn/core/error.hpp"

namespace dnacnn::io {

namespace fs = std::filesystem;

AtomicFile::AtomicFile(fs::path path) : path_(std::move(path)) {
  if (fs::is_directory(path_)) throw Error("is a directory, not a file", {path_.string()});
  // A device, pipe or /proc link (/dev/stdout, /dev/null, a fifo) cannot be replaced by a rename:
  // write to it directly. A symlink to a file is kept: the file it points to is replaced.
  if (path_ == "-") path_ = "/dev/stdout";  // the usual name for standard output
  std::error_code ec;
  const auto special = [](const fs::path& p) {
    const std::string s = fs::absolute(p).lexically_normal().string();
    return s.starts_with("/dev/") || s.starts_with("/proc/");
  };
  if (fs::is_symlink(path_, ec)) {
    const fs::path link = fs::read_symlink(path_, ec);
    if (special(link)) direct_ = true;
    else if (const fs::path target = fs::canonical(path_, ec); !ec) path_ = target;
  }
  direct_ = direct_ || special(path_) || (fs::exists(path_, ec) && !fs::is_regular_file(path_, ec));
  const fs::path dir = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  std::string temp_name = ".";  // built piecewise: GCC 12 warns (-Wrestrict) on "." + string + ...
  temp_name += path_.filename().string();
  temp_name += ".tmp-";
  temp_name += std::to_string(::getpid());
  temp_ = direct_ ? path_ : dir / temp_name;
  out_.open(temp_, std::ios::binary | (direct_ ? std::ios::app : std::ios::trunc));
  if (!out_) throw Error("cannot write here (missing directory or no permission)", {path_.string()});
}

AtomicFile::~AtomicFile() {
  if (!committed_ && !direct_) {
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
  committed_ = true;
  if (direct_) return;
  committed_ = false;
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

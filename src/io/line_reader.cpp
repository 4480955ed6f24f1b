#include "dnacnn/io/line_reader.hpp"

#include <htslib/bgzf.h>
#include <htslib/hts_log.h>
#include <htslib/kstring.h>

#include <cerrno>
#include <cstring>

#include "dnacnn/core/error.hpp"

namespace dnacnn::io {

struct LineReader::Impl {
  BGZF* file = nullptr;
  kstring_t buffer{0, 0, nullptr};
  ~Impl() {
    if (file) bgzf_close(file);
    free(buffer.s);
  }
};

LineReader::LineReader(const std::filesystem::path& path)
    : impl_(std::make_unique<Impl>()), path_(is_standard_input(path) ? "stdin" : path.string()) {
  std::error_code ec;
  if (!is_standard_input(path)) {
    if (!std::filesystem::exists(path, ec)) throw Error("no such file", {path_});
    if (std::filesystem::is_directory(path, ec)) throw Error("is a directory, not a file", {path_});
  }
  // Read errors become one located Error; htslib's own "[E::...]" lines on stderr would only repeat them.
  hts_set_log_level(HTS_LOG_OFF);
  impl_->file = bgzf_open(is_standard_input(path) ? "-" : path_.c_str(), "r");  // htslib: "-" is stdin
  if (!impl_->file) throw Error(std::string("cannot open: ") + std::strerror(errno), {path_});
}

LineReader::~LineReader() = default;

bool LineReader::next(std::string_view& line) {
  const int n = bgzf_getline(impl_->file, '\n', &impl_->buffer);
  if (n == -1) return false;
  ++line_number_;
  // A truncated gzip stream still hands out its last, partial line before failing: peek past
  // it, so the error is the truncation, not whatever the partial line looks like.
  if (n < -1 || (n >= 0 && impl_->file->is_compressed && bgzf_peek(impl_->file) < -1))
    throw Error("read error (truncated or corrupt compressed file?)", {path_, line_number_});
  std::string_view s(impl_->buffer.s, impl_->buffer.l);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  if (line_number_ == 1 && s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  line = s;
  return true;
}

}  // namespace dnacnn::io

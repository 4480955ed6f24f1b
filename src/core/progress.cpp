#include "dnacnn/core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace dnacnn {

Progress::Progress(bool quiet) : quiet_(quiet), tty_(!quiet && ::isatty(STDERR_FILENO) == 1) {}

void Progress::update(std::string_view text) {
  if (!tty_) return;
  std::fprintf(stderr, "\r\033[K%.*s", static_cast<int>(text.size()), text.data());
  std::fflush(stderr);
  line_open_ = true;
}

void Progress::log(std::string_view text) {
  if (quiet_) return;
  if (line_open_) std::fputs("\r\033[K", stderr);
  line_open_ = false;
  std::fprintf(stderr, "%.*s\n", static_cast<int>(text.size()), text.data());
}

}  // namespace dnacnn

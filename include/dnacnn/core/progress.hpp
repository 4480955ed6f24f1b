// What a long-running command tells the user on stderr: a live progress line when stderr is a
// terminal, plain log lines otherwise, nothing at all with --quiet.
#pragma once
#include <string_view>

namespace dnacnn {

class Progress {
 public:
  explicit Progress(bool quiet);
  static Progress silent() { return Progress(true); }
  // Overwrites the current progress line (TTY only).
  void update(std::string_view text);
  // A line that stays, e.g. a summary (any stderr unless quiet).
  void log(std::string_view text);
  bool quiet() const { return quiet_; }

 private:
  bool quiet_;
  bool tty_;
  bool line_open_ = false;
};

}  // namespace dnacnn

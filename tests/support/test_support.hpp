// Shared helpers for the dnacnn tests: scratch directories, small file utilities, running the
// real `dnacnn` binary, and assertions on dnacnn::Error messages.
#pragma once
#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dnacnn::test {

namespace fs = std::filesystem;

// A fresh directory for one test, removed (with everything in it) when the test ends.
// Set DNACNN_KEEP_TEST_DIRS=1 to keep it for debugging.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const fs::path& p) const { return path_ / p; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& path);
void write_file(const fs::path& path, std::string_view content);
// Plain gzip, as `gzip` writes it (not BGZF).
void write_gzip(const fs::path& path, std::string_view content);
std::vector<std::string> read_lines(const fs::path& path);  // without line ends
std::vector<std::string> split(std::string_view s, char delimiter);
// Names of every entry in `dir` (not recursive), sorted.
std::vector<std::string> list_dir(const fs::path& dir);

struct RunResult {
  int exit_code = -1;  // the exit status, or 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

// Runs `program` with `args` (argv[0] is the program), capturing stdout, stderr and the exit code.
RunResult run_program(const std::string& program, const std::vector<std::string>& args);

// The same in two halves, for tests that signal the running child: start it with stdout and
// stderr going to files, then wait for its exit code (128 + signal number when killed).
pid_t start_program(const std::string& program, const std::vector<std::string>& args, const fs::path& out_path,
                    const fs::path& err_path);
int wait_program(pid_t pid);

// The first line of an exception message a callable throws as E ("" and a failure when it does not).
template <class E, class F>
std::string thrown_message(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a different exception type: " << e.what();
    return "";
  }
  ADD_FAILURE() << "did not throw";
  return "";
}

}  // namespace dnacnn::test

// The statement throws E (dnacnn::Error or a subclass) and its what() contains `substr`.
// More context can be streamed in: EXPECT_THROW_MSG(f(), Error, "bad") << "case " << i;
#define EXPECT_THROW_MSG(statement, E, substr)                                                           \
  switch (0)                                                                                             \
  case 0:                                                                                                \
  default:                                                                                               \
    if (const std::string dnacnn_msg_ = ::dnacnn::test::thrown_message<E>([&] { statement; }); false) { \
    } else                                                                                               \
      EXPECT_NE(dnacnn_msg_.find(substr), std::string::npos)                                             \
          << "message: '" << dnacnn_msg_ << "' lacks '" << (substr) << "' "

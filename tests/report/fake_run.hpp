// Run directories written by the tests themselves (no training): the files `dnacnn train`
// writes, with made-up numbers, so report tests are fast and need no LibTorch.
#pragma once
#include <filesystem>
#include <string>

namespace dnacnn::report::test {

namespace fs = std::filesystem;

struct FakeRun {
  std::string name = "cnn";
  std::size_t rows = 200;       // predictions.tsv rows; every 5th is "test"
  int epochs = 4;
  bool ids = false;             // an id column (ids contain markup to check escaping)
  bool history = true;
  bool predictions = true;
  std::string target = "score";
};

// Writes metrics.json, run.json and, as asked, history.tsv and predictions.tsv into `dir`.
void write_fake_run(const fs::path& dir, const FakeRun& run = {});

// A fresh, empty directory under the build tree's temp dir, removed by ~ScratchDir.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name);
  ~ScratchDir();
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string slurp(const fs::path& path);
void spit(const fs::path& path, const std::string& text);

// Occurrences of `needle` in `haystack`.
std::size_t count_of(const std::string& haystack, const std::string& needle);

}  // namespace dnacnn::report::test

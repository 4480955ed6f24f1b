// The test split of a run's predictions.tsv, all of it or a deterministic sample, for the
// predicted-vs-actual chart. Memory stays bounded however large the file is.
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace dnacnn::report {

struct TestPoint {
  std::string id;   // empty when the table has no id column
  std::string seq;  // shortened to SampleLimits::max_seq_chars
  float actual = 0;
  float predicted = 0;
};

struct TestPoints {
  std::vector<TestPoint> points;  // in file order
  std::size_t total = 0;          // test rows with a finite prediction
  std::size_t unpredicted = 0;    // test rows whose prediction is NA (a diverged model)
  bool has_ids = false;
  bool sampled() const { return points.size() < total; }
};

struct SampleLimits {
  std::size_t sample_from = 100'000;  // this many test points or more are sampled...
  std::size_t sample_size = 10'000;   // ...down to this many (plenty to see the cloud, fast to draw)
  std::size_t max_seq_chars = 60;     // longer sequences end in "…" in tooltips
};

// Reads rows whose split is "test". The sample is the rows with the smallest hash of their row
// number, so the same file always gives the same sample. Throws Error for a malformed file.
TestPoints read_test_points(const std::filesystem::path& predictions_tsv, const SampleLimits& limits = {});

}  // namespace dnacnn::report

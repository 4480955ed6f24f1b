// The test split of a run's predictions.tsv, all of it or a deterministic sample, for the
// predicted-vs-actual chart. Memory stays bounded however large the file is.
#pragma once
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
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

// A sequence cut to `max_chars`, ending in "…" when it was longer (tooltips, tables).
std::string shortened(std::string_view seq, std::size_t max_chars);

// The test rows of a run's predictions.tsv (columns [id,] seq, split, actual, predicted), one at
// a time. Throws Error for a missing column or an actual value that is not a number.
class TestRowReader {
 public:
  explicit TestRowReader(const std::filesystem::path& predictions_tsv);
  ~TestRowReader();
  bool next();                            // moves to the next test row; false at the end
  std::size_t row() const { return row_; }  // 1-based row number among all rows (any split)
  bool has_ids() const;
  std::string_view id() const;            // "" without an id column
  std::string_view seq() const;
  float actual() const { return actual_; }
  std::optional<float> predicted() const { return predicted_; }  // nullopt: NA (a diverged model)

 private:
  struct Columns;
  std::unique_ptr<Columns> columns_;
  std::size_t row_ = 0;
  float actual_ = 0;
  std::optional<float> predicted_;
};

// At most `max_points` of them, evenly spaced in file order (total and counts kept, so the chart
// still says it shows a sample). For secondary charts that need the shape of the cloud, not every point.
TestPoints thinned(const TestPoints& test, std::size_t max_points);

// Reads rows whose split is "test". The sample is the rows with the smallest hash of their row
// number, so the same file always gives the same sample. Throws Error for a malformed file.
TestPoints read_test_points(const std::filesystem::path& predictions_tsv, const SampleLimits& limits = {});

}  // namespace dnacnn::report

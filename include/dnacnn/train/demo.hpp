// The teaching notebook end to end: simulate the 8-mers, train the linear model and the CNN,
// spot-check hand-picked sequences, and write everything the report needs.
#pragma once
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace dnacnn {

struct DemoOptions {
  std::filesystem::path out = "runs/demo";
  int epochs = 50;
  int threads = 1;
  std::string device = "cpu";
  bool force = false;
  bool quiet = false;
  bool exercises = true;  // Q1-Q3: the positional rule, the learning-rate sweep, the better model
  std::string command_line;
};

// The notebook's hand-picked sequences, in its groups.
struct SpotCheckGroup {
  std::string name;
  std::vector<std::string> seqs;
};
const std::vector<SpotCheckGroup>& notebook_spot_checks();

// Writes DIR/data.tsv, DIR/linear/ and DIR/cnn/ (runs), DIR/spot_checks.tsv, DIR/metrics.json,
// and prints the spot-check table and a metrics summary to `out`. With the exercises also
// DIR/deepcnn/ (Q3's better model), DIR/q1-positional/ and DIR/q2-lr-sweep/.
void run_demo(const DemoOptions& options, std::ostream& out);

}  // namespace dnacnn

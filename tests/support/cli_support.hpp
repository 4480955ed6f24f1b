// Running the real `dnacnn` binary in tests, shared by the CLI test files.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"

#ifndef DNACNN_BIN
#error "DNACNN_BIN must name the dnacnn binary"
#endif

namespace dnacnn::clitest {

using test::RunResult;
using test::TempDir;
namespace fs = std::filesystem;
using json = nlohmann::json;

// Runs dnacnn; whatever happens, stderr must not show a crash, a C++ or LibTorch trace.
inline RunResult dnacnn(const std::vector<std::string>& args) {
  RunResult r = test::run_program(DNACNN_BIN, args);
  std::string cmd = "dnacnn";
  for (const auto& a : args) cmd += " " + a.substr(0, 200);
  EXPECT_LT(r.exit_code, 128) << cmd << " died by a signal\n" << r.err;
  for (const char* bad : {"terminate called", "Exception raised from", "Backtrace", "backtrace", "frame #",
                          "Segmentation fault", "Aborted", "internal error", "runtime error:", "AddressSanitizer",
                          "symbol lookup error", "undefined symbol"})  // a call into libdnacnn.so before it loaded
    EXPECT_EQ(r.err.find(bad), std::string::npos) << cmd << ": stderr shows '" << bad << "':\n" << r.err;
  return r;
}

inline int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// A failure: the exit code, and exactly one line on stderr starting with `prefix`.
inline void expect_one_line_error(const RunResult& r, int code, const std::string& prefix) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << "stderr: " << r.err << "expected to start with: " << prefix;
}

// A table of all k-mers (k = 5: 1,024 rows) under the notebook's rule.
inline fs::path simulate(const TempDir& dir, int k = 5, const std::string& name = "data.tsv") {
  const fs::path path = dir / name;
  const RunResult r = dnacnn({"simulate", "--k", std::to_string(k), "--out", path.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return path;
}

// Trains a small model quietly (3 epochs, batch size 32 unless `extra` sets one): RUN = dir/run.
inline fs::path train(const TempDir& dir, const fs::path& data, std::vector<std::string> extra = {}) {
  const fs::path run = dir / "run";
  std::vector<std::string> args{"train", "--data", data.string(), "--out", run.string(), "--epochs", "3", "--quiet"};
  if (std::find(extra.begin(), extra.end(), "--batch-size") == extra.end()) extra.insert(extra.end(), {"--batch-size", "32"});
  args.insert(args.end(), extra.begin(), extra.end());
  const RunResult r = dnacnn(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return run;
}

inline json read_json(const fs::path& p) { return json::parse(test::read_file(p)); }

// Columns of a TSV with a header, by name.
inline std::map<std::string, std::vector<std::string>> read_tsv(const fs::path& p) {
  const auto lines = test::read_lines(p);
  std::map<std::string, std::vector<std::string>> cols;
  if (lines.empty()) return cols;
  const auto header = test::split(lines[0], '\t');
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = test::split(lines[i], '\t');
    EXPECT_EQ(f.size(), header.size()) << p << " line " << i + 1;
    for (std::size_t c = 0; c < header.size() && c < f.size(); ++c) cols[header[c]].push_back(f[c]);
  }
  return cols;
}

inline std::vector<float> floats(const std::vector<std::string>& v) {
  std::vector<float> out;
  for (const auto& s : v) out.push_back(std::stof(s));
  return out;
}

}  // namespace dnacnn::clitest

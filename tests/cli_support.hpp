// Running the real `dnacnn` binary in tests (DNACNN_BIN), shared by the CLI test files.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace dnacnn {

// Runs dnacnn; whatever happens, stderr must not show a crash, a C++ or LibTorch trace.
test::RunResult dnacnn(const std::vector<std::string>& args);

int count_lines(const std::string& s);

// A failure: the exit code, and exactly one line on stderr starting with `prefix`.
void expect_one_line_error(const test::RunResult& r, int code, const std::string& prefix);

// A table of all k-mers (k = 5: 1,024 rows) under the notebook's rule.
std::filesystem::path simulate(const test::TempDir& dir, int k = 5, const std::string& name = "data.tsv");

// Trains a small model quietly (3 epochs, batch size 32 unless `extra` sets one): RUN = dir/run.
std::filesystem::path train(const test::TempDir& dir, const std::filesystem::path& data,
                            std::vector<std::string> extra = {});

nlohmann::json read_json(const std::filesystem::path& p);

}  // namespace dnacnn

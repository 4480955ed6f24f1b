#include "cli_support.hpp"

#include <algorithm>

#ifndef DNACNN_BIN
#error "DNACNN_BIN must name the dnacnn binary"
#endif

namespace dnacnn {

namespace fs = std::filesystem;

test::RunResult dnacnn(const std::vector<std::string>& args) {
  test::RunResult r = test::run_program(DNACNN_BIN, args);
  std::string cmd = "dnacnn";
  for (const auto& a : args) cmd += " " + a.substr(0, 200);
  EXPECT_LT(r.exit_code, 128) << cmd << " died by a signal\n" << r.err;
  for (const char* bad : {"terminate called", "Exception raised from", "Backtrace", "backtrace", "frame #",
                          "Segmentation fault", "Aborted", "internal error", "runtime error:", "AddressSanitizer"})
    EXPECT_EQ(r.err.find(bad), std::string::npos) << cmd << ": stderr shows '" << bad << "':\n" << r.err;
  return r;
}

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

void expect_one_line_error(const test::RunResult& r, int code, const std::string& prefix) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << "stderr: " << r.err << "expected to start with: " << prefix;
}

fs::path simulate(const test::TempDir& dir, int k, const std::string& name) {
  const fs::path path = dir / name;
  const test::RunResult r = dnacnn({"simulate", "--k", std::to_string(k), "--out", path.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return path;
}

fs::path train(const test::TempDir& dir, const fs::path& data, std::vector<std::string> extra) {
  const fs::path run = dir / "run";
  std::vector<std::string> args{"train", "--data", data.string(), "--out", run.string(), "--epochs", "3", "--quiet"};
  if (std::find(extra.begin(), extra.end(), "--batch-size") == extra.end()) extra.insert(extra.end(), {"--batch-size", "32"});
  args.insert(args.end(), extra.begin(), extra.end());
  const test::RunResult r = dnacnn(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return run;
}

nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(test::read_file(p)); }

}  // namespace dnacnn

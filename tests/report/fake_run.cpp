#include "fake_run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace dnacnn::report::test {

void write_fake_run(const fs::path& dir, const FakeRun& run) {
  fs::create_directories(dir);
  nlohmann::json metrics = {
      {"models",
       {{run.name,
         {{"test", {{"n", run.rows / 5}, {"mse", 0.25}, {"r2", 0.875}, {"pearson", 0.94}, {"spearman", 0.93}}},
          {"val", {{"n", 10}, {"mse", 0.3}, {"r2", 0.85}, {"pearson", 0.9}, {"spearman", 0.9}}},
          {"train", {{"n", 100}, {"mse", 0.2}, {"r2", 0.9}, {"pearson", 0.95}, {"spearman", 0.95}}},
          {"train_seconds", 1.5},
          {"epochs", run.epochs},
          {"status", "ok"},
          {"params", {{"arch", "cnn"}, {"epochs", run.epochs}, {"lr", 0.01}, {"seed", 17}, {"split_seed", 42},
                      {"threads", 1}, {"device", "cpu"}, {"filters", 32}}}}}}}};
  spit(dir / "metrics.json", metrics.dump(2));
  nlohmann::json info = {{"name", run.name},
                         {"dnacnn_version", "0.1.0"},
                         {"command", "dnacnn train --data 'd <b>.tsv' --out " + dir.string()},
                         {"finished", "2025-01-02T03:04:05Z"},
                         {"data", {{"source", "d <b>.tsv"}, {"rows", run.rows}, {"length", 8}, {"target", run.target},
                                   {"path", "d <b>.tsv"}, {"md5", "0123456789abcdef0123456789abcdef"}}},
                         {"params", metrics["models"][run.name]["params"]}};
  spit(dir / "run.json", info.dump(2));
  if (run.history) {
    std::string h = "epoch\ttrain_loss\tval_loss\tseconds\n";
    for (int e = 1; e <= run.epochs; ++e) h += fmt::format("{}\t{}\t{}\t0.1\n", e, 10.0 / e, e == 2 ? "NA" : "1.5");
    spit(dir / "history.tsv", h);
  }
  if (run.predictions) {
    std::ostringstream p;
    p << (run.ids ? "id\t" : "") << "seq\tsplit\tactual\tpredicted\n";
    for (std::size_t i = 0; i < run.rows; ++i) {
      if (run.ids) p << "<img src=x onerror=alert(1)> " << i << '\t';
      p << "ACGTACGT\t" << (i % 5 == 0 ? "test" : "train") << '\t' << (i % 17) << '\t' << (i % 17) * 0.9 + 0.5 << '\n';
    }
    spit(dir / "predictions.tsv", p.str());
  }
}

ScratchDir::ScratchDir(const std::string& name)
    : path_(fs::temp_directory_path() / fmt::format("dnacnn-report-test-{}-{}", name, ::getpid())) {
  fs::remove_all(path_);
  fs::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace dnacnn::report::test

#include "targets.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dnacnn/train/checkpoint.hpp"
#include "dnacnn/data/dataset.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/io/motif_formats.hpp"
#include "dnacnn/io/safetensors.hpp"
#include "dnacnn/models/model_config.hpp"
#include "dnacnn/data/scoring_rule.hpp"

namespace dnacnn::fuzz {

namespace fs = std::filesystem;

namespace {

// The parsers read files: one scratch directory per process, reused for every input.
const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("dnacnn-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

fs::path write(const std::string& name, std::string_view bytes) {
  const fs::path path = scratch() / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

template <class F>
void expect_only_errors(F&& f) {
  try {
    f();
  } catch (const Error&) {
    // the one acceptable failure: a located message for the user
  }
}

}  // namespace

void sequence_table(std::string_view bytes) {
  if (bytes.empty()) return;
  const unsigned char flags = static_cast<unsigned char>(bytes[0]);
  bytes.remove_prefix(1);
  // Flag bits pick the reader's mode: CSV or TSV (or FASTA), targets required or not, a named
  // target column, and --length fitting with left padding.
  const fs::path path = write(flags & 8 ? "t.fa" : flags & 1 ? "t.csv" : "t.tsv", bytes);
  TableOptions options;
  options.require_target = (flags & 2) == 0 && (flags & 8) == 0;
  if (flags & 4) options.target_cols = {"score"};
  if (flags & 16) {
    options.length = 1 + (flags >> 5);
    options.pad = Pad::left;
  }
  expect_only_errors([&] {
    const SequenceData data = read_sequence_table(path, options);
    const std::int64_t length = data.common_length();
    if (length * data.size() < (1 << 20)) encode_codes(data, length);
  });
}

void motif_file(std::string_view bytes) {
  const fs::path path = write("m.meme", bytes);
  expect_only_errors([&] {
    for (const Motif& m : io::read_motif_file(path))
      if (m.probs.empty()) throw std::logic_error("motif without columns");
  });
}

void safetensors(std::string_view bytes) {
  const fs::path path = write("w.safetensors", bytes);
  expect_only_errors([&] {
    std::map<std::string, std::string> metadata;
    for (const auto& t : io::read_safetensors(path, &metadata)) {
      std::size_t n = 1;
      for (auto d : t.shape) n *= static_cast<std::size_t>(d);
      if (n != t.values.size()) throw std::logic_error("tensor size does not match its shape");
    }
  });
}

void model_config(std::string_view bytes) {
  const fs::path dir = scratch() / "model";
  fs::create_directories(dir);
  write("model/config.json", bytes);
  expect_only_errors([&] { read_model_config(dir); });
}

void checkpoint(std::string_view bytes) {
  const fs::path dir = scratch() / "run";
  fs::create_directories(dir);
  write("run/checkpoint.safetensors", bytes);
  expect_only_errors([&] { read_checkpoint(dir); });
}

void rule_file(std::string_view bytes) {
  const fs::path path = write("rule.json", bytes);
  expect_only_errors([&] {
    const ScoringRule rule = load_scoring_rule(path.string());
    for (const char* seq : {"TATAAAAA", "GCGTATGC", "A", "NNNNNNNNNNNN"}) {
      rule.score(seq);
      rule.motif_group(seq);
    }
  });
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all{{"sequence_table", sequence_table},
                                       {"motif_file", motif_file},
                                       {"safetensors", safetensors},
                                       {"model_config", model_config},
                                       {"checkpoint", checkpoint},
                                       {"rule_file", rule_file}};
  return all;
}

}  // namespace dnacnn::fuzz

// The parsers' fuzz entry points: one function per input format, taking arbitrary bytes. Each
// may only end normally or with dnacnn::Error; anything else (a crash, another exception, a
// sanitizer report) is a bug. libFuzzer drives them (fuzzer.cpp, `make fuzz`); the unit tests
// replay the seed corpus and every saved crash (tests/fuzz/regressions/) through them.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dnacnn::fuzz {

void sequence_table(std::string_view bytes);  // TSV/CSV/gzip tables (first byte picks options)
void motif_file(std::string_view bytes);      // MEME / JASPAR
void safetensors(std::string_view bytes);     // weights files
void model_config(std::string_view bytes);    // model/config.json
void checkpoint(std::string_view bytes);      // RUN/checkpoint.safetensors
void rule_file(std::string_view bytes);       // simulate --rule FILE.json (scoring rules)

struct Target {
  std::string name;  // also the corpus directory name
  std::function<void(std::string_view)> run;
};
const std::vector<Target>& targets();

}  // namespace dnacnn::fuzz

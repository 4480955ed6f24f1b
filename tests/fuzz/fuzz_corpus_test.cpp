// Replays the fuzz seed corpus (tests/fuzz/corpus/<target>/) and every input that once crashed a
// parser (tests/fuzz/regressions/<target>/) through the fuzz entry points: each must end
// normally or with dnacnn::Error, also in the ordinary and the sanitizer builds.
#include <gtest/gtest.h>

#include <filesystem>

#include "fuzz/targets.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

namespace fs = std::filesystem;

class FuzzReplay : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzReplay, EveryCorpusAndRegressionInputIsHandled) {
  const fs::path root = DNACNN_FUZZ_DIR;
  for (const auto& target : fuzz::targets()) {
    if (target.name != GetParam()) continue;
    int inputs = 0;
    for (const char* kind : {"corpus", "regressions"}) {
      const fs::path dir = root / kind / target.name;
      if (!fs::is_directory(dir)) continue;
      for (const auto& entry : fs::directory_iterator(dir)) {
        SCOPED_TRACE(entry.path().string());
        EXPECT_NO_THROW(target.run(test::read_file(entry.path())));
        ++inputs;
      }
    }
    EXPECT_GT(inputs, 0) << "no seed corpus for " << target.name;
    return;
  }
  FAIL() << "no fuzz target " << GetParam();
}

std::vector<std::string> target_names() {
  std::vector<std::string> names;
  for (const auto& target : fuzz::targets()) names.push_back(target.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(target_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dnacnn

// One libFuzzer binary per target: built with -DDNACNN_FUZZ_TARGET=<function in targets.hpp>.
#include <cstddef>
#include <cstdint>

#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  dnacnn::fuzz::DNACNN_FUZZ_TARGET(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

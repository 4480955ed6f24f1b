// Model weights as safetensors (https://huggingface.co/docs/safetensors): an 8-byte header size,
// a JSON header of names, shapes and offsets, then raw little-endian float32 data. Pure data:
// Python reads it with `safetensors.torch.load_file`, and loading it cannot run code.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace dnacnn::io {

struct NamedTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  std::vector<float> values;  // row-major, size = product of shape
};

void write_safetensors(const std::filesystem::path& path, const std::vector<NamedTensor>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Validates everything before allocating: header size, dtype (F32 only), shapes against byte
// ranges, ranges inside the file. A truncated or foreign file is an Error. `metadata`, when
// given, receives the header's "__metadata__" strings.
std::vector<NamedTensor> read_safetensors(const std::filesystem::path& path,
                                          std::map<std::string, std::string>* metadata = nullptr);

}  // namespace dnacnn::io

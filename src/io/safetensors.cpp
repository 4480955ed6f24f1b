#include "dnacnn/io/safetensors.hpp"

#include <bit>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"
#include "core/json_get.hpp"
#include "dnacnn/io/atomic_file.hpp"

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

namespace dnacnn::io {

constexpr std::uint64_t kMaxHeaderBytes = 100u << 20;

void write_safetensors(const std::filesystem::path& path, const std::vector<NamedTensor>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (const auto& t : tensors) {
    const std::uint64_t bytes = t.values.size() * sizeof(float);
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned, as the spec suggests
  const std::uint64_t n = text.size();

  AtomicFile file(path);
  file.stream().write(reinterpret_cast<const char*>(&n), sizeof n);
  file.stream().write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const auto& t : tensors)
    file.stream().write(reinterpret_cast<const char*>(t.values.data()),
                        static_cast<std::streamsize>(t.values.size() * sizeof(float)));
  file.commit();
}

std::vector<NamedTensor> read_safetensors(const std::filesystem::path& path, std::map<std::string, std::string>* metadata) {
  const std::string where = path.string();
  const auto fail = [&](const std::string& what) { return Error("invalid weights file: " + what, {where}); };
  std::error_code ec;
  const std::uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) throw Error("cannot read weights: " + ec.message(), {where});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open weights", {where});
  std::uint64_t header_size = 0;
  if (file_size < 8 || !in.read(reinterpret_cast<char*>(&header_size), 8)) throw fail("shorter than its 8-byte header size");
  if (header_size > kMaxHeaderBytes || header_size > file_size - 8) throw fail("header size out of range (truncated or not safetensors)");
  std::string text(header_size, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(header_size))) throw fail("truncated header");
  const nlohmann::json header = nlohmann::json::parse(text, nullptr, false);
  if (header.is_discarded() || !header.is_object()) throw fail("header is not a JSON object");
  const std::uint64_t data_size = file_size - 8 - header_size;

  std::vector<NamedTensor> out;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw fail("__metadata__ is not an object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) throw fail("__metadata__ value '" + key + "' is not a string");
        if (metadata) (*metadata)[key] = value.get<std::string>();
      }
      continue;
    }
    NamedTensor t;
    t.name = name;
    std::uint64_t begin = 0, end = 0;
    try {
      if (entry.at("dtype").get<std::string>() != "F32") throw fail("tensor '" + name + "' is not F32");
      t.shape = json_get::get<std::vector<std::int64_t>>(entry.at("shape"));
      const auto offsets = json_get::get<std::vector<std::uint64_t>>(entry.at("data_offsets"));
      if (offsets.size() != 2) throw fail("tensor '" + name + "' needs two data_offsets");
      begin = offsets[0];
      end = offsets[1];
    } catch (const nlohmann::json::exception&) {
      throw fail("tensor '" + name + "' lacks dtype, shape or data_offsets, or one is of the wrong type (a string; "
                 "arrays of whole numbers)");
    }
    std::uint64_t count = 1;
    for (auto d : t.shape) {
      if (d < 0 || (d > 0 && count > data_size / static_cast<std::uint64_t>(d))) throw fail("tensor '" + name + "' has an impossible shape");
      count *= static_cast<std::uint64_t>(d);
    }
    if (begin > end || end > data_size || end - begin != count * sizeof(float))
      throw fail("tensor '" + name + "' data range does not match its shape or lies outside the file");
    t.values.resize(count);
    in.seekg(static_cast<std::streamoff>(8 + header_size + begin));
    if (!in.read(reinterpret_cast<char*>(t.values.data()), static_cast<std::streamsize>(end - begin)))
      throw fail("truncated data");
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace dnacnn::io

// MD5 digests (htslib's), as lowercase hex: how runs and coverage tracks recognise their inputs.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace dnacnn {

// Of a file's bytes; "" when it cannot be read (the caller's reader then says why).
std::string file_md5(const std::filesystem::path& path);
// Of a string's bytes.
std::string text_md5(std::string_view text);

}  // namespace dnacnn

// SHA-256 for the page's Content-Security-Policy, which allows exactly the inline scripts it hashes.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dnacnn::report {

std::array<std::uint8_t, 32> sha256(std::string_view bytes);
std::string base64(const std::uint8_t* bytes, std::size_t size);

// "'sha256-<base64>'", a CSP source expression for an inline script with this exact text.
std::string csp_hash_source(std::string_view script_text);

}  // namespace dnacnn::report

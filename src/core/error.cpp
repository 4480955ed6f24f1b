#include "dnacnn/core/error.hpp"

namespace dnacnn {

std::string SourceLocation::str() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

std::string printable_excerpt(std::string_view text, std::size_t max_chars) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= max_chars) return out + "...";
    const auto u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20 && u < 0x7f) {
      out += text[i];
    } else {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

static std::string located(const std::string& message, const SourceLocation& where) {
  const std::string at = where.str();
  return at.empty() ? message : at + ": " + message;
}

Error::Error(const std::string& message, SourceLocation where, int exit_code)
    : std::runtime_error(located(message, where)),
      where_(std::move(where)),
      message_(message),
      exit_code_(exit_code) {}

}  // namespace dnacnn

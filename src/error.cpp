#include "dnacnn/error.hpp"

namespace dnacnn {

std::string SourceLocation::str() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
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

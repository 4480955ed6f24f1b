// Errors a user can act on: what is wrong and where (file, line, column).
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace dnacnn {

// Exit codes shared by every subcommand.
enum ExitCode : int { kExitOk = 0, kExitDataError = 1, kExitUsageError = 2, kExitInterrupted = 130 };

// Where in an input file something was found; line/column are 1-based, 0 = unknown.
struct SourceLocation {
  std::string file;
  long line = 0;
  long column = 0;
  std::string str() const;  // "file:line:col" with the unknown parts left out
};

// Bad input data or environment (exit 1). what() is the located one-line message.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, SourceLocation where = {}, int exit_code = kExitDataError);
  const SourceLocation& where() const { return where_; }
  const std::string& message() const { return message_; }
  int exit_code() const { return exit_code_; }

 private:
  SourceLocation where_;
  std::string message_;
  int exit_code_;
};

// A request that cannot be carried out as asked (exit 2): bad option values, unknown names.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message, {}, kExitUsageError) {}
};

// Input text quoted in a message: control and non-ASCII bytes as \xNN, cut after `max_chars`
// with "...", so a binary or 100 MB line still makes a short, one-line message.
std::string printable_excerpt(std::string_view text, std::size_t max_chars = 40);

}  // namespace dnacnn

#include "commands.hpp"

#include <cmath>

#include "dnacnn/error.hpp"
#include "dnacnn/io/table.hpp"

namespace dnacnn::app {

static std::string g_command_line;

const std::string& command_line() { return g_command_line; }

void set_command_line(int argc, char** argv) {
  g_command_line.clear();
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    const bool quote = arg.empty() || arg.find_first_of(" \t'\"$") != std::string::npos;
    if (i > 0) g_command_line += ' ';
    g_command_line += quote ? "'" + arg + "'" : arg;
  }
}

std::map<std::string, double> parse_hparams(const std::vector<std::string>& pairs) {
  std::map<std::string, double> hparams;
  for (const std::string& kv : pairs) {
    const auto eq = kv.find('=');
    const auto value = eq == std::string::npos ? std::nullopt : io::parse_finite_float(std::string_view(kv).substr(eq + 1));
    if (!value || eq == 0) throw UsageError("--hparam takes name=number, got '" + kv + "'");
    hparams[kv.substr(0, eq)] = *value;
  }
  return hparams;
}

CLI::Option* add_threads_option(CLI::App& app, int& threads) {
  return app.add_option("--threads", threads, "CPU threads for computation (1 is fastest for the notebook models)")
      ->check(CLI::Range(1, 1024));
}

CLI::Option* add_quiet_flag(CLI::App& app, bool& quiet) {
  return app.add_flag("-q,--quiet", quiet, "No progress or log lines on stderr");
}

const CLI::Validator& finite_number() {
  static const CLI::Validator check(
      [](std::string& text) -> std::string {
        double value = 0;
        if (CLI::detail::lexical_cast(text, value) && std::isfinite(value)) return "";
        return "must be a finite number, got " + text;
      },
      "FINITE");
  return check;
}

}  // namespace dnacnn::app

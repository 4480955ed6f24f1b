#include "commands.hpp"

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

CLI::Option* add_threads_option(CLI::App& app, int& threads) {
  return app.add_option("--threads", threads, "CPU threads for computation (1 is fastest for the notebook models)")
      ->check(CLI::Range(1, 1024));
}

CLI::Option* add_quiet_flag(CLI::App& app, bool& quiet) {
  return app.add_flag("-q,--quiet", quiet, "No progress or log lines on stderr");
}

}  // namespace dnacnn::app

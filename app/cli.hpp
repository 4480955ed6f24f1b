// The command line, parsed and run: what `dnacnn` does with its arguments, as a function, so that
// the Python module's dnacnn.train runs exactly the train subcommand's parsing and checks.
#pragma once
#include <string>

namespace dnacnn::app {

struct CliOutcome {
  int exit_code = 0;    // dnacnn::ExitCode, or 128 + signal after an interrupt
  std::string message;  // the one-line error ("dnacnn train: ..."); empty on success
};

// Parses and runs one command line (argv[0] is the program name). Help and --version print to
// stdout; every failure comes back as its message, never as an exception.
CliOutcome run_command_line(int argc, char** argv);

}  // namespace dnacnn::app

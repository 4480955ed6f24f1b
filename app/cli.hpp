// The command line, parsed and run: what `dnacnn` does with its arguments, as a function, so that
// the Python module's dnacnn.train runs exactly the train subcommand's parsing and checks.
#pragma once
#include <string>

namespace dnacnn::app {

struct CliOutcome {
  int exit_code = 0;    // dnacnn::ExitCode, or 128 + signal after an interrupt
  std::string message;  // the one-line error ("dnacnn train: ..."); empty on success
};

// LibTorch frees and re-allocates multi-megabyte activations at every step. By default glibc hands
// such blocks back to the kernel and faults them in again, zeroed: a third of a deepcnn training
// run (and half of a predict) went there. Keeps blocks up to 32 MiB (glibc's maximum) in the heap,
// and freed memory with it (up to 512 MiB). For the whole process: main() and the Python module.
void keep_large_blocks_in_heap();

// Parses and runs one command line (argv[0] is the program name). Help and --version print to
// stdout; every failure comes back as its message, never as an exception.
CliOutcome run_command_line(int argc, char** argv);

}  // namespace dnacnn::app

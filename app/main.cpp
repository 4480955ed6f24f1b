// dnacnn: train, evaluate and explain convolutional networks that score DNA sequences.
#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
  dnacnn::app::keep_large_blocks_in_heap();
  const dnacnn::app::CliOutcome outcome = dnacnn::app::run_command_line(argc, argv);
  if (!outcome.message.empty()) std::cerr << outcome.message << "\n";
  return outcome.exit_code;
}

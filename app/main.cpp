// dnacnn: train, evaluate and explain convolutional networks that score DNA sequences.
#include <malloc.h>

#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
  // LibTorch frees and re-allocates multi-megabyte activations at every step. By default glibc hands
  // such blocks back to the kernel and faults them in again, zeroed: a third of a deepcnn training
  // run went there. Keep blocks up to 32 MiB (glibc's maximum) in the heap, and freed memory with it.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  const dnacnn::app::CliOutcome outcome = dnacnn::app::run_command_line(argc, argv);
  if (!outcome.message.empty()) std::cerr << outcome.message << "\n";
  return outcome.exit_code;
}

// `dnacnn launch`: N local copies of a dnacnn command as the ranks of one group, with the
// variables torchrun sets (like `torchrun --standalone --nproc-per-node N`).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dnacnn {

struct LaunchOptions {
  int nproc = 2;
  int master_port = 0;               // 0: a free port on 127.0.0.1
  std::vector<std::string> command;  // dnacnn's arguments, e.g. {"train", "--distributed", ...}
  double grace = 10;                 // seconds the other ranks get to stop (SIGTERM) before SIGKILL
};

// Starts the ranks (MASTER_ADDR=127.0.0.1, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK,
// LOCAL_WORLD_SIZE) and waits for them. SIGINT/SIGTERM are passed on to every rank. When a rank
// fails, the others are stopped and an Error says which rank and how (its exit code, 1 for a
// signal); when interrupted, an Error with 128 + signal. Returns when every rank succeeded.
void launch_local(const LaunchOptions& options);

}  // namespace dnacnn

// Several processes working as one, on torch.distributed (c10d): where this process stands in the
// group (torchrun's environment or explicit flags), the rendezvous through c10d's TCPStore and the
// collectives (ProcessGroupGloo on CPU, ProcessGroupNCCL on CUDA where LibTorch has it).
// No LibTorch headers here: training reaches the process group through src/train/dist/distributed.cpp (rank_sharing).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnacnn/data/shard.hpp"  // share_of

namespace dnacnn {

// --distributed and its flags; what is not given comes from torchrun's variables (MASTER_ADDR,
// MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK).
struct DistributedOptions {
  bool enabled = false;
  int world_size = 0;   // 0: WORLD_SIZE
  int rank = -1;        // -1: RANK
  std::string master;   // host:port; empty: MASTER_ADDR:MASTER_PORT
  double timeout = 300; // seconds for the rendezvous and for each collective (a dead rank is noticed by then)
};

// This process's place in the group.
struct WorldPlace {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;  // which GPU of its machine a rank uses (LOCAL_RANK; default: rank)
  std::string host;    // the master: rank 0 serves the TCPStore there
  std::uint16_t port = 0;
};

// UsageError naming the missing or malformed flag or variable.
WorldPlace resolve_world(const DistributedOptions& options);

class Communicator;

// Whether this process writes the run, report and checkpoints: one process, or rank 0 of a group.
bool writes_outputs(const Communicator* comm);

// The device a rank computes on: "cuda" means this rank's own GPU (cuda:LOCAL_RANK); any other
// name is kept.
std::string rank_device(const std::string& device, const WorldPlace& place);

// A connected group. Every collective either completes on all ranks or throws Error (a rank died,
// or did not answer within the timeout): never hangs past the timeout.
class Communicator {
 public:
  // Rendezvous: rank 0 serves the TCPStore, the others connect; returns when all have joined.
  // `device` ("cpu", "cuda:N") picks Gloo or NCCL.
  static std::unique_ptr<Communicator> connect(const WorldPlace& place, double timeout_seconds,
                                               const std::string& device);
  ~Communicator();
  int rank() const;
  int world_size() const;
  // Element-wise sum over the ranks, in place.
  void sum(std::vector<double>& values);
  // Error unless every rank passed the same values (the same job, data and options).
  void check_same(const std::vector<double>& values, const std::string& what);

  struct Impl;  // the c10d side (src/distributed.cpp)
  Impl& impl() { return *impl_; }

 private:
  explicit Communicator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};


}  // namespace dnacnn

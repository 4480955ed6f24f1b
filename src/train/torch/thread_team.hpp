// Data parallelism inside one process (thread_sharing, gradient_sharing.hpp): each batch is split
// between threads that run one-threaded LibTorch ops on their own replica of the model. On a few
// cores this beats LibTorch's intra-op threads, whose per-op fork/join and small per-thread work
// leave the second core mostly idle.
#pragma once
#include <torch/torch.h>

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "models/models.hpp"

namespace dnacnn {

class ThreadTeam {
 public:
  // `size` threads (the caller's included), each with a replica sharing `model`'s parameter storage:
  // an optimiser step on `model` is seen by every replica. Intra-op threads are 1 while it lives.
  ThreadTeam(SequenceModelImpl& model, const ModelConfig& config, int size);
  ~ThreadTeam();
  ThreadTeam(const ThreadTeam&) = delete;
  ThreadTeam& operator=(const ThreadTeam&) = delete;

  int size() const { return static_cast<int>(replicas_.size()); }
  SequenceModelImpl& replica(int i) { return *replicas_[static_cast<std::size_t>(i)]; }  // 0: the model
  const std::vector<torch::Tensor>& parameters(int i) const { return parameters_[static_cast<std::size_t>(i)]; }

  // task(i) for every i in [0, size), concurrently; i = 0 on the calling thread. Replicas are in
  // the model's train/eval mode. Rethrows the first shard's exception after all have finished.
  void run(const std::function<void(int)>& task);

 private:
  void serve(int i);

  std::vector<SequenceModelImpl*> replicas_;
  std::vector<SequenceModel> owned_;
  std::vector<std::vector<torch::Tensor>> parameters_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable start_, finished_;
  const std::function<void(int)>* task_ = nullptr;
  std::uint64_t round_ = 0;
  int running_ = 0;
  bool stopping_ = false;
  std::vector<std::exception_ptr> errors_;
  int intra_op_threads_;
};

}  // namespace dnacnn

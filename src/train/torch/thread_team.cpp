#include "train/torch/thread_team.hpp"


namespace dnacnn {

ThreadTeam::ThreadTeam(SequenceModelImpl& model, const ModelConfig& config, int size)
    : intra_op_threads_(torch::get_num_threads()) {
  torch::set_num_threads(1);
  replicas_.push_back(&model);
  parameters_.push_back(model.parameters());
  for (int i = 1; i < size; ++i) {
    owned_.push_back(build_model(config));
    std::vector<torch::Tensor> params = owned_.back()->parameters();
    torch::NoGradGuard no_grad;
    for (std::size_t k = 0; k < params.size(); ++k) params[k].set_data(parameters_[0][k]);
    replicas_.push_back(owned_.back().get());
    parameters_.push_back(std::move(params));
  }
  errors_.resize(static_cast<std::size_t>(size));
  for (int i = 1; i < size; ++i) threads_.emplace_back([this, i] { serve(i); });
}

ThreadTeam::~ThreadTeam() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  start_.notify_all();
  for (auto& t : threads_) t.join();
  torch::set_num_threads(intra_op_threads_);
}

void ThreadTeam::serve(int i) {
  torch::set_num_threads(1);  // this thread's OpenMP setting: one-threaded ops
  std::uint64_t seen = 0;
  for (;;) {
    const std::function<void(int)>* task = nullptr;
    {
      std::unique_lock lock(mutex_);
      start_.wait(lock, [&] { return stopping_ || round_ != seen; });
      if (stopping_) return;
      seen = round_;
      task = task_;
    }
    try {
      (*task)(i);
    } catch (...) {
      errors_[static_cast<std::size_t>(i)] = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      --running_;
    }
    finished_.notify_one();
  }
}

void ThreadTeam::run(const std::function<void(int)>& task) {
  for (auto* r : replicas_) r->train(replicas_[0]->is_training());
  for (auto& e : errors_) e = nullptr;
  {
    std::lock_guard lock(mutex_);
    task_ = &task;
    running_ = size() - 1;
    ++round_;
  }
  start_.notify_all();
  try {
    task(0);
  } catch (...) {
    errors_[0] = std::current_exception();
  }
  {
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [&] { return running_ == 0; });
  }
  for (auto& e : errors_)
    if (e) std::rethrow_exception(e);
}

}  // namespace dnacnn

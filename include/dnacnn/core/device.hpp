// Where computation runs: CPU thread count and device names, without LibTorch headers.
#pragma once
#include <string>

namespace dnacnn {

// Applies --threads (intra-op threads for this process). UsageError when < 1.
void set_thread_count(int threads);

// Throws UsageError unless `name` is "cpu", or "cuda"/"cuda:N" with a usable GPU.
void check_device(const std::string& name);

}  // namespace dnacnn

// The fused trainer's Adam update, in its own translation unit: it is compiled without errno so
// that sqrt vectorises, a flag the files including <torch/torch.h> cannot take (their precompiled
// header was built without it).
#pragma once
#include <cstddef>

namespace dnacnn {

// One step of torch::optim::Adam with its defaults (betas 0.9, 0.999, eps 1e-8, no weight decay)
// over n parameters; step_size = lr / (1 - beta1^t), bias2_sqrt = sqrt(1 - beta2^t).
void adam_kernel(float* value, const float* grad, float* m, float* v, std::size_t n, float step_size,
                 float bias2_sqrt) noexcept;

}  // namespace dnacnn

// The one collective that training needs, on the c10d process group (src/train/dist/distributed.cpp).
#pragma once
#include <torch/torch.h>

#include "dnacnn/train/distributed.hpp"

namespace dnacnn {

// Element-wise sum over the ranks, in place.
void sum_over_ranks(Communicator& comm, torch::Tensor& t);

}  // namespace dnacnn

// Data-parallel training on a Communicator: every rank holds the same model and walks the same
// shuffled global batches; each computes the gradient of its share of a batch, and the summed
// gradients equal the single-process gradient of the whole batch (up to rounding).
#pragma once
#include <torch/torch.h>

#include <functional>

#include "dnacnn/train/distributed.hpp"
#include "models/models.hpp"

namespace dnacnn {

// Element-wise sum over the ranks, in place (src/distributed.cpp).
void sum_over_ranks(Communicator& comm, torch::Tensor& t);

// The mean training loss of (predictions, targets), as train.cpp computes it.
using LossFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>;

struct StepTotals {
  double loss_sum = 0;  // the batch's mean loss times its rows, like the single-process sum
  int signal = 0;       // an interrupt any rank received (0: none): every rank stops after this step
};

// One optimiser step on global batch (x, y): this rank's rows' share of the gradient (dropout keyed
// by `rows`: the masks one process would draw), summed over the ranks together with the loss and
// interrupt requests (one collective), then the update.
StepTotals data_parallel_step(Communicator& comm, SequenceModelImpl& model, torch::optim::Optimizer& optimizer,
                              const torch::Tensor& x, const torch::Tensor& y, const LossFn& loss,
                              const BatchRows& rows, int signal);

// The mean loss over rows (x, y), each rank evaluating its share (NaN without rows).
double shared_mean_loss(Communicator& comm, SequenceModelImpl& model, const torch::Tensor& x, const torch::Tensor& y,
                        const LossFn& loss, const torch::Device& device);

// predict_sequences over every row of `data`, each rank predicting its share.
std::vector<float> shared_predictions(Communicator& comm, SequenceModelImpl& model, const SequenceData& data,
                                      std::int64_t length, const torch::Device& device);

}  // namespace dnacnn

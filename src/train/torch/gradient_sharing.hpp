// How the shares of a batch become one gradient. A batch is cut into shares (share_of); each is
// computed on a model replica, its loss weighted by its part of the batch, so the shares'
// gradients sum to the whole batch's. Three ways to share, one step (sharded_step):
//   serial   one share, this thread                         (serial_sharing)
//   threads  a share per thread, summed in a fixed order    (thread_sharing, on a ThreadTeam)
//   ranks    a share per process, all-reduced over c10d     (rank_sharing, on a Communicator)
// Validation losses and predictions are split the same way.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "models/models.hpp"

namespace dnacnn {

class Communicator;

// The mean training loss of (outputs, targets).
using LossFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>;

class GradientSharing {
 public:
  virtual ~GradientSharing() = default;
  // Each batch is cut into count() shares; this process computes shares [first(), first() + local()).
  virtual int count() const = 0;
  virtual int first() const { return 0; }
  virtual int local() const { return count(); }
  // task(i, replica) for each local share i (0-based here), on the replica that computes it;
  // with threads concurrently. Rethrows a share's exception.
  virtual void for_each_share(const std::function<void(int, SequenceModelImpl&)>& task) = 0;
  // Sums the local shares' gradients into the model's, then over the group together with the
  // loss and the interrupt `signal` (in: this process's; out: the group's). Returns the group's loss.
  virtual double reduce(double loss_sum, int& signal) = 0;
  // The mean loss over rows (x, y), each share predicting its rows (NaN without rows), and the
  // outputs for every row: (rows, targets) on the CPU, the same in every process.
  struct Validation {
    double mean_loss = 0;
    torch::Tensor outputs;
  };
  virtual Validation validate(const torch::Tensor& x, const torch::Tensor& y, const LossFn& loss) = 0;
  // Raw outputs for every row of `data` (of `length` bases): rows x targets, row-major.
  virtual std::vector<float> predict_all(const SequenceData& data, std::int64_t length) = 0;
};

std::unique_ptr<GradientSharing> serial_sharing(SequenceModelImpl& model, const torch::Device& device);
// `threads` CPU threads, each on a replica sharing `model`'s parameters (see thread_team.hpp).
std::unique_ptr<GradientSharing> thread_sharing(SequenceModelImpl& model, const ModelConfig& config, int threads);
std::unique_ptr<GradientSharing> rank_sharing(SequenceModelImpl& model, Communicator& comm,
                                              const torch::Device& device);

struct StepTotals {
  double loss_sum = 0;  // the batch's mean loss times its rows
  int signal = 0;       // an interrupt received (by any rank): stop after this step
};

// One optimiser step on batch (x, y), written once for every way of sharing: each share's
// gradient (dropout keyed by `rows`: the masks one process would draw), reduced, clipped to a
// global L2 norm of `clip_norm` (0: not clipped), then the update.
StepTotals sharded_step(GradientSharing& sharing, torch::optim::Optimizer& optimizer, const torch::Tensor& x,
                        const torch::Tensor& y, const LossFn& loss, const BatchRows& rows, double clip_norm = 0);

}  // namespace dnacnn

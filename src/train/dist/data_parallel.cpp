#include "train/dist/data_parallel.hpp"

#include <cmath>
#include <limits>

#include "models/tensors.hpp"

namespace dnacnn {

StepTotals data_parallel_step(Communicator& comm, SequenceModelImpl& model, torch::optim::Optimizer& optimizer,
                              const torch::Tensor& x, const torch::Tensor& y, const LossFn& loss,
                              const BatchRows& rows, int signal) {
  const std::int64_t len = x.size(0);
  const Range mine = share_of(len, comm.rank(), comm.world_size());
  optimizer.zero_grad();
  model.batch_rows = BatchRows{rows.seed, rows.first + mine.begin};
  torch::Tensor local_sum = torch::zeros({}, x.options());
  if (mine.size() > 0) {
    // Weighted by its share of the batch: the ranks' gradients then sum to the batch mean's.
    const torch::Tensor l = loss(model.forward(x.narrow(0, mine.begin, mine.size())), y.narrow(0, mine.begin, mine.size()));
    (l * (static_cast<double>(mine.size()) / static_cast<double>(len))).backward();
    local_sum = l.detach() * static_cast<double>(mine.size());
  }
  // One buffer: every gradient (zeros where this rank had no rows), the loss, the interrupt.
  std::vector<torch::Tensor> parts;
  const std::vector<torch::Tensor> params = model.parameters();
  for (const torch::Tensor& p : params)
    parts.push_back(p.grad().defined() ? p.grad().reshape({-1}) : torch::zeros({p.numel()}, p.options()));
  parts.push_back(local_sum.reshape({1}).to(x.options()));
  parts.push_back(torch::tensor({signal ? 1.0 : 0.0, static_cast<double>(signal)}, x.options()));
  torch::Tensor flat = torch::cat(parts);
  sum_over_ranks(comm, flat);
  std::int64_t at = 0;
  for (const torch::Tensor& p : params) {
    torch::Tensor g = flat.narrow(0, at, p.numel()).view(p.sizes());
    if (p.grad().defined())
      p.mutable_grad().copy_(g);
    else
      p.mutable_grad() = g.clone();
    at += p.numel();
  }
  optimizer.step();
  const auto totals = flat.narrow(0, at, 3).to(torch::kCPU, torch::kFloat64);
  const auto* v = totals.data_ptr<double>();
  const int interrupted = static_cast<int>(std::lround(v[1]));
  return {v[0], interrupted ? static_cast<int>(std::lround(v[2] / interrupted)) : 0};
}

double shared_mean_loss(Communicator& comm, SequenceModelImpl& model, const torch::Tensor& x, const torch::Tensor& y,
                        const LossFn& loss, const torch::Device& device) {
  const std::int64_t n = x.defined() ? x.size(0) : 0;
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const Range mine = share_of(n, comm.rank(), comm.world_size());
  std::vector<double> sum{0};
  if (mine.size() > 0) {
    const torch::Tensor pred = predict_in_batches(model, x.narrow(0, mine.begin, mine.size()), 8192, device);
    sum[0] = loss(pred, y.narrow(0, mine.begin, mine.size()).to(torch::kCPU)).item<double>() *
             static_cast<double>(mine.size());
  }
  comm.sum(sum);
  return sum[0] / static_cast<double>(n);
}

std::vector<float> shared_predictions(Communicator& comm, SequenceModelImpl& model, const SequenceData& data,
                                      std::int64_t length, const torch::Device& device) {
  const Range mine = share_of(data.size(), comm.rank(), comm.world_size());
  const auto n_targets = static_cast<std::int64_t>(data.n_targets());
  // Zeros outside this rank's rows: the sum over the ranks is every row's prediction, exactly.
  torch::Tensor all = torch::zeros({data.size(), n_targets}, torch::kFloat32);
  for (std::int64_t start = mine.begin; start < mine.end; start += 8192) {
    std::vector<std::int64_t> rows;
    for (std::int64_t r = start; r < std::min(start + 8192, mine.end); ++r) rows.push_back(r);
    const torch::Tensor x = onehot_tensor(encode_sequences(data, length, rows));
    all.narrow(0, start, static_cast<std::int64_t>(rows.size())).copy_(predict_in_batches(model, x, 8192, device));
  }
  sum_over_ranks(comm, all);
  return to_vector(all);
}

}  // namespace dnacnn

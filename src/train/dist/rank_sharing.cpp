// Data parallelism over ranks (--distributed): every rank holds the same model and walks the same
// shuffled global batches; each computes its share of a batch, and one all-reduce per step sums
// the gradients, the loss and any interrupt over the group.
#include <cmath>
#include <limits>

#include "dnacnn/train/distributed.hpp"
#include "models/tensors.hpp"
#include "train/dist/sum_over_ranks.hpp"
#include "train/torch/gradient_sharing.hpp"

namespace dnacnn {
namespace {

class RankSharing final : public GradientSharing {
 public:
  RankSharing(SequenceModelImpl& model, Communicator& comm, const torch::Device& device)
      : model_(model), comm_(comm), device_(device) {}
  int count() const override { return comm_.world_size(); }
  int first() const override { return comm_.rank(); }
  int local() const override { return 1; }
  void for_each_share(const std::function<void(int, SequenceModelImpl&)>& task) override { task(0, model_); }
  double reduce(double loss_sum, int& signal) override;
  double mean_loss(const torch::Tensor& x, const torch::Tensor& y, const LossFn& loss) override;
  std::vector<float> predict_all(const SequenceData& data, std::int64_t length) override;

 private:
  SequenceModelImpl& model_;
  Communicator& comm_;
  torch::Device device_;
};

// One buffer: every gradient (zeros where this rank had no rows), the loss, the interrupt.
double RankSharing::reduce(double loss_sum, int& signal) {
  const std::vector<torch::Tensor> params = model_.parameters();
  const torch::TensorOptions on = params.front().options();
  std::vector<torch::Tensor> parts;
  for (const torch::Tensor& p : params)
    parts.push_back(p.grad().defined() ? p.grad().reshape({-1}) : torch::zeros({p.numel()}, p.options()));
  parts.push_back(torch::tensor({loss_sum, signal ? 1.0 : 0.0, static_cast<double>(signal)}, on));
  torch::Tensor flat = torch::cat(parts);
  sum_over_ranks(comm_, flat);
  std::int64_t at = 0;
  for (const torch::Tensor& p : params) {
    torch::Tensor g = flat.narrow(0, at, p.numel()).view(p.sizes());
    if (p.grad().defined())
      p.mutable_grad().copy_(g);
    else
      p.mutable_grad() = g.clone();
    at += p.numel();
  }
  const auto totals = flat.narrow(0, at, 3).to(torch::kCPU, torch::kFloat64);
  const auto* v = totals.data_ptr<double>();
  const int interrupted = static_cast<int>(std::lround(v[1]));
  signal = interrupted ? static_cast<int>(std::lround(v[2] / interrupted)) : 0;
  return v[0];
}

double RankSharing::mean_loss(const torch::Tensor& x, const torch::Tensor& y, const LossFn& loss) {
  const std::int64_t n = x.defined() ? x.size(0) : 0;
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const Range mine = share_of(n, comm_.rank(), comm_.world_size());
  std::vector<double> sum{0};
  if (mine.size() > 0) {
    const torch::Tensor pred = predict_in_batches(model_, x.narrow(0, mine.begin, mine.size()), kPredictChunkRows, device_);
    sum[0] = loss(pred, y.narrow(0, mine.begin, mine.size()).to(torch::kCPU)).item<double>() *
             static_cast<double>(mine.size());
  }
  comm_.sum(sum);
  return sum[0] / static_cast<double>(n);
}

std::vector<float> RankSharing::predict_all(const SequenceData& data, std::int64_t length) {
  const auto n_targets = static_cast<std::int64_t>(data.n_targets());
  // Whole forward blocks, block b on rank b % size (as one process predicts them, bit for bit),
  // zeros elsewhere: the sum over the ranks is every row's prediction, exactly.
  torch::Tensor all = torch::zeros({data.size(), n_targets}, torch::kFloat32);
  const int ranks = comm_.world_size();
  for (std::int64_t first = comm_.rank() * kPredictBlockRows; first < data.size(); first += ranks * kPredictBlockRows) {
    std::vector<std::int64_t> rows;
    for (std::int64_t r = first; r < std::min(first + kPredictBlockRows, data.size()); ++r) rows.push_back(r);
    const torch::Tensor x = onehot_tensor(encode_sequences(data, length, rows));
    all.narrow(0, first, static_cast<std::int64_t>(rows.size()))
        .copy_(predict_in_batches(model_, x, kPredictBlockRows, device_));
  }
  sum_over_ranks(comm_, all);
  return to_vector(all);
}

}  // namespace

std::unique_ptr<GradientSharing> rank_sharing(SequenceModelImpl& model, Communicator& comm,
                                              const torch::Device& device) {
  return std::make_unique<RankSharing>(model, comm, device);
}

}  // namespace dnacnn

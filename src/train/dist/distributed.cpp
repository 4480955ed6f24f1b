// The c10d side of dnacnn/distributed.hpp. Debian's LibTorch is built with Gloo (libtorch_cpu.so
// exports c10d::ProcessGroupGloo and links libgloo); its header only declares the class when
// USE_C10D_GLOO is defined, as in LibTorch's own build.
#define USE_C10D_GLOO 1
#include "dnacnn/train/distributed.hpp"

#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef DNACNN_HAVE_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>

#include <cmath>
#include <limits>

#include "dnacnn/core/error.hpp"
#include "models/tensors.hpp"
#include "train/dist/sum_over_ranks.hpp"
#include "train/torch/gradient_sharing.hpp"

namespace dnacnn {
namespace {

// The variable's value; "" when unset.
std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

int parse_count(const std::string& text, const std::string& what) {
  try {
    std::size_t used = 0;
    const int v = std::stoi(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw UsageError(fmt::format("{} must be a whole number, got '{}'", what, text));
}

// One line, without LibTorch's "Exception raised from ..." trace.
std::string reason(const std::exception& e) {
  const auto* c10 = dynamic_cast<const c10::Error*>(&e);
  std::string s = c10 ? c10->what_without_backtrace() : e.what();
  return s.substr(0, s.find('\n'));
}

bool is_loopback(const std::string& host) { return host == "localhost" || host.starts_with("127."); }

}  // namespace

WorldPlace resolve_world(const DistributedOptions& o) {
  WorldPlace p;
  const auto from = [](const std::string& flag, const char* var) {
    const std::string v = env(var);
    if (v.empty()) throw UsageError(fmt::format("--distributed needs {} or the {} variable (set by dnacnn launch, torchrun or your job script)", flag, var));
    return v;
  };
  p.world_size = o.world_size > 0 ? o.world_size : parse_count(from("--world-size", "WORLD_SIZE"), "WORLD_SIZE");
  p.rank = o.rank >= 0 ? o.rank : parse_count(from("--rank", "RANK"), "RANK");
  if (p.world_size < 1) throw UsageError("the world size must be at least 1");
  if (p.rank < 0 || p.rank >= p.world_size)
    throw UsageError(fmt::format("rank {} is outside the world of {} processes", p.rank, p.world_size));
  const std::string local = env("LOCAL_RANK");
  p.local_rank = local.empty() ? p.rank : parse_count(local, "LOCAL_RANK");
  std::string port;
  if (!o.master.empty()) {
    const auto colon = o.master.rfind(':');
    if (colon == std::string::npos || colon == 0) throw UsageError("--master must be host:port, got '" + o.master + "'");
    p.host = o.master.substr(0, colon);
    port = o.master.substr(colon + 1);
  } else {
    p.host = from("--master", "MASTER_ADDR");
    port = from("--master", "MASTER_PORT");
  }
  const int number = parse_count(port, "the master port");
  if (number < 1 || number > 65535) throw UsageError(fmt::format("the master port must be 1-65535, got {}", number));
  p.port = static_cast<std::uint16_t>(number);
  if (!(o.timeout > 0)) throw UsageError("--dist-timeout must be a positive number of seconds");
  return p;
}

bool writes_outputs(const Communicator* comm) { return !comm || comm->rank() == 0; }

std::string rank_device(const std::string& device, const WorldPlace& place) {
  return device == "cuda" ? fmt::format("cuda:{}", place.local_rank) : device;
}

struct Communicator::Impl {
  WorldPlace place;
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
  bool nccl = false;  // else Gloo
  double timeout = 0;

  [[noreturn]] void fail(const std::exception& e) const {
    throw Error(fmt::format("rank {} of {}: lost contact with the other ranks (one stopped, or none answered within "
                            "--dist-timeout {:g} s): {}",
                            place.rank, place.world_size, timeout, reason(e)));
  }
};

std::unique_ptr<Communicator> Communicator::connect(const WorldPlace& place, double timeout_seconds,
                                                    const std::string& device) {
  auto impl = std::make_unique<Impl>();
  impl->place = place;
  impl->timeout = timeout_seconds;
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_seconds * 1000));
  try {
    c10d::TCPStoreOptions options;
    options.port = place.port;
    options.isServer = place.rank == 0;
    options.numWorkers = static_cast<std::size_t>(place.world_size);
    options.waitWorkers = true;
    options.timeout = timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(place.host, options);
    impl->store = c10::make_intrusive<c10d::PrefixStore>("dnacnn", tcp);
  } catch (const std::exception& e) {
    throw Error(fmt::format("rank {} of {}: rendezvous at {}:{} failed within --dist-timeout {:g} s: {}", place.rank,
                            place.world_size, place.host, place.port, timeout_seconds, reason(e)));
  }
  try {
#ifdef DNACNN_HAVE_NCCL
    if (device.starts_with("cuda")) {
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = timeout;
      impl->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl->store, place.rank, place.world_size, options);
      impl->nccl = true;
    }
#endif
    if (!impl->group) {  // Gloo; CUDA tensors without NCCL go through the CPU (see rank_sharing below)
      auto options = c10d::ProcessGroupGloo::Options::create(timeout);
      // A one-machine group talks over loopback; on a cluster, GLOO_SOCKET_IFNAME picks the interface.
      const std::string ifname = env("GLOO_SOCKET_IFNAME");
      options->devices.push_back(!ifname.empty() ? c10d::ProcessGroupGloo::createDeviceForInterface(ifname)
                                 : is_loopback(place.host) ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                                           : c10d::ProcessGroupGloo::createDefaultDevice());
      options->threads = 1;
      impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, place.rank, place.world_size, options);
    }
  } catch (const std::exception& e) {
    impl->fail(e);
  }
  return std::unique_ptr<Communicator>(new Communicator(std::move(impl)));
}

Communicator::Communicator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Communicator::~Communicator() = default;
int Communicator::rank() const { return impl_->place.rank; }
int Communicator::world_size() const { return impl_->place.world_size; }

void Communicator::sum(std::vector<double>& values) {
  torch::Tensor t = torch::from_blob(values.data(), {static_cast<std::int64_t>(values.size())}, torch::kFloat64);
  sum_over_ranks(*this, t);
}

void Communicator::check_same(const std::vector<double>& values, const std::string& what) {
  std::vector<double> total = values;
  sum(total);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (total[i] != values[i] * world_size())
      throw Error(fmt::format("rank {} of {}: the ranks disagree on {}; start every rank with the same command and data",
                              rank(), world_size(), what));
}

void sum_over_ranks(Communicator& comm, torch::Tensor& t) {
  Communicator::Impl& impl = comm.impl();
  // Gloo reduces CPU tensors; without NCCL a CUDA tensor makes the trip through host memory.
  const bool via_host = t.device().is_cuda() && !impl.nccl;
  std::vector<torch::Tensor> tensors{via_host ? t.to(torch::kCPU) : t};
  try {
    impl.group->allreduce(tensors)->wait();
  } catch (const std::exception& e) {
    impl.fail(e);
  }
  if (via_host) t.copy_(tensors[0]);
}

// --- sharing a batch between ranks (rank_sharing in gradient_sharing.hpp): every rank holds the same model
// and walks the same shuffled global batches; one all-reduce per step sums the gradients, the loss
// and any interrupt over the group.
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
  Validation validate(const torch::Tensor& x, const torch::Tensor& y, const LossFn& loss) override;
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

// Each rank predicts its share of the rows; zeros elsewhere, so the sum over the ranks holds every
// row's output exactly, in every rank (early stopping decides the same everywhere).
GradientSharing::Validation RankSharing::validate(const torch::Tensor& x, const torch::Tensor& y, const LossFn& loss) {
  const std::int64_t n = x.defined() ? x.size(0) : 0;
  if (n == 0) return {std::numeric_limits<double>::quiet_NaN(), {}};
  const Range mine = share_of(n, comm_.rank(), comm_.world_size());
  std::vector<double> sum{0};
  torch::Tensor outputs = torch::zeros({n, y.size(1)}, torch::kFloat32);
  if (mine.size() > 0) {
    const torch::Tensor pred = predict_in_batches(model_, x.narrow(0, mine.begin, mine.size()), kPredictChunkRows, device_);
    sum[0] = loss(pred, y.narrow(0, mine.begin, mine.size()).to(torch::kCPU)).item<double>() *
             static_cast<double>(mine.size());
    outputs.narrow(0, mine.begin, mine.size()).copy_(pred);
  }
  comm_.sum(sum);
  sum_over_ranks(comm_, outputs);
  return {sum[0] / static_cast<double>(n), outputs};
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
    const torch::Tensor x = codes_tensor(encode_codes(data, length, rows));
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

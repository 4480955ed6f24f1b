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

#include "train/dist/sum_over_ranks.hpp"
#include "dnacnn/core/error.hpp"

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
    if (!impl->group) {  // Gloo; CUDA tensors without NCCL go through the CPU (see rank_sharing.cpp)
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

}  // namespace dnacnn

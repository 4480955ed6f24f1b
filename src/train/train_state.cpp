#include "train/train_state.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <mutex>

#include "dnacnn/core/error.hpp"
#include "models/tensors.hpp"

namespace dnacnn {

namespace {

// The key torch::optim uses for a parameter's state.
std::string state_key(const torch::Tensor& p) { return c10::guts::to_string(p.unsafeGetTensorImpl()); }

io::NamedTensor named(const std::string& name, const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
  return {name, c.sizes().vec(), to_vector(c)};
}

}  // namespace

std::vector<io::NamedTensor> optimizer_state(torch::optim::Optimizer& optimizer, torch::nn::Module& model,
                                             long& steps) {
  std::vector<io::NamedTensor> out;
  steps = 0;
  for (const auto& item : model.named_parameters(true)) {
    const auto it = optimizer.state().find(state_key(item.value()));
    if (it == optimizer.state().end()) continue;
    // Adam and AdamW keep the same moments in two unrelated state classes.
    if (const auto* adam = dynamic_cast<const torch::optim::AdamParamState*>(it->second.get())) {
      steps = static_cast<long>(adam->step());
      out.push_back(named(item.key() + ".exp_avg", adam->exp_avg()));
      out.push_back(named(item.key() + ".exp_avg_sq", adam->exp_avg_sq()));
    } else if (const auto* adamw = dynamic_cast<const torch::optim::AdamWParamState*>(it->second.get())) {
      steps = static_cast<long>(adamw->step());
      out.push_back(named(item.key() + ".exp_avg", adamw->exp_avg()));
      out.push_back(named(item.key() + ".exp_avg_sq", adamw->exp_avg_sq()));
    } else {
      throw Error("checkpoint: cannot save the state of this optimiser");
    }
  }
  return out;
}

void restore_optimizer_state(torch::optim::Optimizer& optimizer, torch::nn::Module& model,
                             const std::vector<io::NamedTensor>& state, long steps, const std::string& source) {
  if (state.empty()) return;
  const bool adamw = dynamic_cast<torch::optim::AdamW*>(&optimizer) != nullptr;
  if (!adamw && !dynamic_cast<torch::optim::Adam*>(&optimizer))
    throw Error("checkpoint holds optimiser state this optimiser does not use", {source});
  const auto find = [&](const std::string& name, const torch::Tensor& like) {
    for (const auto& t : state)
      if (t.name == name) {
        if (t.shape != like.sizes().vec()) throw Error("checkpoint tensor '" + name + "' has the wrong shape", {source});
        return torch::from_blob(const_cast<float*>(t.values.data()), like.sizes(), torch::kFloat32).clone().to(like.device());
      }
    throw Error("checkpoint lacks optimiser state '" + name + "'", {source});
  };
  const auto restore = [&](auto state, const auto& item) {
    state->step(steps);
    state->exp_avg(find(item.key() + ".exp_avg", item.value()));
    state->exp_avg_sq(find(item.key() + ".exp_avg_sq", item.value()));
    optimizer.state()[state_key(item.value())] = std::move(state);
  };
  for (const auto& item : model.named_parameters(true)) {
    if (adamw)
      restore(std::make_unique<torch::optim::AdamWParamState>(), item);
    else
      restore(std::make_unique<torch::optim::AdamParamState>(), item);
  }
}

std::string torch_rng_state() {
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  const torch::Tensor state = gen.get_state();
  const auto* bytes = state.data_ptr<std::uint8_t>();
  static const char* digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(static_cast<std::size_t>(state.numel()) * 2);
  for (std::int64_t i = 0; i < state.numel(); ++i) {
    hex += digits[bytes[i] >> 4];
    hex += digits[bytes[i] & 15];
  }
  return hex;
}

void restore_torch_rng_state(const std::string& hex, const std::string& source) {
  const auto nibble = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    throw Error("checkpoint: damaged generator state", {source});
  };
  if (hex.size() % 2 != 0) throw Error("checkpoint: damaged generator state", {source});
  at::Generator gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  torch::Tensor state = torch::empty({static_cast<std::int64_t>(hex.size() / 2)}, torch::kUInt8);
  auto* bytes = state.data_ptr<std::uint8_t>();
  for (std::size_t i = 0; i < hex.size() / 2; ++i)
    bytes[i] = static_cast<std::uint8_t>(nibble(hex[2 * i]) * 16 + nibble(hex[2 * i + 1]));
  try {
    gen.set_state(state);
  } catch (const c10::Error&) {
    throw Error("checkpoint: generator state does not fit this LibTorch", {source});
  }
}

}  // namespace dnacnn

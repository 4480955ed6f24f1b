#include "models/tensors.hpp"

#include <fmt/format.h>

#include <map>

#include "dnacnn/core/error.hpp"

namespace dnacnn {

torch::Tensor codes_tensor(BaseCodes codes) {
  auto* owned = new std::vector<std::uint8_t>(std::move(codes.codes));
  return torch::from_blob(owned->data(), {codes.rows, codes.length}, [owned](void*) { delete owned; }, torch::kUInt8);
}

torch::Tensor targets_tensor(const SequenceData& data, const std::vector<std::int64_t>& rows) {
  const std::size_t n_targets = data.n_targets();
  auto t = torch::empty({static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(n_targets)}, torch::kFloat32);
  float* p = t.data_ptr<float>();
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t k = 0; k < n_targets; ++k) p[i * n_targets + k] = data.target(static_cast<std::size_t>(rows[i]), k);
  return t;
}

std::vector<float> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kCPU, torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

std::vector<io::NamedTensor> export_weights(const torch::nn::Module& module) {
  std::vector<io::NamedTensor> out;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) {
    io::NamedTensor t;
    t.name = item.key();
    t.shape = item.value().sizes().vec();
    t.values = to_vector(item.value().detach());
    out.push_back(std::move(t));
  }
  for (const auto& item : module.named_buffers(/*recurse=*/true)) {
    io::NamedTensor t{item.key(), item.value().sizes().vec(), to_vector(item.value())};
    out.push_back(std::move(t));
  }
  return out;
}

void import_weights(torch::nn::Module& module, const std::vector<io::NamedTensor>& weights, const std::string& source) {
  std::map<std::string, const io::NamedTensor*> by_name;
  for (const auto& w : weights) by_name[w.name] = &w;
  torch::NoGradGuard no_grad;
  std::size_t used = 0;
  auto load_into = [&](const std::string& name, torch::Tensor target) {
    const auto it = by_name.find(name);
    if (it == by_name.end()) throw Error("weights lack tensor '" + name + "' that the model config needs", {source});
    const auto& w = *it->second;
    if (w.shape != target.sizes().vec())
      throw Error(fmt::format("tensor '{}' has shape [{}], the model config needs [{}]", name,
                              fmt::join(w.shape, ","), fmt::join(target.sizes().vec(), ",")),
                  {source});
    target.copy_(torch::from_blob(const_cast<float*>(w.values.data()), target.sizes(), torch::kFloat32));
    ++used;
  };
  for (auto& item : module.named_parameters(true)) load_into(item.key(), item.value());
  for (auto& item : module.named_buffers(true)) load_into(item.key(), item.value());
  if (used != by_name.size()) {
    for (const auto& w : weights) {
      bool known = false;
      for (const auto& item : module.named_parameters(true)) known |= item.key() == w.name;
      for (const auto& item : module.named_buffers(true)) known |= item.key() == w.name;
      if (!known) throw Error("weights hold tensor '" + w.name + "' that the model config does not have", {source});
    }
  }
}

torch::Device parse_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda" || name.starts_with("cuda:")) {
    if (!torch::cuda::is_available())
      throw UsageError("--device " + name + ": this dnacnn's LibTorch has no CUDA support or no GPU is visible");
    return torch::Device(name);
  }
  throw UsageError("--device must be cpu, cuda or cuda:N, got '" + name + "'");
}

void check_device(const std::string& name) { parse_device(name); }

void set_thread_count(int threads) {
  if (threads < 1) throw UsageError("--threads must be at least 1");
  torch::set_num_threads(threads);
}

}  // namespace dnacnn

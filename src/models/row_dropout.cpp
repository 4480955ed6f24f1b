// Dropout whose mask is a function of (batch seed, row, feature) instead of a generator's stream:
// any split of a batch between threads or ranks draws the same masks as one process would, and a
// resumed run draws what the uninterrupted run drew without saving generator state.
#include "models/models.hpp"

namespace dnacnn {
namespace {

std::uint64_t mix(std::uint64_t z) {  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

}  // namespace

std::uint64_t batch_rows_seed(std::uint64_t seed, int epoch, std::int64_t batch_start) {
  return mix(mix(mix(seed + kGolden) + static_cast<std::uint64_t>(epoch)) + static_cast<std::uint64_t>(batch_start));
}

torch::Tensor row_keyed_dropout(const torch::Tensor& x, double p, bool training, const std::optional<BatchRows>& rows) {
  if (!training || p == 0) return x;
  if (!rows) return torch::dropout(x, p, true);
  const std::int64_t n = x.size(0), features = x.numel() / std::max<std::int64_t>(n, 1);
  // Keep when a uniform 53-bit draw is at least p; kept values are scaled by 1 / (1 - p).
  const auto threshold = static_cast<std::uint64_t>(p * 9007199254740992.0);
  const auto kept = static_cast<float>(1.0 / (1.0 - p));
  // Its own storage: autograd keeps the mask for the backward pass.
  torch::Tensor m = torch::empty(x.sizes(), torch::kFloat32);
  float* mask = m.data_ptr<float>();
  for (std::int64_t r = 0; r < n; ++r) {
    const std::uint64_t row_key = mix(rows->seed ^ mix(static_cast<std::uint64_t>(rows->first + r) + kGolden));
    for (std::int64_t j = 0; j < features; ++j)
      mask[r * features + j] =
          (mix(row_key + static_cast<std::uint64_t>(j) * kGolden) >> 11) >= threshold ? kept : 0.0f;
  }
  return x * m.to(x.device(), x.scalar_type());
}

}  // namespace dnacnn

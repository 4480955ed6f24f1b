#include "models/onehot_conv.hpp"

#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "core/vec8.hpp"

namespace dnacnn {
namespace {

constexpr std::uint8_t kNotOneHot = 255;

// The code of one position from its 4 floats' pattern: bit c set when channel c is exactly 1.
constexpr std::array<std::uint8_t, 16> kCodeOfBits = {4, 0, 1, kNotOneHot, 2, kNotOneHot, kNotOneHot, kNotOneHot,
                                                       3, kNotOneHot, kNotOneHot, kNotOneHot, kNotOneHot, kNotOneHot,
                                                       kNotOneHot, kNotOneHot};

// The sizes every kernel needs. Weights travel as wt [K][5][F]: row 4 (no base) is zeros, so N and
// the 'same' padding outside the sequence need no branch.
struct Shape {
  std::int64_t F, K, L, Q, pool, left;  // Q = L / pool outputs; `left` = 'same' padding before
};

// Base codes of one sample with the 'same' padding (code 4) on both sides: L + K - 1 codes.
void padded_codes(const std::uint8_t* codes, const Shape& s, std::uint8_t* out) {
  std::fill(out, out + s.L + s.K - 1, std::uint8_t{4});
  std::copy(codes, codes + s.L, out + s.left);
}

// Compile-time width (FC > 0, a multiple of 8): every filter's running sum, best and winning
// offset stay in registers for the whole pooling window.
template <std::int64_t FC>
inline __attribute__((always_inline)) void forward_fixed(const float* __restrict wt, const float* __restrict bias,
                                                         const std::uint8_t* __restrict cp, const Shape& s,
                                                         float* __restrict out, std::uint8_t* __restrict off) {
  constexpr std::int64_t V = FC / 8;
  Vec8 best[V] = {}, arg[V] = {};
  for (std::int64_t q = 0; q < s.Q; ++q) {
    for (std::int64_t r = 0; r < s.pool; ++r) {
      const std::uint8_t* c = cp + q * s.pool + r;
      Vec8 z[V];
      for (std::int64_t v = 0; v < V; ++v) z[v] = load8(bias + 8 * v);
      for (std::int64_t j = 0; j < s.K; ++j) {
        const float* w = wt + (j * 5 + c[j]) * FC;
        for (std::int64_t v = 0; v < V; ++v) z[v] += load8(w + 8 * v);
      }
      if (r == 0) {
        for (std::int64_t v = 0; v < V; ++v) best[v] = z[v], arg[v] = Vec8{};
        continue;
      }
      const Vec8 rf = Vec8{} + static_cast<float>(r);
      for (std::int64_t v = 0; v < V; ++v) {
        const auto more = z[v] > best[v];  // strictly greater: the first maximum wins, as in max_pool1d
        best[v] = more ? z[v] : best[v];
        arg[v] = more ? rf : arg[v];
      }
    }
    float b[FC], a[FC];
    for (std::int64_t v = 0; v < V; ++v) store8(b + 8 * v, best[v]), store8(a + 8 * v, arg[v]);
    for (std::int64_t f = 0; f < FC; ++f) {
      out[f * s.Q + q] = b[f] > 0.0f ? b[f] : 0.0f;
      off[q * FC + f] = static_cast<std::uint8_t>(a[f]);
    }
  }
}

// Any width: the same arithmetic through scratch memory.
inline void forward_any(const float* __restrict wt, const float* __restrict bias, const std::uint8_t* __restrict cp,
                        const Shape& s, float* __restrict out, std::uint8_t* __restrict off,
                        float* __restrict scratch) {
  const std::int64_t F = s.F;
  float* __restrict z = scratch;
  float* __restrict best = scratch + F;
  float* __restrict arg = scratch + 2 * F;
  for (std::int64_t q = 0; q < s.Q; ++q) {
    for (std::int64_t r = 0; r < s.pool; ++r) {
      const std::uint8_t* c = cp + q * s.pool + r;
      for (std::int64_t f = 0; f < F; ++f) z[f] = bias[f];
      for (std::int64_t j = 0; j < s.K; ++j) {
        const float* __restrict w = wt + (j * 5 + c[j]) * F;
        for (std::int64_t f = 0; f < F; ++f) z[f] += w[f];
      }
      for (std::int64_t f = 0; f < F; ++f) {
        const bool more = r == 0 || z[f] > best[f];  // strictly greater: the first maximum wins
        best[f] = more ? z[f] : best[f];
        arg[f] = more ? static_cast<float>(r) : arg[f];
      }
    }
    for (std::int64_t f = 0; f < F; ++f) {
      out[f * s.Q + q] = best[f] > 0.0f ? best[f] : 0.0f;
      off[q * F + f] = static_cast<std::uint8_t>(arg[f]);
    }
  }
}

// Adds one sample's weight and bias gradients into gwt [K][5][F] and gb [F]. The gradient of
// each window position stays in registers while it is added to the K weight rows it touched.
template <std::int64_t FC>
inline __attribute__((always_inline)) void backward_fixed(const float* __restrict grad, const float* __restrict out,
                                                          const std::uint8_t* __restrict off,
                                                          const std::uint8_t* __restrict cp, const Shape& s,
                                                          float* __restrict gwt, float* __restrict gb,
                                                          float* __restrict scratch) {
  constexpr std::int64_t V = FC / 8;
  // The gradient reaching each filter's winner, 0 where the ReLU cut it, as [Q][F]; no branch
  // (a branch here was half the kernel's time).
  float* __restrict g_all = scratch;
  for (std::int64_t f = 0; f < FC; ++f)
    for (std::int64_t q = 0; q < s.Q; ++q) g_all[q * FC + f] = where_active(out[f * s.Q + q], grad[f * s.Q + q]);
  for (std::int64_t q = 0; q < s.Q; ++q) {
    float arg_at[FC];  // each filter's winning offset in the window
    for (std::int64_t f = 0; f < FC; ++f) arg_at[f] = static_cast<float>(off[q * FC + f]);
    Vec8 g[V], arg[V];
    for (std::int64_t v = 0; v < V; ++v) {
      g[v] = load8(g_all + q * FC + 8 * v), arg[v] = load8(arg_at + 8 * v);
      store8(gb + 8 * v, load8(gb + 8 * v) + g[v]);
    }
    for (std::int64_t r = 0; r < s.pool; ++r) {
      const Vec8 rf = Vec8{} + static_cast<float>(r), zero = Vec8{};
      Vec8 d[V];
      for (std::int64_t v = 0; v < V; ++v) d[v] = arg[v] == rf ? g[v] : zero;
      const std::uint8_t* c = cp + q * s.pool + r;
      for (std::int64_t j = 0; j < s.K; ++j) {
        float* w = gwt + (j * 5 + c[j]) * FC;
        for (std::int64_t v = 0; v < V; ++v) store8(w + 8 * v, load8(w + 8 * v) + d[v]);
      }
    }
  }
}

inline void backward_any(const float* __restrict grad, const float* __restrict out, const std::uint8_t* __restrict off,
                         const std::uint8_t* __restrict cp, const Shape& s, float* __restrict gwt,
                         float* __restrict gb, float* __restrict scratch) {
  const std::int64_t F = s.F;
  float* __restrict g = scratch;
  float* __restrict arg = scratch + F;
  float* __restrict d = scratch + 2 * F;
  for (std::int64_t q = 0; q < s.Q; ++q) {
    for (std::int64_t f = 0; f < F; ++f) {
      g[f] = out[f * s.Q + q] > 0.0f ? grad[f * s.Q + q] : 0.0f;
      arg[f] = static_cast<float>(off[q * F + f]);
      gb[f] += g[f];
    }
    for (std::int64_t r = 0; r < s.pool; ++r) {
      const float rf = static_cast<float>(r);
      for (std::int64_t f = 0; f < F; ++f) d[f] = arg[f] == rf ? g[f] : 0.0f;
      const std::uint8_t* c = cp + q * s.pool + r;
      for (std::int64_t j = 0; j < s.K; ++j) {
        float* __restrict w = gwt + (j * 5 + c[j]) * F;
        for (std::int64_t f = 0; f < F; ++f) w[f] += d[f];
      }
    }
  }
}

// Compiled for AVX2 as well as the baseline ISA; the loader picks the best the CPU has. Common
// filter counts get compile-time widths so the inner loops unroll fully.
__attribute__((target_clones("avx2", "default"))) void forward_sample(const float* wt, const float* bias,
                                                                    const std::uint8_t* cp, const Shape& s,
                                                                    float* out, std::uint8_t* off, float* scratch) {
  switch (s.F) {
    case 32: return forward_fixed<32>(wt, bias, cp, s, out, off);
    case 64: return forward_fixed<64>(wt, bias, cp, s, out, off);
    case 128: return forward_fixed<128>(wt, bias, cp, s, out, off);
    default: return forward_any(wt, bias, cp, s, out, off, scratch);
  }
}

__attribute__((target_clones("avx2", "default"))) void backward_sample(const float* grad, const float* out,
                                                                     const std::uint8_t* off, const std::uint8_t* cp,
                                                                     const Shape& s, float* gwt, float* gb,
                                                                     float* scratch) {
  switch (s.F) {
    case 32: return backward_fixed<32>(grad, out, off, cp, s, gwt, gb, scratch);
    case 64: return backward_fixed<64>(grad, out, off, cp, s, gwt, gb, scratch);
    case 128: return backward_fixed<128>(grad, out, off, cp, s, gwt, gb, scratch);
    default: return backward_any(grad, out, off, cp, s, gwt, gb, scratch);
  }
}

Shape shape_of(const torch::Tensor& codes, const torch::Tensor& weight, std::int64_t pool) {
  Shape s{weight.size(0), weight.size(2), codes.size(1), codes.size(1) / pool, pool, (weight.size(2) - 1) / 2};
  return s;
}

// weight (F, 4, K) -> [K][5][F] with a zero row for "no base".
torch::Tensor working_layout(const torch::Tensor& weight) {
  const torch::Tensor w = weight.detach().permute({2, 1, 0});
  return torch::cat({w, torch::zeros({w.size(0), 1, w.size(2)}, w.options())}, 1).contiguous();
}

// Forward for the whole batch: the output (N, F, Q) and each output's winning offset (N, Q, F).
std::pair<torch::Tensor, torch::Tensor> forward_batch(const torch::Tensor& codes, const torch::Tensor& weight,
                                                      const torch::Tensor& bias, std::int64_t pool) {
  const Shape s = shape_of(codes, weight, pool);
  const std::int64_t N = codes.size(0);
  const torch::Tensor wt = working_layout(weight);
  const torch::Tensor b = bias.detach().contiguous();
  torch::Tensor out = torch::empty({N, s.F, s.Q}, torch::kFloat32);
  torch::Tensor off = torch::empty({N, s.Q, s.F}, torch::kUInt8);
  const std::uint8_t* c = codes.data_ptr<std::uint8_t>();
  at::parallel_for(0, N, 16, [&](std::int64_t begin, std::int64_t end) {
    std::vector<std::uint8_t> cp(static_cast<std::size_t>(s.L + s.K - 1));
    std::vector<float> scratch(static_cast<std::size_t>(3 * s.F));
    for (std::int64_t n = begin; n < end; ++n) {
      padded_codes(c + n * s.L, s, cp.data());
      forward_sample(wt.data_ptr<float>(), b.data_ptr<float>(), cp.data(), s, out.data_ptr<float>() + n * s.F * s.Q,
                     off.data_ptr<std::uint8_t>() + n * s.Q * s.F, scratch.data());
    }
  });
  return {out, off};
}

// Weight (F, 4, K) and bias (F) gradients. Samples are summed in fixed chunks, and the chunks in
// order, so the result does not depend on how many threads ran.
std::pair<torch::Tensor, torch::Tensor> backward_batch(const torch::Tensor& grad, const torch::Tensor& codes,
                                                       const torch::Tensor& out, const torch::Tensor& off,
                                                       std::int64_t K, std::int64_t pool) {
  const Shape s{out.size(1), K, codes.size(1), out.size(2), pool, (K - 1) / 2};
  const std::int64_t N = codes.size(0);
  constexpr std::int64_t kChunk = 8;
  const std::int64_t chunks = (N + kChunk - 1) / kChunk;
  const std::int64_t per_chunk = K * 5 * s.F + s.F;  // gwt then gb
  std::vector<float> partial(static_cast<std::size_t>(chunks * per_chunk), 0.0f);
  const torch::Tensor g = grad.contiguous();
  at::parallel_for(0, chunks, 1, [&](std::int64_t begin, std::int64_t end) {
    std::vector<std::uint8_t> cp(static_cast<std::size_t>(s.L + s.K - 1));
    std::vector<float> scratch(static_cast<std::size_t>(std::max<std::int64_t>(3, s.Q) * s.F));
    for (std::int64_t chunk = begin; chunk < end; ++chunk) {
      float* gwt = partial.data() + chunk * per_chunk;
      for (std::int64_t n = chunk * kChunk; n < std::min(N, (chunk + 1) * kChunk); ++n) {
        padded_codes(codes.data_ptr<std::uint8_t>() + n * s.L, s, cp.data());
        backward_sample(g.data_ptr<float>() + n * s.F * s.Q, out.data_ptr<float>() + n * s.F * s.Q,
                        off.data_ptr<std::uint8_t>() + n * s.Q * s.F, cp.data(), s, gwt, gwt + K * 5 * s.F,
                        scratch.data());
      }
    }
  });
  float* sum = partial.data();
  for (std::int64_t chunk = 1; chunk < chunks; ++chunk)
    for (std::int64_t i = 0; i < per_chunk; ++i) sum[i] += sum[chunk * per_chunk + i];
  const torch::Tensor all = torch::from_blob(partial.data(), {per_chunk}, torch::kFloat32);
  const torch::Tensor gwt = all.narrow(0, 0, K * 5 * s.F).view({K, 5, s.F});
  const torch::Tensor gw = gwt.narrow(1, 0, 4).permute({2, 1, 0}).contiguous();
  return {gw, all.narrow(0, K * 5 * s.F, s.F).clone()};
}

struct OneHotConvFunction : torch::autograd::Function<OneHotConvFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& codes,
                               const torch::Tensor& weight, const torch::Tensor& bias, std::int64_t pool) {
    auto [out, off] = forward_batch(codes, weight, bias, pool);
    ctx->save_for_backward({codes, out, off});
    ctx->saved_data["kernel"] = weight.size(2);
    ctx->saved_data["pool"] = pool;
    return out;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    auto [gw, gb] = backward_batch(grads[0], saved[0], saved[1], saved[2], ctx->saved_data["kernel"].toInt(),
                                    ctx->saved_data["pool"].toInt());
    return {torch::Tensor(), gw, gb, torch::Tensor()};
  }
};

}  // namespace

std::optional<torch::Tensor> onehot_codes(const torch::Tensor& x) {
  if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat32 || x.dim() != 3 || x.size(2) != 4 ||
      x.requires_grad())
    return std::nullopt;
  const torch::Tensor xc = x.contiguous();
  const std::int64_t positions = xc.size(0) * xc.size(1);
  torch::Tensor codes = torch::empty({xc.size(0), xc.size(1)}, torch::kUInt8);
  const float* v = xc.data_ptr<float>();
  std::uint8_t* out = codes.data_ptr<std::uint8_t>();
  std::uint8_t bad = 0;
  for (std::int64_t i = 0; i < positions; ++i) {
    const float* row = v + 4 * i;
    unsigned ones = 0, zeros = 0;
    for (unsigned ch = 0; ch < 4; ++ch) {
      ones |= static_cast<unsigned>(row[ch] == 1.0f) << ch;
      zeros |= static_cast<unsigned>(row[ch] == 0.0f) << ch;
    }
    out[i] = kCodeOfBits[ones];
    bad |= static_cast<std::uint8_t>((ones | zeros) != 15u) | static_cast<std::uint8_t>(out[i] == kNotOneHot);
  }
  if (bad) return std::nullopt;
  return codes;
}

torch::Tensor onehot_conv_relu_pool(const torch::Tensor& codes, const torch::Tensor& weight, const torch::Tensor& bias,
                                    std::int64_t pool) {
  TORCH_CHECK(pool >= 1 && pool <= 255, "onehot_conv_relu_pool: pool must be in [1, 255]");
  TORCH_CHECK(codes.size(1) / pool >= 1, "onehot_conv_relu_pool: sequences shorter than the pool");
  const torch::Tensor c = codes.contiguous();
  if (torch::GradMode::is_enabled() && (weight.requires_grad() || bias.requires_grad()))
    return OneHotConvFunction::apply(c, weight, bias, pool);
  return forward_batch(c, weight, bias, pool).first;
}

}  // namespace dnacnn

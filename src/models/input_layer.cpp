#include "models/input_layer.hpp"

#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <variant>
#include <vector>

#include "core/vec8.hpp"
#include "dnacnn/data/encode.hpp"

namespace dnacnn {
namespace {

// The sizes every kernel needs. Weights travel as wt [K][5][F]: row 4 (no base) is zeros, so N and
// the 'same' padding outside the sequence need no branch.
struct Shape {
  std::int64_t F, K, L, P, Q, pool, left;  // P conv outputs, Q = P / pool after pooling; `left` = padding before
  std::int64_t padded() const { return P + K - 1; }  // the codes one sample's windows read
};

Shape shape_for(std::int64_t filters, std::int64_t kernel, std::int64_t length, std::int64_t pool, InputPadding padding) {
  const bool same = padding == InputPadding::same;
  const std::int64_t positions = same ? length : length - kernel + 1;
  return {filters, kernel, length, positions, positions / pool, pool, same ? (kernel - 1) / 2 : 0};
}

// Base codes of one sample with its padding (code 4, 'same' only) on both sides.
void padded_codes(const std::uint8_t* codes, const Shape& s, std::uint8_t* out) {
  std::fill(out, out + s.padded(), kNoBase);
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

// weight (F, 4, K) -> [K][5][F] with a zero row for "no base".
torch::Tensor working_layout(const torch::Tensor& weight) {
  const torch::Tensor w = weight.detach().permute({2, 1, 0});
  return torch::cat({w, torch::zeros({w.size(0), 1, w.size(2)}, w.options())}, 1).contiguous();
}

// Forward for the whole batch: the output (N, F, Q) and each output's winning offset (N, Q, F).
std::pair<torch::Tensor, torch::Tensor> forward_batch(const torch::Tensor& codes, const torch::Tensor& weight,
                                                      const torch::Tensor& bias, std::int64_t pool, InputPadding padding) {
  const Shape s = shape_for(weight.size(0), weight.size(2), codes.size(1), pool, padding);
  const std::int64_t N = codes.size(0);
  const torch::Tensor wt = working_layout(weight);
  const torch::Tensor b = bias.detach().contiguous();
  torch::Tensor out = torch::empty({N, s.F, s.Q}, torch::kFloat32);
  torch::Tensor off = torch::empty({N, s.Q, s.F}, torch::kUInt8);
  const std::uint8_t* c = codes.data_ptr<std::uint8_t>();
  at::parallel_for(0, N, 16, [&](std::int64_t begin, std::int64_t end) {
    std::vector<std::uint8_t> cp(static_cast<std::size_t>(s.padded()));
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
                                                       std::int64_t K, std::int64_t pool, InputPadding padding) {
  const Shape s = shape_for(out.size(1), K, codes.size(1), pool, padding);
  const std::int64_t N = codes.size(0);
  constexpr std::int64_t kChunk = 8;
  const std::int64_t chunks = (N + kChunk - 1) / kChunk;
  const std::int64_t per_chunk = K * 5 * s.F + s.F;  // gwt then gb
  std::vector<float> partial(static_cast<std::size_t>(chunks * per_chunk), 0.0f);
  const torch::Tensor g = grad.contiguous();
  at::parallel_for(0, chunks, 1, [&](std::int64_t begin, std::int64_t end) {
    std::vector<std::uint8_t> cp(static_cast<std::size_t>(s.padded()));
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
                               const torch::Tensor& weight, const torch::Tensor& bias, std::int64_t pool,
                               std::int64_t padding) {
    auto [out, off] = forward_batch(codes, weight, bias, pool, static_cast<InputPadding>(padding));
    ctx->save_for_backward({codes, out, off});
    ctx->saved_data["kernel"] = weight.size(2);
    ctx->saved_data["pool"] = pool;
    ctx->saved_data["padding"] = padding;
    return out;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    auto [gw, gb] = backward_batch(grads[0], saved[0], saved[1], saved[2], ctx->saved_data["kernel"].toInt(),
                                    ctx->saved_data["pool"].toInt(),
                                    static_cast<InputPadding>(ctx->saved_data["padding"].toInt()));
    return {torch::Tensor(), gw, gb, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor onehot_conv_relu_pool(const torch::Tensor& codes, const torch::Tensor& weight, const torch::Tensor& bias,
                                    std::int64_t pool, InputPadding padding) {
  TORCH_CHECK(pool >= 1 && pool <= 255, "onehot_conv_relu_pool: pool must be in [1, 255]");
  TORCH_CHECK(codes.scalar_type() == torch::kUInt8 && codes.dim() == 2 && codes.device().is_cpu(),
              "onehot_conv_relu_pool: codes must be (N, L) uint8 on the CPU");
  TORCH_CHECK(shape_for(weight.size(0), weight.size(2), codes.size(1), pool, padding).Q >= 1,
              "onehot_conv_relu_pool: sequences shorter than the kernel and pool");
  const torch::Tensor c = codes.contiguous();
  if (torch::GradMode::is_enabled() && (weight.requires_grad() || bias.requires_grad()))
    return OneHotConvFunction::apply(c, weight, bias, pool, static_cast<std::int64_t>(padding));
  return forward_batch(c, weight, bias, pool, padding).first;
}

bool is_codes(const torch::Tensor& input) { return input.scalar_type() == torch::kUInt8; }

torch::Tensor onehot_of_codes(const torch::Tensor& codes) {
  return torch::one_hot(codes.to(torch::kLong), kNoBase + 1).narrow(2, 0, 4).to(torch::kFloat32);
}

namespace {

// The padding of a 4-channel, stride-1, undilated convolution that the gather kernel can compute.
std::optional<InputPadding> gather_padding(const torch::nn::Conv1dImpl& conv) {
  const auto& o = conv.options;
  if (o.in_channels() != 4 || (*o.stride())[0] != 1 || (*o.dilation())[0] != 1 || o.groups() != 1 || !o.bias())
    return std::nullopt;
  if (c10::holds_alternative<torch::enumtype::kSame>(o.padding())) return InputPadding::same;
  if (c10::holds_alternative<torch::enumtype::kValid>(o.padding())) return InputPadding::valid;
  const auto* explicit_pad = c10::get_if<torch::ExpandingArray<1>>(&o.padding());
  if (explicit_pad && (**explicit_pad)[0] == 0) return InputPadding::valid;
  return std::nullopt;
}

}  // namespace

torch::Tensor input_conv_relu_pool(const torch::Tensor& input, torch::nn::Conv1dImpl& conv, std::int64_t pool) {
  if (is_codes(input) && input.device().is_cpu() && pool <= 255)
    if (const std::optional<InputPadding> padding = gather_padding(conv))
      return onehot_conv_relu_pool(input, conv.weight, conv.bias, pool, *padding);
  const torch::Tensor onehot = is_codes(input) ? onehot_of_codes(input) : input;
  const torch::Tensor h = torch::relu(conv.forward(onehot.permute({0, 2, 1})));
  return pool > 1 ? torch::max_pool1d(h, pool) : h;
}

namespace {

// out[n][t] = bias[t] + sum over positions l of weight[t][4 l + code[n][l]] (nothing for N), and
// back: each row's output gradient added into the weight columns its bases chose. Plain loops: for
// the notebook's linear model LibTorch's embedding_bag backward cost 3.5x the whole step.
struct DenseGatherFunction : torch::autograd::Function<DenseGatherFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& codes,
                               const torch::Tensor& weight, const torch::Tensor& bias) {
    const std::int64_t N = codes.size(0), L = codes.size(1), T = weight.size(0);
    const torch::Tensor w = weight.detach().contiguous();
    torch::Tensor out = bias.detach().unsqueeze(0).repeat({N, 1}).contiguous();
    const std::uint8_t* c = codes.data_ptr<std::uint8_t>();
    const float* wp = w.data_ptr<float>();
    float* o = out.data_ptr<float>();
    // Threads only for work worth their start-up (the notebook's batches run inline).
    const std::int64_t grain = std::max<std::int64_t>(1, (std::int64_t{1} << 16) / std::max<std::int64_t>(1, L * T));
    at::parallel_for(0, N, grain, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t n = begin; n < end; ++n)
        for (std::int64_t t = 0; t < T; ++t) {
          float sum = o[n * T + t];
          for (std::int64_t l = 0; l < L; ++l)
            if (c[n * L + l] < kNoBase) sum += wp[t * 4 * L + 4 * l + c[n * L + l]];
          o[n * T + t] = sum;
        }
    });
    ctx->save_for_backward({codes});
    ctx->saved_data["targets"] = T;
    return out;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const torch::Tensor codes = ctx->get_saved_variables()[0];
    const std::int64_t N = codes.size(0), L = codes.size(1), T = ctx->saved_data["targets"].toInt();
    const torch::Tensor g = grads[0].contiguous();
    torch::Tensor gw = torch::zeros({T, 4 * L}, torch::kFloat32);
    const std::uint8_t* c = codes.data_ptr<std::uint8_t>();
    const float* gp = g.data_ptr<float>();
    float* gwp = gw.data_ptr<float>();
    const std::int64_t grain = std::max<std::int64_t>(1, (std::int64_t{1} << 16) / std::max<std::int64_t>(1, N * L));
    at::parallel_for(0, T, grain, [&](std::int64_t begin, std::int64_t end) {  // rows in order: deterministic
      for (std::int64_t t = begin; t < end; ++t)
        for (std::int64_t n = 0; n < N; ++n)
          for (std::int64_t l = 0; l < L; ++l)
            if (c[n * L + l] < kNoBase) gwp[t * 4 * L + 4 * l + c[n * L + l]] += gp[n * T + t];
    });
    return {torch::Tensor(), gw, g.sum(0)};
  }
};

}  // namespace

torch::Tensor input_dense(const torch::Tensor& input, torch::nn::LinearImpl& dense) {
  const std::int64_t n = input.size(0), length = input.size(1);
  if (!is_codes(input)) return dense.forward(input.reshape({n, 4 * length}));
  if (!input.device().is_cpu()) return dense.forward(onehot_of_codes(input).reshape({n, 4 * length}));
  return DenseGatherFunction::apply(input.contiguous(), dense.weight, dense.bias);
}

}  // namespace dnacnn

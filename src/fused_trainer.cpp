#include "fused_trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "adam_kernel.hpp"
#include "dnacnn/encode.hpp"
#include "dnacnn/error.hpp"
#include "vec8.hpp"

namespace dnacnn {

std::vector<std::uint8_t> base_codes(const std::vector<std::string>& seqs, const std::vector<std::int64_t>& rows) {
  std::vector<std::uint8_t> codes;
  for (auto r : rows)
    for (char c : seqs[static_cast<std::size_t>(r)]) codes.push_back(static_cast<std::uint8_t>(base_index(c)));
  return codes;
}

std::vector<std::uint8_t> with_reverse_complements(const std::vector<std::uint8_t>& codes, std::int64_t length) {
  std::vector<std::uint8_t> out(codes);
  out.resize(2 * codes.size());
  const auto L = static_cast<std::size_t>(length);
  for (std::size_t row = 0; row < codes.size() / L; ++row)
    for (std::size_t i = 0; i < L; ++i) {
      const std::uint8_t c = codes[row * L + L - 1 - i];
      out[codes.size() + row * L + i] = c < 4 ? static_cast<std::uint8_t>(3 - c) : c;
    }
  return out;
}

bool FusedTrainer::supports(const ModelConfig& config, const std::string& optimizer, const torch::Device& device) {
  return device.is_cpu() && (config.arch == "cnn" || config.arch == "linear") &&
         (optimizer == "sgd" || optimizer == "adam");
}

// By value: named_parameters() returns a temporary dict, so a reference into it would dangle
// (AddressSanitizer's heap-use-after-free in `make sanitize`).
static torch::Tensor parameter(torch::nn::Module& model, const std::string& name) {
  for (const auto& item : model.named_parameters(true))
    if (item.key() == name) return item.value();
  throw Error("fused trainer: model has no parameter '" + name + "'");
}

FusedTrainer::FusedTrainer(const ModelConfig& config, const std::string& optimizer, double lr, torch::nn::Module& model,
                           FusedLoss loss)
    : cnn_(config.arch == "cnn"),
      adam_(optimizer == "adam"),
      loss_(loss),
      lr_(lr),
      length_(config.length),
      targets_(static_cast<std::int64_t>(config.targets.size())) {
  const std::vector<std::string> names = cnn_ ? std::vector<std::string>{"conv.weight", "conv.bias", "linear.weight", "linear.bias"}
                                              : std::vector<std::string>{"lin.weight", "lin.bias"};
  if (cnn_) {
    const auto w = parameter(model, "conv.weight").sizes();
    filters_ = w[0];
    kernel_ = w[2];
    positions_ = length_ - kernel_ + 1;
    z_.resize(static_cast<std::size_t>(2 * positions_ * filters_));  // two samples' (cnn_batch_body)
    dz_.resize(z_.size());
  }
  for (const auto& name : names) {
    const torch::Tensor t = parameter(model, name).detach().contiguous();
    Param p;
    p.name = name;
    p.value.resize(static_cast<std::size_t>(t.numel()));
    from_torch_layout(p, t.data_ptr<float>());
    p.grad.assign(p.value.size(), 0.0f);
    if (adam_) {
      p.m.assign(p.value.size(), 0.0f);
      p.v.assign(p.value.size(), 0.0f);
    }
    params_.push_back(std::move(p));
  }
}

// Index of torch's element i in the working layout (only the two cnn weights differ).
void FusedTrainer::from_torch_layout(Param& p, const float* src) const {
  const auto F = filters_, P = positions_, K = kernel_;
  if (p.name == "conv.weight") {
    for (std::int64_t f = 0; f < F; ++f)
      for (std::int64_t c = 0; c < 4; ++c)
        for (std::int64_t j = 0; j < K; ++j) p.value[static_cast<std::size_t>((j * 4 + c) * F + f)] = src[(f * 4 + c) * K + j];
  } else if (p.name == "linear.weight") {
    for (std::int64_t t = 0; t < targets_; ++t)
      for (std::int64_t f = 0; f < F; ++f)
        for (std::int64_t q = 0; q < P; ++q)
          p.value[static_cast<std::size_t>(t * P * F + q * F + f)] = src[t * F * P + f * P + q];
  } else {
    std::memcpy(p.value.data(), src, p.value.size() * sizeof(float));
  }
}

std::vector<float> FusedTrainer::torch_layout(const Param& p) const {
  const auto F = filters_, P = positions_, K = kernel_;
  std::vector<float> out(p.value.size());
  const std::vector<float>& src = p.value;
  if (p.name == "conv.weight") {
    for (std::int64_t f = 0; f < F; ++f)
      for (std::int64_t c = 0; c < 4; ++c)
        for (std::int64_t j = 0; j < K; ++j) out[static_cast<std::size_t>((f * 4 + c) * K + j)] = src[(j * 4 + c) * F + f];
  } else if (p.name == "linear.weight") {
    for (std::int64_t t = 0; t < targets_; ++t)
      for (std::int64_t f = 0; f < F; ++f)
        for (std::int64_t q = 0; q < P; ++q)
          out[static_cast<std::size_t>(t * F * P + f * P + q)] = src[t * P * F + q * F + f];
  } else {
    out = src;
  }
  return out;
}

void FusedTrainer::write_back(torch::nn::Module& model) const {
  torch::NoGradGuard no_grad;
  for (const Param& p : params_) {
    const std::vector<float> values = torch_layout(p);
    torch::Tensor t = parameter(model, p.name);
    t.copy_(torch::from_blob(const_cast<float*>(values.data()), t.sizes(), torch::kFloat32));
  }
}

std::vector<io::NamedTensor> FusedTrainer::optimizer_state() const {
  std::vector<io::NamedTensor> out;
  if (!adam_) return out;
  for (const Param& p : params_) {
    out.push_back({p.name + ".m", {static_cast<std::int64_t>(p.m.size())}, p.m});
    out.push_back({p.name + ".v", {static_cast<std::int64_t>(p.v.size())}, p.v});
  }
  return out;
}

void FusedTrainer::restore_optimizer_state(const std::vector<io::NamedTensor>& state, long steps,
                                           const std::string& source) {
  steps_ = steps;
  if (!adam_) return;
  const auto take = [&](const std::string& name, std::vector<float>& into) {
    for (const auto& t : state)
      if (t.name == name) {
        if (t.values.size() != into.size()) throw Error("checkpoint tensor '" + name + "' has the wrong size", {source});
        into = t.values;
        return;
      }
    throw Error("checkpoint lacks optimiser state '" + name + "'", {source});
  };
  for (Param& p : params_) {
    take(p.name + ".m", p.m);
    take(p.name + ".v", p.v);
  }
}

namespace {
// The loss of one output and its derivative with respect to that output (before the batch mean).
inline __attribute__((always_inline)) float loss_gradient(float out, float y, const FusedLoss& loss, double& total) {
  if (!loss.bce) {
    const float err = out - y;
    total += static_cast<double>(err) * err;
    return 2.0f * err;
  }
  // -(p y log s(x) + (1 - y) log(1 - s(x))), with log s(x) = -softplus(-x) computed stably.
  const double x = out, p = loss.pos_weight;
  const double softplus_neg = std::max(-x, 0.0) + std::log1p(std::exp(-std::fabs(x)));  // -log s(x)
  total += p * y * softplus_neg + (1 - y) * (softplus_neg + x);                          // -log(1-s(x)) = softplus(x)
  const float s = 1.0f / (1.0f + std::exp(-out));
  return (loss.pos_weight * y + 1.0f - y) * s - loss.pos_weight * y;
}

// Position p's pre-activations, in registers: the conv bias plus the filter column of each base
// under the kernel (N adds nothing).
template <std::int64_t FC>
inline __attribute__((always_inline)) void position_sums(const CnnArrays& a, const std::uint8_t* __restrict code,
                                                         std::int64_t p, std::int64_t K, Vec8 (&zp)[FC / 8]) {
  for (std::int64_t v = 0; v < FC / 8; ++v) zp[v] = load8(a.bc + 8 * v);
  for (std::int64_t j = 0; j < K; ++j) {
    const std::uint8_t c = code[p + j];
    if (c > 3) continue;
    const float* w = a.W + (j * 4 + c) * FC;
    for (std::int64_t v = 0; v < FC / 8; ++v) zp[v] += load8(w + 8 * v);
  }
}

// Convolution on one-hot input = sum of the filter columns of the bases present; then ReLU.
// z receives positions x filters hidden activations.
template <std::int64_t FC>
inline __attribute__((always_inline)) void cnn_hidden(const CnnArrays& a, const std::uint8_t* __restrict code,
                                                      std::int64_t F_runtime, std::int64_t P, std::int64_t K) {
  const std::int64_t F = FC ? FC : F_runtime;  // a compile-time width lets GCC unroll fully
  float* __restrict z = a.z;
  if constexpr (FC > 0 && FC % 8 == 0) {  // one position's sums stay in registers across the taps
    constexpr std::int64_t V = FC / 8;
    for (std::int64_t p = 0; p < P; ++p) {
      Vec8 zp[V];
      position_sums<FC>(a, code, p, K, zp);
      for (std::int64_t v = 0; v < V; ++v) store8(z + p * FC + 8 * v, relu8(zp[v]));
    }
    return;
  }
  for (std::int64_t p = 0; p < P; ++p) {
    float* __restrict zp = z + p * F;
    for (std::int64_t f = 0; f < F; ++f) zp[f] = a.bc[f];
    for (std::int64_t j = 0; j < K; ++j) {
      const std::uint8_t c = code[p + j];
      if (c > 3) continue;
      const float* __restrict w = a.W + (j * 4 + c) * F;
      for (std::int64_t f = 0; f < F; ++f) zp[f] += w[f];
    }
    for (std::int64_t f = 0; f < F; ++f) zp[f] = zp[f] > 0.0f ? zp[f] : 0.0f;
  }
}

// A dot product in 8 independent lanes: a single running sum is one long chain of dependent adds
// (the compiler may not reorder float sums), which made it the slowest loop of the whole step.
inline __attribute__((always_inline)) float cnn_output(const CnnArrays& a, std::int64_t t, std::int64_t PF) {
  const float* __restrict v = a.V + t * PF;
  float lanes[8] = {};
  std::int64_t i = 0;
  for (; i + 8 <= PF; i += 8)
    for (int l = 0; l < 8; ++l) lanes[l] += v[i + l] * a.z[i + l];
  for (; i < PF; ++i) lanes[i % 8] += v[i] * a.z[i];
  float out = a.bl[t];
  for (float l : lanes) out += l;
  return out;
}

// cnn_hidden, then cnn_output of target 0, with the dot product taken while each position's
// activations are still in registers. The same operations in the same order: the same bits.
template <std::int64_t FC>
inline __attribute__((always_inline)) float cnn_hidden_and_output(const CnnArrays& a, float* __restrict z,
                                                                  const std::uint8_t* __restrict code, std::int64_t P,
                                                                  std::int64_t K) {
  constexpr std::int64_t V = FC / 8;
  Vec8 lanes{};
  for (std::int64_t p = 0; p < P; ++p) {
    Vec8 zp[V];
    position_sums<FC>(a, code, p, K, zp);
    for (std::int64_t v = 0; v < V; ++v) {
      zp[v] = relu8(zp[v]);
      store8(z + p * FC + 8 * v, zp[v]);
      lanes += load8(a.V + p * FC + 8 * v) * zp[v];
    }
  }
  float out = a.bl[0];
  for (int l = 0; l < 8; ++l) out += lanes[l];
  return out;
}

// The backward pass of one sample with one target (output gradient d, activations z), a position
// at a time with its gradient in registers; the bias gradient is added position after position.
template <std::int64_t FC>
inline __attribute__((always_inline)) void cnn_single_backward(const CnnArrays& a, const float* __restrict z,
                                                               const std::uint8_t* __restrict code, std::int64_t P,
                                                               std::int64_t K, float d) {
  constexpr std::int64_t V = FC / 8;
  Vec8 gbc[V];
  for (std::int64_t v = 0; v < V; ++v) gbc[v] = load8(a.gbc + 8 * v);
  for (std::int64_t p = 0; p < P; ++p) {
    Vec8 dzp[V];
    for (std::int64_t v = 0; v < V; ++v) {
      const std::int64_t i = p * FC + 8 * v;
      const Vec8 zv = load8(z + i);
      store8(a.gV + i, load8(a.gV + i) + d * zv);
      dzp[v] = where_active8(zv, d * load8(a.V + i));
      gbc[v] += dzp[v];
    }
    for (std::int64_t j = 0; j < K; ++j) {
      const std::uint8_t c = code[p + j];
      if (c > 3) continue;
      float* gw = a.gW + (j * 4 + c) * FC;
      for (std::int64_t v = 0; v < V; ++v) store8(gw + 8 * v, load8(gw + 8 * v) + dzp[v]);
    }
  }
  for (std::int64_t v = 0; v < V; ++v) store8(a.gbc + 8 * v, gbc[v]);
}

// The output layer's backward pass for several targets: gradients of V and bl, and dz (masked
// by the ReLU) from every target's error.
inline __attribute__((always_inline)) void cnn_multi_target_backward(const CnnArrays& a,
                                                                     const float* __restrict target, std::int64_t PF,
                                                                     std::int64_t T, float scale, const FusedLoss& loss,
                                                                     double& sse) {
  const float* __restrict z = a.z;
  float* __restrict dz = a.dz;
  for (std::int64_t i = 0; i < PF; ++i) dz[i] = 0.0f;
  for (std::int64_t t = 0; t < T; ++t) {
    const float d = loss_gradient(cnn_output(a, t, PF), target[t], loss, sse) * scale;
    a.gbl[t] += d;
    const float* __restrict v = a.V + t * PF;
    float* __restrict gv = a.gV + t * PF;
    for (std::int64_t i = 0; i < PF; ++i) gv[i] += d * z[i];
    for (std::int64_t i = 0; i < PF; ++i) dz[i] += d * v[i];
  }
  for (std::int64_t i = 0; i < PF; ++i) dz[i] = where_active(z[i], dz[i]);
}

// One sample's forward and backward pass, gradients added into a.g*.
template <std::int64_t FC>
inline __attribute__((always_inline)) void cnn_sample_body(const CnnArrays& a, const std::uint8_t* __restrict code,
                                                           const float* __restrict target, std::int64_t F_runtime,
                                                           std::int64_t P, std::int64_t K, std::int64_t T, float scale,
                                                           const FusedLoss& loss, double& sse) {
  const std::int64_t F = FC ? FC : F_runtime;
  const std::int64_t PF = P * F;
  float* __restrict z = a.z;
  float* __restrict dz = a.dz;
  if constexpr (FC > 0 && FC % 8 == 0) {
    if (T == 1) {
      const float d = loss_gradient(cnn_hidden_and_output<FC>(a, z, code, P, K), target[0], loss, sse) * scale;
      a.gbl[0] += d;
      cnn_single_backward<FC>(a, z, code, P, K, d);
      return;
    }
  }
  cnn_hidden<FC>(a, code, F, P, K);
  if (T == 1) {  // one pass: the output's gradient goes straight into dz, masked by the ReLU
    const float d = loss_gradient(cnn_output(a, 0, PF), target[0], loss, sse) * scale;
    a.gbl[0] += d;
    const float* __restrict v = a.V;
    float* __restrict gv = a.gV;
    for (std::int64_t i = 0; i < PF; ++i) {
      gv[i] += d * z[i];
      dz[i] = where_active(z[i], d * v[i]);
    }
  } else {
    cnn_multi_target_backward(a, target, PF, T, scale, loss, sse);
  }
  if constexpr (FC > 0 && FC % 8 == 0) {  // one position's gradient stays in registers across the taps
    constexpr std::int64_t V = FC / 8;
    for (std::int64_t p = 0; p < P; ++p) {
      Vec8 dzp[V];
      for (std::int64_t v = 0; v < V; ++v) {
        dzp[v] = load8(dz + p * FC + 8 * v);
        store8(a.gbc + 8 * v, load8(a.gbc + 8 * v) + dzp[v]);
      }
      for (std::int64_t j = 0; j < K; ++j) {
        const std::uint8_t c = code[p + j];
        if (c > 3) continue;
        float* gw = a.gW + (j * 4 + c) * FC;
        for (std::int64_t v = 0; v < V; ++v) store8(gw + 8 * v, load8(gw + 8 * v) + dzp[v]);
      }
    }
    return;
  }
  for (std::int64_t p = 0; p < P; ++p) {
    const float* __restrict dzp = dz + p * F;
    for (std::int64_t f = 0; f < F; ++f) a.gbc[f] += dzp[f];
    for (std::int64_t j = 0; j < K; ++j) {
      const std::uint8_t c = code[p + j];
      if (c > 3) continue;
      float* __restrict gw = a.gW + (j * 4 + c) * F;
      for (std::int64_t f = 0; f < F; ++f) gw[f] += dzp[f];
    }
  }
}

// A batch's forward and backward passes, one sample after another, gradients added into a.g*.
// Built for AVX2 as well as the baseline ISA; the loader picks the best the CPU has.
template <std::int64_t FC>
inline __attribute__((always_inline)) void cnn_batch_body(const CnnArrays& a, const std::uint8_t* __restrict codes,
                                                          const float* __restrict targets,
                                                          const std::int64_t* __restrict rows, std::int64_t batch,
                                                          std::int64_t length, std::int64_t F, std::int64_t P,
                                                          std::int64_t K, std::int64_t T, float scale,
                                                          const FusedLoss& loss, double& sse) {
  // Local copies: stores through the gradient pointers could alias the caller's struct, so reading
  // it made GCC reload a pointer after every store; these stay in registers.
  const CnnArrays local = a;
  const FusedLoss local_loss = loss;
  double local_sse = 0;
  std::int64_t i = 0;
  if constexpr (FC > 0 && FC % 8 == 0) {
    // Two samples' forward passes, then their backward passes in order: each forward pass is a
    // chain of dependent adds (its dot product), and two independent chains keep the core busy.
    // Gradients are added in the same order as one sample at a time: the same bits.
    float* __restrict z0 = local.z;
    float* __restrict z1 = local.z + P * FC;
    for (; T == 1 && i + 1 < batch; i += 2) {
      const std::int64_t r0 = rows ? rows[i] : i, r1 = rows ? rows[i + 1] : i + 1;
      if (rows && i + 3 < batch) {
        __builtin_prefetch(codes + rows[i + 2] * length);
        __builtin_prefetch(codes + rows[i + 3] * length);
      }
      const std::uint8_t* code0 = codes + r0 * length;
      const std::uint8_t* code1 = codes + r1 * length;
      const float out0 = cnn_hidden_and_output<FC>(local, z0, code0, P, K);
      const float out1 = cnn_hidden_and_output<FC>(local, z1, code1, P, K);
      const float d0 = loss_gradient(out0, targets[r0], local_loss, local_sse) * scale;
      local.gbl[0] += d0;
      cnn_single_backward<FC>(local, z0, code0, P, K, d0);
      const float d1 = loss_gradient(out1, targets[r1], local_loss, local_sse) * scale;
      local.gbl[0] += d1;
      cnn_single_backward<FC>(local, z1, code1, P, K, d1);
    }
  }
  for (; i < batch; ++i) {
    const std::int64_t r = rows ? rows[i] : i;
    // Rows come in shuffled order: fetch the next one's bases while this one computes.
    if (rows && i + 1 < batch) __builtin_prefetch(codes + rows[i + 1] * length);
    cnn_sample_body<FC>(local, codes + r * length, targets + r * T, F, P, K, T, scale, local_loss, local_sse);
  }
  sse += local_sse;
}

__attribute__((target_clones("avx2", "default"))) void cnn_batch_kernel(
    const CnnArrays& a, const std::uint8_t* __restrict codes, const float* __restrict targets,
    const std::int64_t* __restrict rows, std::int64_t batch, std::int64_t length, std::int64_t F, std::int64_t P,
    std::int64_t K, std::int64_t T, float scale, const FusedLoss& loss, double& sse) {
  switch (F) {
    case 16: return cnn_batch_body<16>(a, codes, targets, rows, batch, length, F, P, K, T, scale, loss, sse);
    case 32: return cnn_batch_body<32>(a, codes, targets, rows, batch, length, F, P, K, T, scale, loss, sse);
    case 64: return cnn_batch_body<64>(a, codes, targets, rows, batch, length, F, P, K, T, scale, loss, sse);
    default: return cnn_batch_body<0>(a, codes, targets, rows, batch, length, F, P, K, T, scale, loss, sse);
  }
}

// Outputs of `rows` consecutive rows of codes into out (rows x T).
template <std::int64_t FC>
inline __attribute__((always_inline)) void cnn_predict_body(const CnnArrays& a, const std::uint8_t* __restrict codes,
                                                            std::int64_t rows, std::int64_t length,
                                                            float* __restrict out, std::int64_t F, std::int64_t P,
                                                            std::int64_t K, std::int64_t T) {
  const CnnArrays local = a;  // see cnn_batch_body
  for (std::int64_t r = 0; r < rows; ++r) {
    cnn_hidden<FC>(local, codes + r * length, F, P, K);
    for (std::int64_t t = 0; t < T; ++t) out[r * T + t] = cnn_output(local, t, P * F);
  }
}

__attribute__((target_clones("avx2", "default"))) void cnn_predict_kernel(const CnnArrays& a,
                                                                        const std::uint8_t* __restrict codes,
                                                                        std::int64_t rows, std::int64_t length,
                                                                        float* __restrict out, std::int64_t F,
                                                                        std::int64_t P, std::int64_t K, std::int64_t T) {
  switch (F) {  // the same compile-time widths as training: validation runs every epoch
    case 16: return cnn_predict_body<16>(a, codes, rows, length, out, F, P, K, T);
    case 32: return cnn_predict_body<32>(a, codes, rows, length, out, F, P, K, T);
    case 64: return cnn_predict_body<64>(a, codes, rows, length, out, F, P, K, T);
    default: return cnn_predict_body<0>(a, codes, rows, length, out, F, P, K, T);
  }
}

}  // namespace

CnnArrays FusedTrainer::arrays() {
  return {params_[0].value.data(), params_[1].value.data(), params_[2].value.data(), params_[3].value.data(),
          params_[0].grad.data(),  params_[1].grad.data(),  params_[2].grad.data(),  params_[3].grad.data(),
          z_.data(),               dz_.data()};
}

void FusedTrainer::linear_sample(const std::uint8_t* code, const float* target, float scale, double& sse) {
  const std::int64_t row = 4 * length_;
  for (std::int64_t t = 0; t < targets_; ++t) {
    const float* w = params_[0].value.data() + t * row;
    float out = params_[1].value[static_cast<std::size_t>(t)];
    for (std::int64_t p = 0; p < length_; ++p)
      if (code[p] < 4) out += w[p * 4 + code[p]];
    const float d = loss_gradient(out, target[t], loss_, sse) * scale;
    params_[1].grad[static_cast<std::size_t>(t)] += d;
    float* g = params_[0].grad.data() + t * row;
    for (std::int64_t p = 0; p < length_; ++p)
      if (code[p] < 4) g[p * 4 + code[p]] += d;
  }
}

void FusedTrainer::accumulate_gradients(const std::uint8_t* codes, const float* targets, const std::int64_t* rows,
                                        std::int64_t batch, double& sse) {
  for (Param& p : params_) std::fill(p.grad.begin(), p.grad.end(), 0.0f);
  const float scale = 1.0f / static_cast<float>(batch * targets_);  // the loss is a mean over every output
  if (cnn_) {
    cnn_batch_kernel(arrays(), codes, targets, rows, batch, length_, filters_, positions_, kernel_, targets_, scale,
                     loss_, sse);
    return;
  }
  for (std::int64_t i = 0; i < batch; ++i) {
    const std::int64_t r = rows ? rows[i] : i;
    if (rows && i + 1 < batch) __builtin_prefetch(codes + rows[i + 1] * length_);
    linear_sample(codes + r * length_, targets + r * targets_, scale, sse);
  }
}

void FusedTrainer::update() {
  ++steps_;
  if (!adam_) {
    const float lr = static_cast<float>(lr_);
    for (Param& p : params_)
      for (std::size_t i = 0; i < p.value.size(); ++i) p.value[i] -= lr * p.grad[i];
    return;
  }
  constexpr double beta1 = 0.9, beta2 = 0.999;  // as in adam_kernel
  const double bias1 = 1 - std::pow(beta1, static_cast<double>(steps_));
  const double bias2 = 1 - std::pow(beta2, static_cast<double>(steps_));
  const float step_size = static_cast<float>(lr_ / bias1);
  const float bias2_sqrt = static_cast<float>(std::sqrt(bias2));
  for (Param& p : params_)
    adam_kernel(p.value.data(), p.grad.data(), p.m.data(), p.v.data(), p.value.size(), step_size, bias2_sqrt);
}

double FusedTrainer::step(const std::uint8_t* codes, const float* targets, const std::int64_t* rows, std::int64_t batch) {
  double sse = 0;
  accumulate_gradients(codes, targets, rows, batch, sse);
  update();
  return sse;
}

double FusedTrainer::sum_loss(const std::uint8_t* codes, const float* targets, std::int64_t rows) {
  constexpr std::int64_t kChunk = 256;  // rows predicted per kernel call
  std::vector<float> out(static_cast<std::size_t>(kChunk * targets_));
  double total = 0;
  for (std::int64_t start = 0; start < rows; start += kChunk) {
    const std::int64_t n = std::min(kChunk, rows - start);
    predict_rows(codes + start * length_, n, out.data());
    for (std::int64_t i = 0; i < n * targets_; ++i)
      loss_gradient(out[static_cast<std::size_t>(i)], targets[start * targets_ + i], loss_, total);
  }
  return total;
}

void FusedTrainer::predict_rows(const std::uint8_t* codes, std::int64_t rows, float* out) {
  if (cnn_) {
    cnn_predict_kernel(arrays(), codes, rows, length_, out, filters_, positions_, kernel_, targets_);
    return;
  }
  for (std::int64_t r = 0; r < rows; ++r) predict_one(codes + r * length_, out + r * targets_);
}

void FusedTrainer::predict_one(const std::uint8_t* code, float* out) {
  if (cnn_) {
    predict_rows(code, 1, out);
    return;
  }
  for (std::int64_t t = 0; t < targets_; ++t) {
    const float* w = params_[0].value.data() + t * 4 * length_;
    float v = params_[1].value[static_cast<std::size_t>(t)];
    for (std::int64_t p = 0; p < length_; ++p)
      if (code[p] < 4) v += w[p * 4 + code[p]];
    out[t] = v;
  }
}

std::vector<std::pair<std::string, std::vector<float>>> FusedTrainer::gradients(const std::uint8_t* codes,
                                                                                const float* targets,
                                                                                std::int64_t batch) {
  double sse = 0;
  accumulate_gradients(codes, targets, nullptr, batch, sse);
  std::vector<std::pair<std::string, std::vector<float>>> out;
  for (const Param& p : params_) {
    Param g = p;
    g.value = p.grad;
    out.emplace_back(p.name, torch_layout(g));
  }
  return out;
}

}  // namespace dnacnn

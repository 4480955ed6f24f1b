#include "interpret/deeplift_rules.hpp"

#include <ATen/ExpandUtils.h>

#include <numbers>

namespace dnacnn {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

torch::Tensor evaluate(const torch::Tensor& u, Elementwise f) {
  switch (f) {
    case Elementwise::relu: return torch::relu(u);
    case Elementwise::gelu: return torch::gelu(u);
    case Elementwise::softplus: return torch::softplus(u);
    case Elementwise::exp: return torch::exp(u);
    case Elementwise::sigmoid: return torch::sigmoid(u);
    case Elementwise::tanh: return torch::tanh(u);
    case Elementwise::square: return u * u;
    case Elementwise::rsqrt: return torch::rsqrt(u);
  }
  return u;
}

torch::Tensor derivative(const torch::Tensor& u, Elementwise f) {
  switch (f) {
    case Elementwise::relu: return (u > 0).to(u.scalar_type());
    case Elementwise::gelu: {  // exact (erf) GELU, as torch::gelu computes it
      const double inv_sqrt2 = 1 / std::numbers::sqrt2, inv_sqrt_2pi = std::numbers::inv_sqrtpi * inv_sqrt2;
      const torch::Tensor cdf = 0.5 * (1 + torch::erf(u * inv_sqrt2));
      return cdf + u * torch::exp(-0.5 * u * u) * inv_sqrt_2pi;
    }
    case Elementwise::softplus: return torch::sigmoid(u);
    case Elementwise::exp: return torch::exp(u);
    case Elementwise::sigmoid: {
      const torch::Tensor s = torch::sigmoid(u);
      return s * (1 - s);
    }
    case Elementwise::tanh: {
      const torch::Tensor t = torch::tanh(u);
      return 1 - t * t;
    }
    case Elementwise::square: return 2 * u;
    case Elementwise::rsqrt: return -0.5 * torch::rsqrt(u) / u;
  }
  return torch::ones_like(u);
}

// The first and second halves of the rows.
std::pair<torch::Tensor, torch::Tensor> halves(const torch::Tensor& t) {
  const std::int64_t n = t.size(0) / 2;
  return {t.narrow(0, 0, n), t.narrow(0, n, n)};
}

torch::Tensor both_halves(const torch::Tensor& input_half) { return torch::cat({input_half, input_half}, 0); }

struct RescaleFunction : torch::autograd::Function<RescaleFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& u, std::int64_t f) {
    torch::Tensor y = evaluate(u, static_cast<Elementwise>(f));
    ctx->save_for_backward({u, y});
    ctx->saved_data["f"] = f;
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto [ux, ur] = halves(saved[0]);
    const auto [yx, yr] = halves(saved[1]);
    const torch::Tensor du = ux - ur;
    const torch::Tensor near = du.abs() < 1e-6;
    const torch::Tensor slope = torch::where(near, derivative(ux, static_cast<Elementwise>(ctx->saved_data["f"].toInt())),
                                             (yx - yr) / torch::where(near, torch::ones_like(du), du));
    return {both_halves(halves(grads[0]).first * slope), torch::Tensor()};
  }
};

struct PairedMaxFunction : torch::autograd::Function<PairedMaxFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& u) {
    auto [y, index] = u.max(-1);
    ctx->save_for_backward({u, y, index});
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto [ux, ur] = halves(saved[0]);
    const auto [yx, yr] = halves(saved[1]);
    const auto [ix, ir] = halves(saved[2]);
    const torch::Tensor g = halves(grads[0]).first;
    const torch::Tensor m = torch::maximum(yx, yr);
    torch::Tensor share = torch::zeros_like(ux);
    share.scatter_add_(-1, ix.unsqueeze(-1), (g * (m - yr)).unsqueeze(-1));
    share.scatter_add_(-1, ir.unsqueeze(-1), (g * (yx - m)).unsqueeze(-1));
    const torch::Tensor du = ux - ur;
    const torch::Tensor near = du.abs() < 1e-7;  // there the share is 0 too (see the header)
    return {both_halves(torch::where(near, torch::zeros_like(du), share / torch::where(near, torch::ones_like(du), du)))};
  }
};

struct PairedProductFunction : torch::autograd::Function<PairedProductFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& a, const torch::Tensor& b) {
    ctx->save_for_backward({a, b});
    return a * b;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto [ax, ar] = halves(saved[0]);
    const auto [bx, br] = halves(saved[1]);
    const torch::Tensor g = halves(grads[0]).first;
    const torch::Tensor ga = g * (bx + br) * 0.5, gb = g * (ax + ar) * 0.5;
    return {both_halves(at::sum_to(ga, ax.sizes())), both_halves(at::sum_to(gb, bx.sizes()))};
  }
};

}  // namespace

torch::Tensor rescale(const torch::Tensor& u, Elementwise f) { return RescaleFunction::apply(u, static_cast<std::int64_t>(f)); }

torch::Tensor paired_max(const torch::Tensor& u) { return PairedMaxFunction::apply(u.contiguous()); }

torch::Tensor paired_product(const torch::Tensor& a, const torch::Tensor& b) { return PairedProductFunction::apply(a, b); }

}  // namespace dnacnn

#include "interpret/fast_ism.hpp"

#include <algorithm>

#include "dnacnn/data/encode.hpp"

namespace dnacnn {
namespace {

// A batch of mutants' activations at one layer: the unmutated sequence's (ref, (1, C, L)) except
// on [start[b], start[b] + width) where mutant b has values[b] (B, C, width).
struct Patched {
  torch::Tensor ref;
  torch::Tensor start;  // (B) int64
  std::int64_t width = 0;
  torch::Tensor values;
};

// The mutants' activations on [first[b], first[b] + width), zeros outside [0, L) (convolution padding).
torch::Tensor window_of(const Patched& p, const torch::Tensor& first, std::int64_t width) {
  const std::int64_t length = p.ref.size(2), batch = first.size(0);
  const torch::Tensor pos = first.unsqueeze(1) + torch::arange(width, first.options()).unsqueeze(0);  // (B, W)
  const torch::Tensor inside_ref = (pos >= 0) & (pos < length);
  const torch::Tensor ref_rows = p.ref[0].index_select(1, pos.clamp(0, length - 1).flatten());  // (C, B W)
  const std::int64_t channels = ref_rows.size(0);
  torch::Tensor base = ref_rows.view({channels, batch, width}).permute({1, 0, 2});
  base = base * inside_ref.unsqueeze(1).to(base.scalar_type());
  const torch::Tensor rel = pos - p.start.unsqueeze(1);
  const torch::Tensor mutated = (rel >= 0) & (rel < p.width);
  const torch::Tensor index = rel.clamp(0, p.width - 1).unsqueeze(1).expand({batch, channels, width});
  return torch::where(mutated.unsqueeze(1), p.values.gather(2, index), base);
}

Patched step(const ProgramLayer& l, const Patched& in);

Patched step_all(const std::vector<ProgramLayer>& layers, Patched p) {
  for (const ProgramLayer& l : layers) p = step(l, p);
  return p;
}

// The smallest common window holding every part's changed stretch, within [0, length).
std::pair<torch::Tensor, std::int64_t> union_window(const std::vector<const Patched*>& parts, std::int64_t length) {
  torch::Tensor lo = parts[0]->start, hi = parts[0]->start + parts[0]->width;
  for (const Patched* p : parts) {
    lo = torch::minimum(lo, p->start);
    hi = torch::maximum(hi, p->start + p->width);
  }
  const std::int64_t width = std::min(length, (hi - lo).max().item<std::int64_t>());
  return {lo.clamp(0, length - width), width};
}

Patched step_conv(const ProgramLayer& l, const Patched& in) {
  const torch::Tensor ref = run_layer(l, in.ref, LayerMode::plain);
  const std::int64_t out_length = ref.size(2), span = l.spec.dilation * (l.spec.kernel - 1);
  const std::int64_t left = l.spec.padding == ConvPadding::same ? same_left_padding(l.spec) : 0;
  const std::int64_t width = std::min(in.width + span, out_length);
  const torch::Tensor first = (in.start + left - span).clamp(0, out_length - width);
  const torch::Tensor slab = window_of(in, first - left, width + span);
  return {ref, first, width, torch::conv1d(slab, l.weight, l.bias, torch::IntArrayRef{1}, torch::IntArrayRef{0}, torch::IntArrayRef{l.spec.dilation})};
}

Patched step_pool(const ProgramLayer& l, const Patched& in) {
  const torch::Tensor ref = run_layer(l, in.ref, LayerMode::plain);
  const std::int64_t out_length = ref.size(2), size = l.spec.size, stride = l.spec.pool_stride();
  const std::int64_t width = std::min(out_length, (in.width + size - 1 + stride - 1) / stride);
  const torch::Tensor first = torch::div(torch::clamp_min(in.start - size + 1, 0) + stride - 1, stride, "floor")
                                  .clamp(0, out_length - width);
  const torch::Tensor slab = window_of(in, first * stride, (width - 1) * stride + size);
  return {ref, first, width, run_layer(l, slab, LayerMode::plain)};
}

Patched step_residual(const ProgramLayer& l, const Patched& in) {
  const Patched block = step_all(l.blocks[0], in);
  const std::int64_t out_length = block.ref.size(2), crop = (in.ref.size(2) - out_length) / 2;
  const Patched skip{in.ref.narrow(2, crop, out_length), in.start - crop, in.width, in.values};
  const auto [first, width] = union_window({&skip, &block}, out_length);
  return {skip.ref + block.ref, first, width, window_of(skip, first, width) + window_of(block, first, width)};
}

Patched step_concat(const ProgramLayer& l, const Patched& in) {
  std::vector<Patched> branches;
  for (const auto& branch : l.blocks) branches.push_back(step_all(branch, in));
  std::vector<const Patched*> parts;
  for (const Patched& b : branches) parts.push_back(&b);
  const auto [first, width] = union_window(parts, branches[0].ref.size(2));
  std::vector<torch::Tensor> refs, values;
  for (const Patched& b : branches) {
    refs.push_back(b.ref);
    values.push_back(window_of(b, first, width));
  }
  return {torch::cat(refs, 1), first, width, torch::cat(values, 1)};
}

Patched step(const ProgramLayer& l, const Patched& in) {
  switch (l.spec.kind) {
    case LayerKind::conv1d: return step_conv(l, in);
    case LayerKind::maxpool:
    case LayerKind::avgpool: return step_pool(l, in);
    case LayerKind::residual: return step_residual(l, in);
    case LayerKind::concat: return step_concat(l, in);
    default:  // per position: the same window
      return {run_layer(l, in.ref, LayerMode::plain), in.start, in.width, run_layer(l, in.values, LayerMode::plain)};
  }
}

// The remaining layers (from `next`) on the patched activation: (B, targets).
torch::Tensor finish(const std::vector<ProgramLayer>& layers, std::size_t next, const Patched& p) {
  const std::int64_t batch = p.start.size(0);
  if (next + 1 < layers.size() && layers[next].spec.kind == LayerKind::flatten &&
      (layers[next + 1].spec.kind == LayerKind::dense || layers[next + 1].spec.kind == LayerKind::output)) {
    // flatten + dense is linear: the reference's output plus the dense weights of the changed window
    // times the change.
    const ProgramLayer& dense = layers[next + 1];
    const std::int64_t channels = p.ref.size(1), length = p.ref.size(2), units = dense.weight.size(0);
    const torch::Tensor ref_out = torch::linear(p.ref.flatten(1), dense.weight, dense.bias);  // (1, U)
    const torch::Tensor pos = p.start.unsqueeze(1) + torch::arange(p.width, p.start.options()).unsqueeze(0);
    const torch::Tensor ref_window = p.ref[0].index_select(1, pos.flatten()).view({channels, batch, p.width});
    const torch::Tensor change = p.values - ref_window.permute({1, 0, 2});  // (B, C, W)
    const torch::Tensor w = dense.weight.view({units, channels, length}).index_select(2, pos.flatten())
                                .view({units, channels, batch, p.width});
    const torch::Tensor out = ref_out + torch::einsum("bcw,ucbw->bu", {change, w});
    return run_layers(std::vector<ProgramLayer>(layers.begin() + static_cast<std::ptrdiff_t>(next + 2), layers.end()), out,
                      LayerMode::plain);
  }
  // The whole activation: the reference's, copied once per mutant, with the window written in.
  const std::int64_t channels = p.ref.size(1);
  torch::Tensor full = p.ref.expand({batch, channels, p.ref.size(2)}).contiguous();
  const torch::Tensor pos = p.start.unsqueeze(1) + torch::arange(p.width, p.start.options()).unsqueeze(0);
  full.scatter_(2, pos.unsqueeze(1).expand({batch, channels, p.width}), p.values);
  return run_layers(std::vector<ProgramLayer>(layers.begin() + static_cast<std::ptrdiff_t>(next), layers.end()), full,
                    LayerMode::plain);
}

torch::Tensor onehot(const std::vector<std::uint8_t>& codes) {
  torch::Tensor x = torch::zeros({1, kChannels, static_cast<std::int64_t>(codes.size())});
  auto a = x.accessor<float, 3>();
  for (std::size_t i = 0; i < codes.size(); ++i)
    if (codes[i] < kChannels) a[0][codes[i]][static_cast<std::int64_t>(i)] = 1;
  return x;
}

}  // namespace

std::size_t local_prefix(const LayerProgram& program) {
  std::size_t k = 0;
  while (k < program.layers.size() && is_local(program.layers[k])) ++k;
  return k;
}

std::pair<std::vector<float>, float> fast_ism_outputs(const LayerProgram& program, const std::vector<std::uint8_t>& codes,
                                                      const std::vector<std::pair<std::int64_t, int>>& mutants,
                                                      std::size_t target) {
  torch::InferenceMode inference;
  const std::size_t local = local_prefix(program);
  const std::vector<ProgramLayer> prefix(program.layers.begin(), program.layers.begin() + static_cast<std::ptrdiff_t>(local));
  const torch::Tensor x = onehot(codes).to(program.device);
  const torch::Tensor at_boundary = run_layers(prefix, x, LayerMode::plain);
  const float reference = run_layers(std::vector<ProgramLayer>(program.layers.begin() + static_cast<std::ptrdiff_t>(local),
                                                               program.layers.end()),
                                     at_boundary, LayerMode::plain)[0][static_cast<std::int64_t>(target)]
                              .item<float>();
  // Mutants per pass: the completed activations at the boundary stay around 32 MB.
  const std::int64_t batch = std::clamp<std::int64_t>((std::int64_t{1} << 23) / std::max<std::int64_t>(1, at_boundary.numel()),
                                                      16, 1024);
  std::vector<float> out;
  out.reserve(mutants.size());
  for (std::size_t first = 0; first < mutants.size(); first += static_cast<std::size_t>(batch)) {
    const std::size_t n = std::min(mutants.size() - first, static_cast<std::size_t>(batch));
    torch::Tensor start = torch::empty({static_cast<std::int64_t>(n)}, torch::kInt64);
    torch::Tensor values = torch::zeros({static_cast<std::int64_t>(n), kChannels, 1});
    auto s = start.accessor<std::int64_t, 1>();
    auto v = values.accessor<float, 3>();
    for (std::size_t m = 0; m < n; ++m) {
      s[static_cast<std::int64_t>(m)] = mutants[first + m].first;
      v[static_cast<std::int64_t>(m)][mutants[first + m].second][0] = 1;
    }
    const Patched p = step_all(prefix, Patched{x, start.to(program.device), 1, values.to(program.device)});
    const torch::Tensor f =
        finish(program.layers, local, p).select(1, static_cast<std::int64_t>(target)).to(torch::kCPU).contiguous();
    out.insert(out.end(), f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
  }
  return {out, reference};
}

}  // namespace dnacnn

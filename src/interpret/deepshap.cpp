#include "interpret/deepshap.hpp"

#include <algorithm>

#include "dnacnn/data/encode.hpp"
#include "dnacnn/interpret/shuffle.hpp"
#include "models/tensors.hpp"

namespace dnacnn {
namespace {

std::vector<std::uint8_t> codes_of(const std::string& seq) {
  std::vector<std::uint8_t> codes;
  append_codes(seq, codes);
  return codes;
}

// Rows of base codes as (rows, 4, L) one-hot, channels first.
torch::Tensor onehot_rows(const std::vector<std::vector<std::uint8_t>>& rows, std::int64_t length) {
  torch::Tensor x = torch::zeros({static_cast<std::int64_t>(rows.size()), kChannels, length});
  auto a = x.accessor<float, 3>();
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::int64_t i = 0; i < length; ++i)
      if (const std::uint8_t c = rows[r][static_cast<std::size_t>(i)]; c < kChannels) a[static_cast<std::int64_t>(r)][c][i] = 1;
  return x;
}

// scores (S, 4, L) and observed (S, L) as SequenceAttributions (scores position-major).
void fill(std::vector<SequenceAttribution>& out, const torch::Tensor& scores, const torch::Tensor& observed) {
  const std::vector<float> s = to_vector(scores.transpose(1, 2).contiguous());
  const std::vector<float> o = to_vector(observed.contiguous());
  const auto length = static_cast<std::size_t>(observed.size(1));
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k].scores.assign(s.begin() + static_cast<std::ptrdiff_t>(k * length * kChannels),
                         s.begin() + static_cast<std::ptrdiff_t>((k + 1) * length * kChannels));
    out[k].observed.assign(o.begin() + static_cast<std::ptrdiff_t>(k * length), o.begin() + static_cast<std::ptrdiff_t>((k + 1) * length));
  }
}

std::vector<SequenceAttribution> deepshap_part(const LayerProgram& program, const std::vector<std::string>& seqs,
                                               std::size_t target, const AttributionOptions& o) {
  const std::int64_t length = program.length, refs = o.n_shuffles, n = static_cast<std::int64_t>(seqs.size());
  std::vector<std::vector<std::uint8_t>> inputs, references;
  for (const std::string& seq : seqs) {
    const std::vector<std::uint8_t> codes = codes_of(seq);
    Rng rng = shuffle_rng(o.seed, seq);
    for (std::int64_t r = 0; r < refs; ++r) {
      inputs.push_back(codes);
      references.push_back(dinucleotide_shuffle(codes, rng));
    }
  }
  const torch::Tensor x = onehot_rows(inputs, length).to(program.device), ref = onehot_rows(references, length).to(program.device);
  torch::AutoGradMode grad_mode(true);
  const torch::Tensor both = torch::cat({x, ref}).requires_grad_(true);
  const torch::Tensor out = run_layers(program.layers, both, LayerMode::deeplift).select(1, static_cast<std::int64_t>(target));
  const std::int64_t rows = n * refs;
  const torch::Tensor multipliers = torch::autograd::grad({out.narrow(0, 0, rows).sum()}, {both})[0].narrow(0, 0, rows);
  const torch::Tensor actual = (multipliers * (x - ref)).view({n, refs, kChannels, length}).mean(1);
  const torch::Tensor scores =
      o.hypothetical ? (multipliers - (multipliers * ref).sum(1, true)).view({n, refs, kChannels, length}).mean(1) : actual;
  const torch::Tensor f = out.detach().to(torch::kCPU);
  const std::vector<float> predictions = to_vector(f.narrow(0, 0, rows).view({n, refs}).select(1, 0).contiguous());
  const std::vector<float> reference_means = to_vector(f.narrow(0, rows, rows).view({n, refs}).mean(1).contiguous());
  std::vector<SequenceAttribution> result(seqs.size());
  fill(result, scores.detach().to(torch::kCPU), actual.detach().sum(1).to(torch::kCPU));
  for (std::size_t k = 0; k < result.size(); ++k) {
    result[k].prediction = predictions[k];
    result[k].reference_mean = reference_means[k];
  }
  return result;
}

template <class Part>
std::vector<SequenceAttribution> in_parts(const std::vector<std::string>& seqs, std::int64_t rows_per_sequence,
                                          std::int64_t length, const Part& part) {
  // About a million input positions per pass bounds the saved activations.
  const auto per_pass = static_cast<std::size_t>(std::max<std::int64_t>(1, (std::int64_t{1} << 16) / (rows_per_sequence * length)));
  std::vector<SequenceAttribution> out;
  for (std::size_t b = 0; b < seqs.size(); b += per_pass) {
    const std::vector<std::string> chunk(seqs.begin() + static_cast<std::ptrdiff_t>(b),
                                         seqs.begin() + static_cast<std::ptrdiff_t>(std::min(b + per_pass, seqs.size())));
    for (auto& a : part(chunk)) out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

std::vector<SequenceAttribution> deepshap(const LayerProgram& program, const std::vector<std::string>& seqs,
                                          std::size_t target, const AttributionOptions& options) {
  return in_parts(seqs, 2 * options.n_shuffles, program.length,
                  [&](const std::vector<std::string>& part) { return deepshap_part(program, part, target, options); });
}

std::vector<SequenceAttribution> integrated_gradients(SequenceModelImpl& model, const std::vector<std::string>& seqs,
                                                      std::size_t target, const AttributionOptions& o,
                                                      const torch::Device& device) {
  const auto length = static_cast<std::int64_t>(seqs.front().size());
  const std::int64_t steps = o.steps;
  const auto t = static_cast<std::int64_t>(target);
  float baseline = 0;
  {
    torch::InferenceMode inference;
    baseline = model.forward(torch::zeros({1, length, kChannels}, torch::TensorOptions().device(device)))[0][t].item<float>();
  }
  const torch::Tensor alphas = (torch::arange(steps, torch::kFloat32) + 0.5) / static_cast<double>(steps);
  return in_parts(seqs, steps, length, [&](const std::vector<std::string>& part) {
    std::vector<std::vector<std::uint8_t>> rows;
    for (const std::string& seq : part) rows.push_back(codes_of(seq));
    const auto n = static_cast<std::int64_t>(part.size());
    const torch::Tensor x = onehot_rows(rows, length).transpose(1, 2).contiguous();  // (n, L, 4): the models' one-hot
    torch::AutoGradMode grad_mode(true);
    const torch::Tensor path = (x.unsqueeze(1) * alphas.view({1, steps, 1, 1})).reshape({n * steps, length, kChannels})
                                   .to(device)
                                   .requires_grad_(true);
    const torch::Tensor out = model.forward(path).select(1, t);
    const torch::Tensor grad = torch::autograd::grad({out.sum()}, {path})[0].to(torch::kCPU).view({n, steps, length, kChannels}).mean(1);
    const torch::Tensor actual = (grad * x).transpose(1, 2);  // (n, 4, L)
    const torch::Tensor scores = o.hypothetical ? grad.transpose(1, 2) : actual;
    std::vector<float> predictions;
    {
      torch::InferenceMode inference;
      predictions = to_vector(model.forward(x.to(device)).select(1, t).to(torch::kCPU).contiguous());
    }
    std::vector<SequenceAttribution> result(part.size());
    fill(result, scores, actual.sum(1));
    for (std::size_t k = 0; k < result.size(); ++k) {
      result[k].prediction = predictions[k];
      result[k].reference_mean = baseline;
    }
    return result;
  });
}

}  // namespace dnacnn

// Gradient design (Ledidi-style): the sequence is a relaxed one-hot, logits = log(start + eps) + W,
// with W optimised by Adam. The forward pass reads a hard one-hot (the argmax, or Gumbel-perturbed
// samples of it) and the backward pass the softmax's gradient (straight-through estimator). Every
// step's discrete sequences that satisfy the constraints are scored exactly; the best is the design.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "design/engine.hpp"
#include "infer/loaded_model.hpp"
#include "models/models.hpp"
#include "models/tensors.hpp"

namespace dnacnn {

namespace {

constexpr double kStartEps = 1e-4;  // Ledidi's: a base other than the start's begins at log(1e-4) ~ -9.2

torch::Tensor start_onehot(const std::vector<DesignTrack>& tracks, std::int64_t length) {
  torch::Tensor x = torch::zeros({static_cast<std::int64_t>(tracks.size()), length, kChannels});
  auto a = x.accessor<float, 3>();
  for (std::size_t t = 0; t < tracks.size(); ++t)
    for (std::int64_t p = 0; p < length; ++p) a[static_cast<std::int64_t>(t)][p][tracks[t].start[static_cast<std::size_t>(p)]] = 1;
  return x;
}

// The objective's fitness of raw outputs (rows, targets), differentiable.
torch::Tensor fitness_of(const Scorer& scorer, const torch::Tensor& outputs) {
  const Objective& o = scorer.objective();
  const torch::Tensor w = torch::tensor(std::vector<float>(o.weights.begin(), o.weights.end())).to(outputs.device());
  torch::Tensor s = outputs.matmul(w) + o.offset;
  const Goal& g = scorer.goal();
  if (g.probability) s = torch::sigmoid(s);
  switch (g.goal) {
    case DesignGoal::maximize: return s;
    case DesignGoal::minimize: return -s;
    case DesignGoal::target: return -(s - g.target).pow(2);
  }
  return s;
}

// --max-edits on a discrete candidate: keeps the edits whose logits favour them most.
void limit_edits(std::vector<std::uint8_t>& seq, std::span<const std::uint8_t> start, const float* logits,
                 std::int64_t max_edits) {
  std::vector<std::pair<float, std::size_t>> edits;
  for (std::size_t p = 0; p < seq.size(); ++p)
    if (seq[p] != start[p]) edits.emplace_back(logits[p * kChannels + seq[p]] - logits[p * kChannels + start[p]], p);
  if (max_edits < 0 || static_cast<std::int64_t>(edits.size()) <= max_edits) return;
  std::sort(edits.begin(), edits.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = static_cast<std::size_t>(max_edits); k < edits.size(); ++k) seq[edits[k].second] = start[edits[k].second];
}

// The step's discrete sequences (the hard one-hots), brought within --max-edits and scored exactly
// where they keep the constraints: each track keeps the best it has seen.
void keep_best_discrete(Scorer& scorer, std::vector<DesignTrack>& tracks, const MutationRules& rules,
                        const torch::Tensor& hard, const torch::Tensor& logits, std::int64_t samples) {
  const auto n = static_cast<std::int64_t>(tracks.size());
  const auto length = static_cast<std::int64_t>(tracks.front().start.size());
  const torch::Tensor argmax = hard.detach().argmax(2).to(torch::kCPU).to(torch::kLong).contiguous();
  const std::int64_t* picked = argmax.data_ptr<std::int64_t>();
  const std::vector<float> plain_logits = to_vector(logits.detach().to(torch::kCPU).contiguous());
  BaseCodes candidates{0, length, {}};
  std::vector<std::size_t> owner;
  for (std::int64_t row = 0; row < n * samples; ++row) {
    const auto t = static_cast<std::size_t>(row / samples);
    std::vector<std::uint8_t> seq(static_cast<std::size_t>(length));
    for (std::size_t p = 0; p < seq.size(); ++p)
      seq[p] = rules.frozen()[p] ? tracks[t].start[p] : static_cast<std::uint8_t>(picked[static_cast<std::size_t>(row * length) + p]);
    limit_edits(seq, tracks[t].start, plain_logits.data() + t * static_cast<std::size_t>(length * kChannels),
                rules.constraints().max_edits);
    if (seq == tracks[t].best || !constraint_violation(rules.constraints(), seq, tracks[t].start).empty()) continue;
    candidates.codes.insert(candidates.codes.end(), seq.begin(), seq.end());
    ++candidates.rows;
    owner.push_back(t);
  }
  const std::vector<double> scores = scorer.scores(candidates);
  for (std::size_t c = 0; c < owner.size(); ++c) {
    DesignTrack& t = tracks[owner[c]];
    if (scorer.fitness(scores[c]) <= t.best_fitness) continue;
    const std::span<const std::uint8_t> row = candidates.row(static_cast<std::int64_t>(c));
    t.best.assign(row.begin(), row.end());
    t.best_score = scores[c];
    t.best_fitness = scorer.fitness(scores[c]);
    t.best_edits = 0;
    for (std::size_t p = 0; p < row.size(); ++p) t.best_edits += row[p] != t.start[p];
  }
}

}  // namespace

// The members' mean output for a one-hot batch, with autograd: an ensemble's objective.
static torch::Tensor mean_output(const Scorer& scorer, const torch::Tensor& onehot) {
  torch::Tensor sum;
  for (const auto& m : scorer.models()) {
    const torch::Tensor out = m->network->forward(onehot);
    sum = sum.defined() ? sum + out : out;
  }
  return scorer.models().size() == 1 ? sum : sum / static_cast<double>(scorer.models().size());
}

int gradient_design(Scorer& scorer, std::vector<DesignTrack>& tracks, const MutationRules& rules,
                    const DesignRequest& r, Progress& progress) {
  if (tracks.empty()) return 0;
  const LoadedModel& m = scorer.model();
  const auto n = static_cast<std::int64_t>(tracks.size());
  const auto length = static_cast<std::int64_t>(tracks.front().start.size());
  const std::int64_t samples = r.relaxation == Relaxation::gumbel ? r.samples : 1;
  torch::manual_seed(r.seed);
  const torch::Tensor x0 = start_onehot(tracks, length).to(m.device);
  const torch::Tensor base_logits = torch::log(x0 + kStartEps);
  std::vector<std::uint8_t> frozen_bytes;
  for (bool f : rules.frozen()) frozen_bytes.push_back(f);
  const torch::Tensor frozen =
      torch::tensor(std::vector<std::int64_t>(frozen_bytes.begin(), frozen_bytes.end())).to(torch::kBool).view({1, length, 1}).to(m.device);
  torch::Tensor weights = torch::zeros({n, length, kChannels}, torch::TensorOptions().device(m.device).requires_grad(true));
  torch::optim::Adam adam({weights}, torch::optim::AdamOptions(r.lr));
  const torch::Tensor x0_samples = x0.repeat_interleave(samples, 0);
  int step = 0;
  for (; step < r.steps; ++step) {
    const torch::Tensor logits = base_logits + weights;
    torch::Tensor drawn = logits.repeat_interleave(samples, 0);
    if (r.relaxation == Relaxation::gumbel) {
      const torch::Tensor u = torch::rand(drawn.sizes(), drawn.options().requires_grad(false));
      drawn = drawn - torch::log(-torch::log(u + 1e-10) + 1e-10);
    }
    const torch::Tensor soft = torch::softmax(drawn, 2);
    const torch::Tensor hard = torch::one_hot(soft.argmax(2), kChannels).to(soft.dtype());
    const torch::Tensor x = torch::where(frozen, x0_samples, hard - soft.detach() + soft);
    const torch::Tensor f = fitness_of(scorer, mean_output(scorer, x));
    const torch::Tensor edits = (x * (1 - x0_samples)).sum({1, 2});
    const torch::Tensor loss = (-f + r.edit_penalty * edits).view({n, samples}).mean(1).sum();
    adam.zero_grad();
    loss.backward();
    adam.step();

    keep_best_discrete(scorer, tracks, rules, hard, logits, samples);
    for (DesignTrack& t : tracks) {
      t.trajectory.push_back(t.best_score);
      t.trajectory_edits.push_back(t.best_edits);
    }
    progress.update(fmt::format("design: gradient step {}/{}", step + 1, r.steps));
  }
  return step;
}

}  // namespace dnacnn

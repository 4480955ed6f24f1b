#include "dnacnn/interpret/attribution.hpp"

#include "dnacnn/data/encode.hpp"
#include "dnacnn/core/enum_names.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/models/model_store.hpp"
#include "infer/loaded_model.hpp"
#include "interpret/deepshap.hpp"
#include "interpret/fast_ism.hpp"
#include "interpret/layer_program.hpp"
#include "models/input_layer.hpp"
#include "models/models.hpp"
#include "models/tensors.hpp"

namespace dnacnn {

namespace {
constexpr std::array<std::string_view, 5> kMethodNames{"ism", "saliency", "gradxinput", "deepshap", "ig"};
}  // namespace

AttributionMethod parse_attribution_method(const std::string& name) {
  return parse_enum<AttributionMethod>(name, kMethodNames, "--method");
}

std::string attribution_method_name(AttributionMethod method) { return std::string(enum_name(method, kMethodNames)); }

bool has_references(AttributionMethod method) {
  return method == AttributionMethod::deepshap || method == AttributionMethod::ig;
}

struct Attributor::Impl {
  struct Member {
    std::shared_ptr<const LoadedModel> loaded;
    LayerProgram program;  // the network as layers holding its weights (deepshap, fast ISM)
  };
  std::vector<Member> members;
};

Attributor::Attributor(std::shared_ptr<const LoadedModel> model)
    : Attributor(std::vector<std::shared_ptr<const LoadedModel>>{std::move(model)}) {}
Attributor::Attributor(const std::vector<std::shared_ptr<const LoadedModel>>& members) : impl_(std::make_unique<Impl>()) {
  std::vector<const ModelConfig*> configs;
  for (const auto& m : members) {
    impl_->members.push_back({m, layer_program(*m)});
    configs.push_back(&m->config);
  }
  check_ensemble(configs);
}
Attributor::Attributor(Attributor&&) noexcept = default;
Attributor& Attributor::operator=(Attributor&&) noexcept = default;
Attributor::~Attributor() = default;

Attributor Attributor::load(const std::filesystem::path& model_dir, const std::string& device) {
  return load(std::vector{model_dir}, device);
}

Attributor Attributor::load(const std::vector<std::filesystem::path>& models, const std::string& device) {
  std::vector<std::shared_ptr<const LoadedModel>> members;
  for (const auto& dir : resolve_model_dirs(models)) members.push_back(load_for_inference(dir, device));
  return Attributor(members);
}

const ModelConfig& Attributor::config() const { return impl_->members.front().loaded->config; }
std::size_t Attributor::members() const { return impl_->members.size(); }

bool Attributor::fast_ism() const {
  for (const auto& m : impl_->members)
    if (local_prefix(m.program) == 0) return false;
  return true;
}

namespace {

// The sequence and all its single-base mutants through the whole network, one forward pass.
std::vector<float> naive_ism_outputs(SequenceModelImpl& model, const std::string& seq,
                                     const std::vector<std::pair<std::int64_t, int>>& mutants, std::size_t target,
                                     const torch::Device& device) {
  const auto length = static_cast<std::int64_t>(seq.size());
  BaseCodes x{1 + static_cast<std::int64_t>(mutants.size()), length, {}};
  append_codes(seq, x.codes);
  x.codes.resize(static_cast<std::size_t>(x.rows * length));
  for (std::size_t m = 0; m < mutants.size(); ++m) {  // row m + 1: the sequence with mutation m
    const std::span<std::uint8_t> mutant = x.row(static_cast<std::int64_t>(m + 1));
    std::copy_n(x.codes.begin(), length, mutant.begin());
    mutant[static_cast<std::size_t>(mutants[m].first)] = static_cast<std::uint8_t>(mutants[m].second);
  }
  const torch::Tensor out = predict_in_batches(model, codes_tensor(std::move(x)), 1 << 30, device)
                                .select(1, static_cast<std::int64_t>(target))
                                .contiguous();
  return to_vector(out);
}

// Every single-base mutant of the positions in the window: fast ISM where the model allows it.
SequenceAttribution ism(const LoadedModel& m, const LayerProgram& program, const std::string& seq, std::size_t target,
                        const AttributionOptions& o) {
  const auto length = static_cast<std::int64_t>(seq.size());
  const std::int64_t end = o.window_end < 0 ? length : std::min(o.window_end, length);
  std::vector<std::pair<std::int64_t, int>> mutants;  // (position, new base)
  for (std::int64_t i = std::max<std::int64_t>(0, o.window_start); i < end; ++i)
    for (int b = 0; b < kChannels; ++b)
      if (b != base_index(seq[static_cast<std::size_t>(i)])) mutants.emplace_back(i, b);
  std::vector<float> f;
  if (o.naive || local_prefix(program) == 0) {
    f = naive_ism_outputs(*m.network, seq, mutants, target, m.device);
  } else {
    std::vector<std::uint8_t> codes;
    append_codes(seq, codes);
    auto [outputs, reference] = fast_ism_outputs(program, codes, mutants, target);
    f.push_back(reference);
    f.insert(f.end(), outputs.begin(), outputs.end());
  }
  SequenceAttribution a;
  a.prediction = f[0];
  a.scores.assign(static_cast<std::size_t>(length * kChannels), 0.0f);
  a.observed.assign(static_cast<std::size_t>(length), 0.0f);
  for (std::size_t m = 0; m < mutants.size(); ++m) {
    const auto [i, b] = mutants[m];
    a.scores[static_cast<std::size_t>(i * kChannels + b)] = f[m + 1] - f[0];
  }
  for (std::int64_t i = std::max<std::int64_t>(0, o.window_start); i < end; ++i) {
    if (base_index(seq[static_cast<std::size_t>(i)]) >= kChannels) continue;  // N: nothing observed
    float sum = 0;
    for (int b = 0; b < kChannels; ++b) sum += a.scores[static_cast<std::size_t>(i * kChannels + b)];
    a.observed[static_cast<std::size_t>(i)] = -sum / 3.0f;
  }
  return a;
}

std::vector<SequenceAttribution> gradients(SequenceModelImpl& model, const std::vector<std::string>& seqs,
                                           std::size_t target, bool times_input, const torch::Device& device) {
  const auto length = static_cast<std::int64_t>(seqs.front().size());
  BaseCodes codes{static_cast<std::int64_t>(seqs.size()), length, {}};
  for (const auto& seq : seqs) append_codes(seq, codes.codes);
  // The one place a model reads one-hot floats: the gradient is with respect to them.
  const torch::Tensor onehot_cpu = onehot_of_codes(codes_tensor(std::move(codes))).contiguous();
  const std::vector<float> onehot = to_vector(onehot_cpu);
  torch::Tensor x = onehot_cpu.to(device).requires_grad_(true);
  // Rows are independent in eval mode, so the gradient of the sum is each row's own gradient.
  const torch::Tensor out = model.forward(x).select(1, static_cast<std::int64_t>(target));
  const torch::Tensor dx = torch::autograd::grad({out.sum()}, {x})[0];  // no parameter gradients
  const std::vector<float> f = to_vector(out.detach().to(torch::kCPU).contiguous());
  const std::vector<float> grad = to_vector(dx.to(torch::kCPU).contiguous());
  std::vector<SequenceAttribution> result(seqs.size());
  const std::size_t row = static_cast<std::size_t>(length * kChannels);
  for (std::size_t s = 0; s < seqs.size(); ++s) {
    SequenceAttribution& a = result[s];
    a.prediction = f[s];
    a.scores.assign(grad.begin() + static_cast<std::ptrdiff_t>(s * row), grad.begin() + static_cast<std::ptrdiff_t>((s + 1) * row));
    a.observed.assign(static_cast<std::size_t>(length), 0.0f);
    for (std::size_t k = 0; k < row; ++k) {
      if (times_input) a.scores[k] *= onehot[s * row + k];
      if (onehot[s * row + k] > 0) a.observed[k / kChannels] = a.scores[k];
    }
  }
  return result;
}

}  // namespace

// One member's attributions.
static std::vector<SequenceAttribution> attribute_with(const LoadedModel& m, const LayerProgram& program,
                                               const std::vector<std::string>& seqs, AttributionMethod method,
                                               std::size_t target, const AttributionOptions& options) {
  std::vector<SequenceAttribution> out;
  for (const auto& s : seqs)
    if (static_cast<std::int64_t>(s.size()) != m.config.length)
      throw Error("sequence has " + std::to_string(s.size()) + " bases, the model expects " +
                  std::to_string(m.config.length));
  if (method == AttributionMethod::ism) {
    for (const auto& s : seqs) out.push_back(ism(m, program, s, target, options));
    return out;
  }
  if (method == AttributionMethod::deepshap) return deepshap(program, seqs, target, options);
  if (method == AttributionMethod::ig) return integrated_gradients(*m.network, seqs, target, options, m.device);
  constexpr std::size_t kBatch = 256;
  for (std::size_t b = 0; b < seqs.size(); b += kBatch) {
    const std::vector<std::string> part(seqs.begin() + static_cast<std::ptrdiff_t>(b),
                                        seqs.begin() + static_cast<std::ptrdiff_t>(std::min(b + kBatch, seqs.size())));
    for (auto& a : gradients(*m.network, part, target, method == AttributionMethod::gradxinput, m.device))
      out.push_back(std::move(a));
  }
  return out;
}

std::vector<SequenceAttribution> Attributor::attribute(const std::vector<std::string>& seqs, AttributionMethod method,
                                                       std::size_t target, const AttributionOptions& options) const {
  if (target >= config().targets.size()) throw UsageError("--target is out of range");
  if (seqs.empty()) return {};
  const auto& members = impl_->members;
  std::vector<SequenceAttribution> out =
      attribute_with(*members.front().loaded, members.front().program, seqs, method, target, options);
  if (members.size() == 1) return out;
  // The ensemble's: each member's in turn, summed, then divided (every field is linear in f).
  for (std::size_t k = 1; k < members.size(); ++k) {
    const std::vector<SequenceAttribution> more =
        attribute_with(*members[k].loaded, members[k].program, seqs, method, target, options);
    for (std::size_t s = 0; s < out.size(); ++s) {
      out[s].prediction += more[s].prediction;
      out[s].reference_mean += more[s].reference_mean;
      for (std::size_t i = 0; i < out[s].scores.size(); ++i) out[s].scores[i] += more[s].scores[i];
      for (std::size_t i = 0; i < out[s].observed.size(); ++i) out[s].observed[i] += more[s].observed[i];
    }
  }
  const auto n = static_cast<float>(members.size());
  for (SequenceAttribution& a : out) {
    a.prediction /= n;
    a.reference_mean /= n;
    for (float& v : a.scores) v /= n;
    for (float& v : a.observed) v /= n;
  }
  return out;
}

}  // namespace dnacnn

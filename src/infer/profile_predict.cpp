#include "infer/profile_predict.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>

#include "models/tensors.hpp"

namespace dnacnn {
namespace {

constexpr std::int64_t kProfileChunkRows = 512;  // rows x tracks x length floats at a time

// The model's emit_profiles set for as long as this lives.
class EmitProfiles {
 public:
  explicit EmitProfiles(SequenceModelImpl& m) : model_(m), before_(m.emit_profiles) { m.emit_profiles = true; }
  ~EmitProfiles() { model_.emit_profiles = before_; }
  EmitProfiles(const EmitProfiles&) = delete;
  EmitProfiles& operator=(const EmitProfiles&) = delete;

 private:
  SequenceModelImpl& model_;
  bool before_;
};

double observed_total(const SequenceData& data, std::int64_t row, std::size_t target) {
  const std::size_t length = static_cast<std::size_t>(data.profile_length);
  const auto first = data.profiles.begin() + static_cast<std::ptrdiff_t>((static_cast<std::size_t>(row) * data.n_targets() + target) * length);
  return std::accumulate(first, first + static_cast<std::ptrdiff_t>(length), 0.0);
}

}  // namespace

torch::Tensor predict_with_profiles(const std::vector<SequenceModelImpl*>& models, const torch::Tensor& codes,
                                    const torch::Device& device) {
  torch::Tensor sum;
  for (SequenceModelImpl* m : models) {
    EmitProfiles emit(*m);
    m->eval();
    const torch::Tensor out = predict_in_batches(*m, codes, kProfileChunkRows, device);
    sum = sum.defined() ? sum + out : out;
  }
  return models.size() == 1 ? sum : sum / static_cast<double>(models.size());
}

ProfileEvaluation evaluate_profiles(const std::vector<SequenceModelImpl*>& models, const SequenceData& data,
                                    const std::vector<std::int64_t>& rows, std::int64_t length,
                                    const torch::Device& device, const std::string& split, int examples) {
  const std::size_t tracks = data.n_targets();
  const std::size_t bases = static_cast<std::size_t>(data.profile_length);
  std::vector<ProfileScoring> scoring(tracks);
  std::vector<std::int64_t> shown(rows);
  std::stable_sort(shown.begin(), shown.end(),
                   [&](std::int64_t a, std::int64_t b) { return observed_total(data, a, 0) > observed_total(data, b, 0); });
  shown.resize(std::min<std::size_t>(shown.size(), static_cast<std::size_t>(std::max(examples, 0))));
  ProfileEvaluation out;
  for (std::size_t begin = 0; begin < rows.size(); begin += kProfileChunkRows) {
    const std::vector<std::int64_t> chunk(rows.begin() + static_cast<std::ptrdiff_t>(begin),
                                          rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), begin + kProfileChunkRows)));
    const std::vector<float> outputs = to_vector(predict_with_profiles(models, codes_tensor(encode_codes(data, length, chunk)), device).contiguous());
    const std::size_t width = tracks + tracks * bases;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      const auto row = static_cast<std::size_t>(chunk[i]);
      const bool plotted = std::find(shown.begin(), shown.end(), chunk[i]) != shown.end();
      for (std::size_t t = 0; t < tracks; ++t) {
        const std::span<const float> observed(data.profiles.data() + (row * tracks + t) * bases, bases);
        const std::span<const float> logits(outputs.data() + i * width + tracks + t * bases, bases);
        scoring[t].add(observed, logits, row * tracks + t);
        if (!plotted) continue;
        ProfileExample e{data.ids.empty() ? std::to_string(row + 1) : data.ids[row], split, data.target_names[t],
                         {observed.begin(), observed.end()}, {}};
        const double count = std::expm1(static_cast<double>(outputs[i * width + t]));
        for (const double p : softmax(logits)) e.predicted.push_back(static_cast<float>(p * std::max(count, 0.0)));
        out.examples.push_back(std::move(e));
      }
    }
  }
  for (const ProfileScoring& s : scoring) out.per_target.push_back(s.result());
  return out;
}

}  // namespace dnacnn

// Attribution methods on small networks of every layer kind: DeepSHAP's completeness (the
// contributions add up to f(x) - mean f(reference)), exactly so for a linear model; hypothetical
// contributions; integrated gradients' completeness; fast ISM against every mutant through the
// whole network; the layer program against the network it was read from; dinucleotide shuffles.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>
#include <nlohmann/json.hpp>

#include "dnacnn/core/device.hpp"
#include "dnacnn/core/random.hpp"
#include "dnacnn/data/encode.hpp"
#include "dnacnn/infer/loaded_model.hpp"
#include "dnacnn/interpret/attribution.hpp"
#include "dnacnn/interpret/shuffle.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/models/model_spec.hpp"
#include "infer/loaded_model.hpp"
#include "interpret/fast_ism.hpp"
#include "interpret/layer_program.hpp"
#include "models/input_layer.hpp"
#include "models/models.hpp"
#include "models/tensors.hpp"

namespace dnacnn {
namespace {

class SingleThread : public ::testing::Environment {
 public:
  void SetUp() override { set_thread_count(1); }
};
[[maybe_unused]] auto* const kSingleThread = ::testing::AddGlobalTestEnvironment(new SingleThread);

ModelConfig spec_config(const std::string& text, std::int64_t length, std::int64_t targets = 1) {
  ModelSpec spec = model_spec_from_json(nlohmann::json::parse(text), "test.json");
  spec.name = "test";
  return spec_model_config(spec, length, std::vector<std::string>(static_cast<std::size_t>(targets), "t"));
}

// A model with seeded weights; batch norms get running statistics that are not the identity.
std::shared_ptr<const LoadedModel> seeded_model(const ModelConfig& config, std::uint64_t seed) {
  torch::manual_seed(seed);
  const SequenceModel model = build_model(config);
  torch::NoGradGuard no_grad;
  for (auto& item : model->named_buffers(true)) {
    if (item.key().ends_with("running_mean")) item.value().uniform_(-0.5, 0.5);
    if (item.key().ends_with("running_var")) item.value().uniform_(0.5, 2.0);
  }
  return load_for_inference(StoredModel{config, export_weights(*model)}, "test");
}

std::vector<std::string> random_seqs(std::size_t n, std::int64_t length, std::uint64_t seed, bool with_n = false) {
  Rng rng(seed);
  std::vector<std::string> out(n);
  for (auto& s : out)
    for (std::int64_t i = 0; i < length; ++i) s += "ACGTN"[rng.below(with_n && i % 13 == 5 ? 5 : 4)];
  return out;
}

struct Case {
  std::string name;
  ModelConfig config;
};

// Every layer kind dnacnn has, in small networks.
std::vector<Case> architectures() {
  const std::int64_t L = 48;
  return {
      {"cnn", make_model_config("cnn", L, {{"filters", 8}, {"kernel_size", 5}})},
      {"deepcnn", make_model_config("deepcnn", L, {{"filters", 8}, {"blocks", 3}, {"pool", 2}, {"bins", 2}, {"hidden", 8}})},
      {"residual_maxpool_batchnorm",
       spec_config(R"([{"type": "conv1d", "filters": 6, "kernel": 4, "padding": "same"}, {"type": "batchnorm"},
                       {"type": "relu"}, {"type": "maxpool", "size": 3, "stride": 2},
                       {"type": "residual", "layers": [{"type": "conv1d", "filters": 6, "kernel": 3, "dilation": 2},
                                                       {"type": "gelu"}]},
                       {"type": "conv1d", "filters": 5, "kernel": 3}, {"type": "softplus"}, {"type": "avgpool", "size": 2},
                       {"type": "layernorm"}, {"type": "tanh"},
                       {"type": "concat", "branches": [[{"type": "globalmaxpool", "bins": 3}], [{"type": "globalavgpool"}]]},
                       {"type": "dense", "units": 7}, {"type": "sigmoid"}, {"type": "dropout", "p": 0.2},
                       {"type": "output"}])",
                   L, 2)},
      {"exp_flatten", spec_config(R"([{"type": "conv1d", "filters": 4, "kernel": 5}, {"type": "exp"},
                                      {"type": "maxpool", "size": 4}, {"type": "flatten"}, {"type": "dense", "units": 6},
                                      {"type": "relu"}, {"type": "output"}])",
                                  L)},
      {"bilstm", spec_config(R"([{"type": "conv1d", "filters": 4, "kernel": 5}, {"type": "relu"},
                                 {"type": "maxpool", "size": 4}, {"type": "bilstm", "units": 3}, {"type": "flatten"},
                                 {"type": "output"}])",
                             L)},
      {"bpnet", make_model_config("bpnet", L, {})},
      {"profile_head",  // attribution and ISM explain the count head
       spec_config(R"([{"type": "conv1d", "filters": 6, "kernel": 5, "padding": "same"}, {"type": "relu"},
                       {"type": "residual", "layers": [{"type": "conv1d", "filters": 6, "kernel": 3, "dilation": 2,
                                                        "padding": "same"}, {"type": "relu"}]},
                       {"type": "profile_head", "length": 20, "kernel": 9}])",
                   L, 2)},
  };
}

TEST(LayerProgram, ComputesWhatTheNetworkComputes) {
  for (const Case& c : architectures()) {
    const auto model = seeded_model(c.config, 1);
    const LayerProgram program = layer_program(*model);
    torch::manual_seed(2);
    const torch::Tensor codes = torch::randint(0, 5, {5, c.config.length}).to(torch::kUInt8);
    torch::NoGradGuard no_grad;
    const torch::Tensor want = model->network->forward(codes);
    const torch::Tensor got = run_layers(program.layers, onehot_of_codes(codes).transpose(1, 2), LayerMode::plain);
    EXPECT_TRUE(torch::allclose(got, want, 1e-4, 1e-5)) << c.name << "\n" << got << want;
  }
}

// Completeness: sum(observed) = prediction - reference_mean, to 1e-3 of the difference (and a
// little absolute room for differences near 0).
void expect_complete(const SequenceAttribution& a, double rel, const std::string& what) {
  double sum = 0;
  for (const float v : a.observed) sum += v;
  const double delta = double(a.prediction) - a.reference_mean;
  EXPECT_NEAR(sum, delta, rel * std::abs(delta) + 1e-5) << what;
}

TEST(DeepShap, ContributionsAddUpToTheOutputMinusTheMeanReferenceOutput) {
  for (const Case& c : architectures()) {
    const Attributor attributor(seeded_model(c.config, 3));
    const auto seqs = random_seqs(3, c.config.length, 4, true);
    AttributionOptions o;
    o.n_shuffles = 6;
    for (std::size_t target = 0; target < c.config.targets.size(); ++target) {
      const auto all = attributor.attribute(seqs, AttributionMethod::deepshap, target, o);
      ASSERT_EQ(all.size(), seqs.size());
      for (std::size_t s = 0; s < all.size(); ++s) {
        expect_complete(all[s], 1e-3, c.name + " sequence " + std::to_string(s));
        EXPECT_NE(all[s].prediction, all[s].reference_mean) << c.name;
      }
    }
  }
}

TEST(DeepShap, HypotheticalContributionsHoldTheActualOneAtTheObservedBase) {
  const Case c = architectures()[2];
  const Attributor attributor(seeded_model(c.config, 5));
  const auto seqs = random_seqs(2, c.config.length, 6);
  AttributionOptions o;
  o.n_shuffles = 4;
  const auto actual = attributor.attribute(seqs, AttributionMethod::deepshap, 0, o);
  o.hypothetical = true;
  const auto hypothetical = attributor.attribute(seqs, AttributionMethod::deepshap, 0, o);
  for (std::size_t s = 0; s < seqs.size(); ++s) {
    EXPECT_EQ(actual[s].observed, hypothetical[s].observed);
    double spread = 0;
    for (std::size_t i = 0; i < seqs[s].size(); ++i) {
      const auto b = static_cast<std::size_t>(base_index(seqs[s][i]));
      EXPECT_NEAR(hypothetical[s].scores[i * 4 + b], actual[s].observed[i], 1e-5);
      spread += std::abs(hypothetical[s].scores[i * 4 + (b + 1) % 4] - hypothetical[s].scores[i * 4 + b]);
    }
    EXPECT_GT(spread, 1e-3);  // the other bases' values are not copies
  }
}

// A linear model's multipliers are its weights: every contribution is known in closed form.
TEST(DeepShap, IsExactOnALinearModel) {
  const ModelConfig config = make_model_config("linear", 30, {});
  const auto model = seeded_model(config, 7);
  const torch::Tensor w = model->network->named_parameters()["lin.weight"].view({30, 4});
  const Attributor attributor(model);
  const auto seqs = random_seqs(2, 30, 8);
  AttributionOptions o;
  o.n_shuffles = 5;
  o.seed = 11;
  o.hypothetical = true;
  const auto all = attributor.attribute(seqs, AttributionMethod::deepshap, 0, o);
  for (std::size_t s = 0; s < seqs.size(); ++s) {
    std::vector<std::uint8_t> codes;
    append_codes(seqs[s], codes);
    Rng rng = shuffle_rng(o.seed, seqs[s]);
    std::vector<double> ref_weight(30, 0.0);  // mean over references of the reference base's weight
    for (int r = 0; r < o.n_shuffles; ++r) {
      const auto ref = dinucleotide_shuffle(codes, rng);
      for (std::size_t i = 0; i < 30; ++i) ref_weight[i] += w[static_cast<std::int64_t>(i)][ref[i]].item<double>() / o.n_shuffles;
    }
    double sum = 0;
    for (std::size_t i = 0; i < 30; ++i) {
      for (int b = 0; b < 4; ++b)
        EXPECT_NEAR(all[s].scores[i * 4 + static_cast<std::size_t>(b)], w[static_cast<std::int64_t>(i)][b].item<double>() - ref_weight[i], 1e-5);
      sum += all[s].observed[i];
    }
    EXPECT_NEAR(sum, all[s].prediction - all[s].reference_mean, 1e-5);
  }
}

TEST(IntegratedGradients, ContributionsApproachTheOutputMinusTheBaselineOutput) {
  for (const Case& c : {architectures()[1], architectures()[2]}) {
    const Attributor attributor(seeded_model(c.config, 9));
    AttributionOptions o;
    o.steps = 256;
    for (const auto& a : attributor.attribute(random_seqs(2, c.config.length, 10), AttributionMethod::ig, 0, o)) {
      EXPECT_GT(std::abs(a.prediction - a.reference_mean), 1e-3) << c.name;
      expect_complete(a, 2e-2, c.name);
    }
  }
}

TEST(FastIsm, GivesWhatEveryMutantThroughTheWholeNetworkGives) {
  std::vector<Case> cases = architectures();
  cases.push_back({"valid_residual", spec_config(R"([{"type": "conv1d", "filters": 4, "kernel": 3}, {"type": "relu"},
      {"type": "residual", "layers": [{"type": "conv1d", "filters": 4, "kernel": 5}, {"type": "relu"}]},
      {"type": "avgpool", "size": 3, "stride": 2}, {"type": "flatten"}, {"type": "output"}])", 48)});
  cases.push_back({"deepbind", make_model_config("deepbind", 64, {})});
  for (const Case& c : cases) {
    const Attributor attributor(seeded_model(c.config, 12));
    EXPECT_TRUE(attributor.fast_ism()) << c.name;
    const auto seqs = random_seqs(2, c.config.length, 13, true);
    AttributionOptions naive;
    naive.naive = true;
    for (const bool windowed : {false, true}) {
      AttributionOptions fast;
      if (windowed) fast.window_start = naive.window_start = 7, fast.window_end = naive.window_end = 19;
      const auto want = attributor.attribute(seqs, AttributionMethod::ism, c.config.targets.size() - 1, naive);
      const auto got = attributor.attribute(seqs, AttributionMethod::ism, c.config.targets.size() - 1, fast);
      for (std::size_t s = 0; s < seqs.size(); ++s) {
        EXPECT_NEAR(got[s].prediction, want[s].prediction, 1e-4) << c.name;
        double largest = 0;
        for (std::size_t k = 0; k < want[s].scores.size(); ++k) {
          ASSERT_NEAR(got[s].scores[k], want[s].scores[k], 1e-4) << c.name << " at " << k / 4;
          largest = std::max(largest, double(std::abs(want[s].scores[k])));
          if (windowed && (k / 4 < 7 || k / 4 >= 19)) EXPECT_EQ(got[s].scores[k], 0.0f);
        }
        EXPECT_GT(largest, 1e-6) << c.name;  // mutations change the output
      }
    }
  }
}

TEST(DinucleotideShuffle, KeepsEveryPairCountAndTheEndsAndFollowsTheSeed) {
  std::vector<std::uint8_t> codes;
  append_codes("ACGTTGCANNACGGGTACCATTTAGCAGTACNACGTAGCTAGG", codes);
  const auto pairs = [](const std::vector<std::uint8_t>& c) {
    std::map<std::pair<int, int>, int> n;
    for (std::size_t i = 0; i + 1 < c.size(); ++i) ++n[{c[i], c[i + 1]}];
    return n;
  };
  Rng rng = shuffle_rng(1, "x");
  const auto first = dinucleotide_shuffle(codes, rng), second = dinucleotide_shuffle(codes, rng);
  for (const auto& s : {first, second}) {
    EXPECT_EQ(pairs(s), pairs(codes));
    EXPECT_EQ(s.front(), codes.front());
    EXPECT_EQ(s.back(), codes.back());
  }
  EXPECT_NE(first, codes);
  EXPECT_NE(first, second);
  Rng again = shuffle_rng(1, "x");
  EXPECT_EQ(dinucleotide_shuffle(codes, again), first);
  Rng other = shuffle_rng(2, "x");
  EXPECT_NE(dinucleotide_shuffle(codes, other), first);
}

}  // namespace
}  // namespace dnacnn

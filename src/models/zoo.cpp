// The model zoo: the field's classic architectures as specs, with their papers' layer sizes. Each is
// sized for the input length it is asked for: at the paper's length it is the paper's network; for
// shorter inputs, kernels and pools shrink to what still fits (a pool that would leave nothing is
// dropped), so every zoo model trains on the notebook's 8-mers as well as on 200 bp or 1 kbp.
#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "dnacnn/core/error.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/models/model_spec.hpp"

namespace dnacnn {
namespace {

LayerSpec simple(LayerKind kind) {
  LayerSpec l;
  l.kind = kind;
  return l;
}
LayerSpec dense(std::int64_t units) {
  LayerSpec l = simple(LayerKind::dense);
  l.units = units;
  return l;
}
LayerSpec dropout(double p) {
  LayerSpec l = simple(LayerKind::dropout);
  l.p = p;
  return l;
}
LayerSpec same_conv(std::int64_t filters, std::int64_t kernel, std::int64_t dilation = 1) {
  LayerSpec l = simple(LayerKind::conv1d);
  l.filters = filters;
  l.kernel = kernel;
  l.dilation = dilation;
  l.padding = ConvPadding::same;
  return l;
}

// Appends layers while tracking the length they leave, shrinking kernels and pools to fit it.
struct Fitted {
  std::int64_t length;
  std::vector<LayerSpec> layers;

  Fitted& add(LayerSpec l) {
    layers.push_back(std::move(l));
    return *this;
  }
  Fitted& add(LayerKind kind) { return add(simple(kind)); }
  Fitted& valid_conv(std::int64_t filters, std::int64_t kernel) {
    LayerSpec l = simple(LayerKind::conv1d);
    l.filters = filters;
    l.kernel = std::min(kernel, length);
    length -= l.kernel - 1;
    return add(l);
  }
  Fitted& maxpool(std::int64_t size) {
    size = std::min(size, length);
    if (size < 2) return *this;
    LayerSpec l = simple(LayerKind::maxpool);
    l.size = size;
    length = (length - size) / size + 1;
    return add(l);
  }
};

ModelSpec deepbind(std::int64_t length) {
  Fitted f{length, {}};
  f.valid_conv(16, 24).add(LayerKind::relu).add(LayerKind::globalmaxpool).add(dense(32)).add(LayerKind::relu);
  f.add(dropout(0.5)).add(LayerKind::output);
  return {"deepbind", "", f.layers};
}

ModelSpec deepsea(std::int64_t length) {
  Fitted f{length, {}};
  f.valid_conv(320, 8).add(LayerKind::relu).maxpool(4).add(dropout(0.2));
  f.valid_conv(480, 8).add(LayerKind::relu).maxpool(4).add(dropout(0.2));
  f.valid_conv(960, 8).add(LayerKind::relu).add(dropout(0.5));
  f.add(LayerKind::flatten).add(dense(925)).add(LayerKind::relu).add(LayerKind::output);
  return {"deepsea", "", f.layers};
}

ModelSpec basset(std::int64_t length) {
  Fitted f{length, {}};
  f.valid_conv(300, 19).add(LayerKind::batchnorm).add(LayerKind::relu).maxpool(3);
  f.valid_conv(200, 11).add(LayerKind::batchnorm).add(LayerKind::relu).maxpool(4);
  f.valid_conv(200, 7).add(LayerKind::batchnorm).add(LayerKind::relu).maxpool(4);
  f.add(LayerKind::flatten);
  for (int i = 0; i < 2; ++i) f.add(dense(1000)).add(LayerKind::relu).add(dropout(0.3));
  f.add(LayerKind::output);
  return {"basset", "", f.layers};
}

ModelSpec danq(std::int64_t length) {
  Fitted f{length, {}};
  f.valid_conv(320, 26).add(LayerKind::relu).maxpool(13).add(dropout(0.2));
  LayerSpec lstm = simple(LayerKind::bilstm);
  lstm.units = 320;
  f.add(lstm).add(dropout(0.5)).add(LayerKind::flatten).add(dense(925)).add(LayerKind::relu).add(LayerKind::output);
  return {"danq", "", f.layers};
}

// BPNet's trunk: a wide convolution, then dilated residual convolutions doubling their reach
// (2, 4, ... 512 at 1 kbp; as many as the length can use), mean-pooled into a scalar head.
// The profile model (bpnet_profile_spec) shares this trunk.
Fitted bpnet_trunk(std::int64_t length) {
  Fitted f{length, {}};
  f.add(same_conv(64, std::min<std::int64_t>(25, length))).add(LayerKind::relu);
  const int dilated = std::clamp(static_cast<int>(std::bit_width(static_cast<std::uint64_t>(length))) - 1, 1, 9);
  for (int i = 1; i <= dilated; ++i) {
    LayerSpec block = simple(LayerKind::residual);
    block.layers = {same_conv(64, 3, std::int64_t{1} << i), simple(LayerKind::relu)};
    f.add(block);
  }
  return f;
}

ModelSpec bpnet(std::int64_t length) {
  Fitted f = bpnet_trunk(length);
  f.add(LayerKind::globalavgpool).add(LayerKind::output);
  return {"bpnet", "", f.layers};
}

// The built-in architectures as specs that build the same networks (models/shapes.cpp has their
// hyper-parameters).
ModelSpec cnn(const ModelConfig& c) {
  LayerSpec conv = simple(LayerKind::conv1d);
  conv.filters = c.int_hparam("filters");
  conv.kernel = c.int_hparam("kernel_size");
  return {"cnn", "", {conv, simple(LayerKind::relu), simple(LayerKind::flatten), simple(LayerKind::output)}};
}

ModelSpec deepcnn(const ModelConfig& c) {
  std::vector<LayerSpec> layers{same_conv(c.int_hparam("filters"), c.int_hparam("kernel_size")), simple(LayerKind::relu)};
  for (std::int64_t b = 1; b < c.int_hparam("blocks"); ++b) {
    LayerSpec pool = simple(LayerKind::maxpool);
    pool.size = c.int_hparam("pool");
    layers.insert(layers.end(), {pool, same_conv(c.int_hparam("filters"), c.int_hparam("block_kernel_size")),
                                 simple(LayerKind::relu)});
  }
  LayerSpec max = simple(LayerKind::globalmaxpool), mean = simple(LayerKind::globalavgpool);
  max.bins = mean.bins = c.hparams.contains("bins") ? c.int_hparam("bins") : 1;
  LayerSpec both = simple(LayerKind::concat);
  both.branches = {{max}, {mean}};
  layers.insert(layers.end(), {both, dropout(c.hparam("dropout")), dense(c.int_hparam("hidden")), simple(LayerKind::relu),
                               simple(LayerKind::output)});
  return {"deepcnn", "", layers};
}

struct ZooModel {
  ZooEntry entry;
  ModelSpec (*make)(std::int64_t);
};

const std::vector<ZooModel>& zoo() {
  static const std::vector<ZooModel> models{
      {{"deepbind", "Conv(16 x 24) + ReLU, global max-pool, Dense(32) + ReLU, dropout 0.5",
        "Alipanahi et al. 2015, Nature Biotechnology 33:831 (DeepBind)", 101}, deepbind},
      {{"deepsea", "3 x [Conv(320/480/960 x 8) + ReLU, max-pool 4, dropout], Dense(925)",
        "Zhou & Troyanskaya 2015, Nature Methods 12:931 (DeepSEA)", 1000}, deepsea},
      {{"basset", "3 x [Conv(300x19 / 200x11 / 200x7) + BatchNorm + ReLU, max-pool 3/4/4], 2 x Dense(1000) + dropout 0.3",
        "Kelley et al. 2016, Genome Research 26:990 (Basset)", 600}, basset},
      {{"danq", "Conv(320 x 26) + ReLU, max-pool 13, BiLSTM(320), Dense(925)",
        "Quang & Xie 2016, Nucleic Acids Research 44:e107 (DanQ)", 1000}, danq},
      {{"bpnet", "Conv(64 x 25), up to 9 dilated residual Conv(64 x 3) blocks, global mean-pool, scalar head",
        "Avsec et al. 2021, Nature Genetics 53:354 (BPNet)", 1000}, bpnet},
  };
  return models;
}

}  // namespace

const std::vector<ZooEntry>& zoo_entries() {
  static const std::vector<ZooEntry> entries = [] {
    std::vector<ZooEntry> out;
    for (const auto& m : zoo()) out.push_back(m.entry);
    return out;
  }();
  return entries;
}

bool is_zoo_model(std::string_view name) {
  return std::any_of(zoo().begin(), zoo().end(), [&](const ZooModel& m) { return m.entry.name == name; });
}

ModelSpec zoo_spec(std::string_view name, std::int64_t length) {
  if (length < 1) throw UsageError(fmt::format("a spec needs a length of at least 1, got {}", length));
  for (const auto& m : zoo())
    if (m.entry.name == name) {
      ModelSpec spec = m.make(length);
      spec.citation = m.entry.citation;
      return spec;
    }
  if (built_in_architecture(std::string(name))) return built_in_as_spec(make_model_config(std::string(name), length, {}));
  std::string known = "linear, cnn, deepcnn";
  for (const auto& m : zoo()) known += ", " + m.entry.name;
  throw UsageError(fmt::format("no built-in spec '{}' (known: {})", name, known));
}

std::int64_t default_profile_kernel(std::int64_t room) {
  const std::int64_t k = std::clamp<std::int64_t>(room, 1, 75);
  return k % 2 == 1 ? k : k - 1;
}

// BPNet with its profile and count heads, the trunk as bpnet-lite builds it ("same" convolutions,
// as the zoo's scalar bpnet). Profile positions near the window's
// edge then see zero padding; fitting the trunk inside the flank (as ChromBPNet's valid
// convolutions do) was tried and generalised worse on short windows: 4 blocks at 400 -> 200 bp gave
// held-out profile Pearson 0.23 where 8 gave 0.41 (the LongProfileModel data).
ModelSpec bpnet_profile_spec(std::int64_t length, std::int64_t output_length) {
  if (output_length < 1 || output_length >= length)
    throw UsageError(fmt::format("--output-length {} must be at least 1 and less than the input length {} "
                                 "(the model sees flanks around the profile it predicts)",
                                 output_length, length));
  LayerSpec head = simple(LayerKind::profile_head);
  head.length = output_length;
  head.kernel = default_profile_kernel(length - output_length + 1);
  Fitted f = bpnet_trunk(length);
  f.add(head);
  ModelSpec spec{"bpnet", "", f.layers};
  for (const auto& m : zoo())
    if (m.entry.name == "bpnet") spec.citation = m.entry.citation;
  return spec;
}

ModelSpec built_in_as_spec(const ModelConfig& config) {
  if (config.arch == "cnn") return cnn(config);
  if (config.arch == "deepcnn") return deepcnn(config);
  if (config.arch == "linear") return {"linear", "", {simple(LayerKind::flatten), simple(LayerKind::output)}};
  throw UsageError("no spec for the architecture '" + config.arch + "'");
}

std::map<std::string, std::string> built_in_weight_names(const ModelConfig& config, const ModelSpec& spec) {
  std::map<std::string, std::string> renames;
  int convs = 0;
  for (std::size_t i = 0; i < spec.layers.size(); ++i) {
    const std::string prefix = "layers." + std::to_string(i);
    const LayerKind kind = spec.layers[i].kind;
    if (config.arch == "cnn" && kind == LayerKind::conv1d) renames[prefix] = "conv";
    if (config.arch == "cnn" && kind == LayerKind::output) renames[prefix] = "linear";
    if (config.arch == "deepcnn" && kind == LayerKind::conv1d) renames[prefix] = "convs." + std::to_string(convs++);
    if (config.arch == "deepcnn" && kind == LayerKind::dense) renames[prefix] = "hidden";
    if (config.arch == "deepcnn" && kind == LayerKind::output) renames[prefix] = "out";
  }
  return renames;
}

}  // namespace dnacnn

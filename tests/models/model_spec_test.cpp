// Model specs without LibTorch: reading JSON (every complaint names the file and the layer), the
// shape check, parameter counts by hand, and the zoo sized for short and paper-length inputs.
#include "dnacnn/models/model_spec.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"
#include "dnacnn/models/architectures.hpp"
#include "test_support.hpp"

namespace dnacnn {
namespace {

using nlohmann::json;

ModelSpec parse(const std::string& text) { return model_spec_from_json(json::parse(text), "net.json"); }

// The message of the UsageError (exit 2) that reading and checking `text` at `length` raises.
std::string complaint(const std::string& text, std::int64_t length = 20) {
  try {
    check_spec_shapes(parse(text), length, 1, "net.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitUsageError) << e.what();
    EXPECT_EQ(e.where().file, "net.json");
    return e.message();
  }
  ADD_FAILURE() << "accepted: " << text;
  return "";
}

TEST(ModelSpec, ReadsListsAndObjectsAndWritesThemBack) {
  const ModelSpec a = parse(R"([{"type": "conv1d", "filters": 8, "kernel": 5, "padding": "same", "dilation": 2},
                                {"type": "relu"}, {"type": "globalmaxpool", "bins": 2}, {"type": "output"}])");
  ASSERT_EQ(a.layers.size(), 4u);
  EXPECT_EQ(a.layers[0].kind, LayerKind::conv1d);
  EXPECT_EQ(a.layers[0].filters, 8);
  EXPECT_EQ(a.layers[0].kernel, 5);
  EXPECT_EQ(a.layers[0].dilation, 2);
  EXPECT_EQ(a.layers[0].padding, ConvPadding::same);
  EXPECT_TRUE(a.layers[0].bias);
  EXPECT_EQ(a.layers[2].bins, 2);
  const ModelSpec b = parse(R"({"name": "mine", "citation": "me", "layers": [{"type": "flatten"}, {"type": "output", "bias": false}]})");
  EXPECT_EQ(b.name, "mine");
  EXPECT_EQ(b.citation, "me");
  EXPECT_FALSE(b.layers[1].bias);
  // Written and read again: the same spec, for every zoo model (residual and concat blocks included).
  for (const char* name : {"linear", "cnn", "deepcnn", "deepbind", "deepsea", "basset", "danq", "bpnet"}) {
    const json once = model_spec_json(zoo_spec(name, 300));
    EXPECT_EQ(model_spec_json(model_spec_from_json(once, "x")), once) << name;
  }
}

TEST(ModelSpec, BadFieldsNameTheFileTheLayerAndTheField) {
  EXPECT_EQ(complaint(R"([{"type": "relu"}, {"type": "conv2d"}])"),
            "layer 1: unknown layer type 'conv2d' (known: conv1d, dense, relu, gelu, softplus, exp, sigmoid, tanh, maxpool, "
            "avgpool, batchnorm, layernorm, dropout, residual, concat, globalmaxpool, globalavgpool, flatten, bilstm, output or profile_head)");
  EXPECT_EQ(complaint(R"([{"type": "conv1d", "filters": 4, "kernel_size": 3}])"),
            "layer 0 (conv1d): no field 'kernel_size' (it takes: bias, dilation, filters, kernel, padding)");
  EXPECT_EQ(complaint(R"([{"type": "conv1d", "kernel": 3}])"), "layer 0 (conv1d): needs \"filters\"");
  EXPECT_EQ(complaint(R"([{"type": "conv1d", "filters": 2.5, "kernel": 3}])"),
            "layer 0 (conv1d): \"filters\" must be a whole number");
  EXPECT_EQ(complaint(R"([{"type": "conv1d", "filters": 4, "kernel": 0}])"),
            "layer 0 (conv1d): \"kernel\" must be from 1 to 1000000, got 0");
  // A float beyond int64's range (the fuzzer's): refused by range, never converted (undefined).
  EXPECT_EQ(complaint(R"([{"type": "conv1d", "filters": 4, "kernel": 3.3e132}])"),
            "layer 0 (conv1d): \"kernel\" must be from 1 to 1000000, got 3.3e+132");
  EXPECT_EQ(complaint(R"([{"type": "conv1d", "filters": 4, "kernel": 3, "padding": "full"}])"),
            "layer 0 (conv1d): \"padding\" must be \"same\" or \"valid\", got \"full\"");
  EXPECT_EQ(complaint(R"([{"type": "dropout", "p": 1}])"), "layer 0 (dropout): \"p\" must be in [0, 1), got 1");
  EXPECT_EQ(complaint(R"([{"type": "relu", "inplace": true}])"), "layer 0 (relu): no field 'inplace'");
  EXPECT_EQ(complaint(R"([{"type": "residual", "layers": [{"type": "relu"}, {"type": "maxpool"}]}])"),
            "layer 0.1 (maxpool): needs \"size\"");
  EXPECT_EQ(complaint(R"([{"type": "concat", "branches": [[{"type": "relu"}], []]}])"),
            "layer 0 (concat): branch 1 must be a non-empty list of layers");
  EXPECT_EQ(complaint("[]"), "a model spec is a non-empty list of layers (or an object with \"layers\")");
  EXPECT_EQ(complaint(R"({"layers": [{"type": "output"}], "optimizer": "adam"})"),
            "a model spec takes \"layers\", \"name\" and \"citation\", not 'optimizer'");
  EXPECT_EQ(complaint("[3]"), "layer 0: a layer is a JSON object such as {\"type\": \"relu\"}");
}

TEST(ModelSpec, ShapesThatDoNotFitNameTheLayer) {
  EXPECT_EQ(complaint(R"([{"type": "conv1d", "filters": 4, "kernel": 25}, {"type": "flatten"}, {"type": "output"}])"),
            "layer 0 (conv1d): kernel 25 spans 25 bases, more than the 20 positions it gets (padding \"same\" keeps the length)");
  EXPECT_EQ(complaint(R"([{"type": "conv1d", "filters": 4, "kernel": 3, "dilation": 10}, {"type": "flatten"}, {"type": "output"}])"),
            "layer 0 (conv1d): kernel 3 with dilation 10 spans 21 bases, more than the 20 positions it gets (padding \"same\" "
            "keeps the length)");
  EXPECT_EQ(complaint(R"([{"type": "maxpool", "size": 4}, {"type": "maxpool", "size": 6}, {"type": "flatten"}, {"type": "output"}])"),
            "layer 1 (maxpool): size 6 is more than the 5 positions it gets");
  EXPECT_EQ(complaint(R"([{"type": "dense", "units": 3}, {"type": "output"}])"),
            "layer 0 (dense): needs flat input, but gets 4 channels x 20 positions: add flatten or a global pooling layer before it");
  EXPECT_EQ(complaint(R"([{"type": "flatten"}, {"type": "conv1d", "filters": 2, "kernel": 1}, {"type": "output"}])"),
            "layer 1 (conv1d): needs a sequence (channels x positions), but its input is flat (80 features)");
  EXPECT_EQ(complaint(R"([{"type": "flatten"}])"),
            "layer 0 (flatten): the last layer must be {\"type\": \"output\"} (one value per target) or a profile_head");
  // A profile head reads length + kernel - 1 positions of a sequence, and ends the spec.
  EXPECT_EQ(complaint(R"([{"type": "conv1d", "filters": 4, "kernel": 3}, {"type": "profile_head", "length": 10, "kernel": 11}])"),
            "layer 1 (profile_head): length 10 with kernel 11 needs 20 positions of the trunk, and it gives 18");
  EXPECT_EQ(complaint(R"([{"type": "flatten"}, {"type": "profile_head", "length": 4}])"),
            "layer 1 (profile_head): needs a sequence (channels x positions), but its input is flat (80 features)");
  EXPECT_EQ(complaint(R"([{"type": "profile_head", "length": 4, "kernel": 3}, {"type": "relu"}])"),
            "layer 0 (profile_head): the profile head must be the spec's last layer");
  EXPECT_EQ(complaint(R"([{"type": "flatten"}, {"type": "output"}, {"type": "relu"}])"),
            "layer 1 (output): the output layer must be the spec's last layer");
  EXPECT_EQ(complaint(R"([{"type": "residual", "layers": [{"type": "conv1d", "filters": 5, "kernel": 3}]}, {"type": "flatten"}, {"type": "output"}])"),
            "layer 0 (residual): its block turns 4 channels x 20 positions into 5 channels x 18 positions: a skip connection "
            "needs the same channels and no more positions (fewer are fine: the input is centre-cropped)");
  EXPECT_EQ(complaint(R"([{"type": "concat", "branches": [[{"type": "globalmaxpool"}], [{"type": "relu"}]]}, {"type": "output"}])"),
            "layer 0 (concat): branch 0 gives 4 features but branch 1 gives 4 channels x 20 positions: joined branches need the "
            "same positions (or all flat)");
  EXPECT_EQ(complaint(R"([{"type": "globalavgpool", "bins": 30}, {"type": "output"}])"),
            "layer 0 (globalavgpool): bins 30 is more than the 20 positions it gets");
  EXPECT_EQ(complaint(R"([{"type": "concat", "branches": [[{"type": "maxpool", "size": 99}]]}, {"type": "output"}])"),
            "layer 0.0.0 (maxpool): size 99 is more than the 20 positions it gets");
}

TEST(ModelSpec, ParameterCountsByHand) {
  // conv 8 x 4 x 3 + 8; 8 x 18 features -> 1 output + bias
  EXPECT_EQ(check_spec_shapes(parse(R"([{"type": "conv1d", "filters": 8, "kernel": 3}, {"type": "relu"},
                                         {"type": "flatten"}, {"type": "output"}])"), 20, 1, "x"),
            8 * 4 * 3 + 8 + 8 * 18 + 1);
  // batchnorm and layernorm: scale and shift per channel; bilstm: 2 directions x 4 gates x (in + hidden + 2 biases)
  EXPECT_EQ(check_spec_shapes(parse(R"([{"type": "batchnorm"}, {"type": "layernorm"}, {"type": "bilstm", "units": 3},
                                         {"type": "globalmaxpool", "bins": 2}, {"type": "dense", "units": 5, "bias": false},
                                         {"type": "output"}])"), 10, 2, "x"),
            8 + 8 + 2 * 4 * 3 * (4 + 3 + 2) + 12 * 5 + (5 + 1) * 2);
  // Residual blocks and concat branches count their layers; valid convolutions shorten what follows.
  EXPECT_EQ(check_spec_shapes(parse(R"([{"type": "residual", "layers": [{"type": "conv1d", "filters": 4, "kernel": 5}]},
                                         {"type": "concat", "branches": [[{"type": "globalmaxpool"}], [{"type": "flatten"}]]},
                                         {"type": "output"}])"), 10, 1, "x"),
            (4 * 4 * 5 + 4) + (4 + 4 * 6 + 1));
}

TEST(ModelSpec, AProfileHeadIsAConvPerTrackAndALinearCountHead) {
  // conv 6 x 4 x 5 + 6; head: profile conv 2 tracks x 6 x 7 + 2, count linear 2 x 6 + 2
  const ModelSpec spec = parse(R"([{"type": "conv1d", "filters": 6, "kernel": 5, "padding": "same"},
                                   {"type": "profile_head", "length": 12, "kernel": 7}])");
  EXPECT_EQ(check_spec_shapes(spec, 30, 2, "x"), 6 * 4 * 5 + 6 + (2 * 6 * 7 + 2) + (2 * 6 + 2));
  ASSERT_NE(profile_head_of(spec), nullptr);
  EXPECT_EQ(profile_head_of(spec)->length, 12);
  EXPECT_EQ(profile_head_input(*profile_head_of(spec)), 18);
  EXPECT_EQ(profile_head_of(parse(R"([{"type": "flatten"}, {"type": "output"}])")), nullptr);
  // Written back with its fields; the kernel defaults to BPNet's 75.
  const ModelSpec defaults = parse(R"([{"type": "profile_head", "length": 5}])");
  EXPECT_EQ(defaults.layers.back().kernel, 75);
  EXPECT_EQ(parse(model_spec_json(spec).dump()).layers.back().length, 12);
  EXPECT_EQ(spec_model_config(spec, 30, {"a+", "a-"}).loss, Loss::multinomial);
  // The zoo's bpnet with its heads: BPNet's trunk and a head over the central output length.
  const ModelSpec bpnet = bpnet_profile_spec(400, 200);
  EXPECT_EQ(bpnet.layers.back().kind, LayerKind::profile_head);
  EXPECT_EQ(bpnet.layers.back().length, 200);
  EXPECT_EQ(bpnet.layers.size(), 2u + 8u + 1u) << "conv + relu, dilations 2..256, the head";
  EXPECT_THROW_MSG(bpnet_profile_spec(100, 100), UsageError, "--output-length 100 must be at least 1 and less than");
}

TEST(ModelSpec, ZooFitsShortAndPaperLengths) {
  for (const ZooEntry& zoo : zoo_entries()) {
    for (std::int64_t length : {std::int64_t{8}, std::int64_t{200}, zoo.paper_length}) {
      const ModelSpec spec = zoo_spec(zoo.name, length);
      EXPECT_GT(check_spec_shapes(spec, length, 3, zoo.name), 0) << zoo.name << " at " << length;
      EXPECT_EQ(spec.citation, zoo.citation);
    }
  }
  // At its paper's length a zoo model is the paper's network: DeepSEA's kernels of 8 and pools of 4.
  const ModelSpec deepsea = zoo_spec("deepsea", 1000);
  EXPECT_EQ(deepsea.layers[0].kernel, 8);
  EXPECT_EQ(deepsea.layers[2].size, 4);
  EXPECT_EQ(check_spec_shapes(deepsea, 1000, 919, "deepsea"),
            (320 * 4 * 8 + 320) + (480 * 320 * 8 + 480) + (960 * 480 * 8 + 960) + (960 * 53 + 1) * 925 + (925 + 1) * 919);
  // Shrunk for 8-mers: the first kernel covers the sequence and the pools that would leave nothing are gone.
  const ModelSpec short_deepsea = zoo_spec("deepsea", 8);
  EXPECT_EQ(short_deepsea.layers[0].kernel, 8);
  for (const LayerSpec& l : short_deepsea.layers) EXPECT_NE(l.kind, LayerKind::maxpool);
  EXPECT_THROW_MSG(zoo_spec("alexnet", 100), UsageError, "no built-in spec 'alexnet' (known: linear, cnn, deepcnn, deepbind");
}

TEST(ModelSpec, ModelConfigsKeepTheirSpec) {
  const ModelConfig config = make_model_config("bpnet", 64, {}, {"a", "b"});
  ASSERT_TRUE(config.spec.has_value());
  EXPECT_EQ(config.arch, "bpnet");
  EXPECT_TRUE(config.hparams.empty());
  const ModelConfig back = model_config_from_json(json(config), "config.json");
  ASSERT_TRUE(back.spec.has_value());
  EXPECT_EQ(model_spec_json(*back.spec), model_spec_json(*config.spec));
  EXPECT_EQ(first_conv_prefix(back), "layers.0");
  EXPECT_EQ(first_conv_prefix(make_model_config("cnn", 8, {})), "conv");
  // A saved spec that does not fit its length is bad data (exit 1) located at the config.
  json bad = json(config);
  bad["length"] = 2;
  bad["spec"]["layers"][0]["padding"] = "valid";
  try {
    model_config_from_json(bad, "m/config.json");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitDataError);
    EXPECT_EQ(e.where().file, "m/config.json");
    EXPECT_NE(e.message().find("spec: layer 0 (conv1d): kernel 2"), std::string::npos) << e.message();
  }
  EXPECT_THROW_MSG(make_model_config("deepsea", 100, {{"filters", 3}}), UsageError, "is a spec and takes no --hparam");
  EXPECT_THROW_MSG(make_model_config("mlp", 100, {}), UsageError,
                   "unknown model 'mlp' (known: linear, cnn, deepcnn, deepbind, deepsea, basset, danq, bpnet; or a spec file");
}

}  // namespace
}  // namespace dnacnn

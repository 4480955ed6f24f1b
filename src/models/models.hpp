// The networks themselves (LibTorch modules) and the registry that builds them from a config.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "dnacnn/models/architectures.hpp"
#include "dnacnn/data/dataset.hpp"
#include "dnacnn/models/model_config.hpp"

namespace dnacnn {

// Where a training batch's rows sit: dropout masks are drawn per row from (seed, row), so a batch
// split between threads or ranks drops exactly what one process dropping the whole batch would.
struct BatchRows {
  std::uint64_t seed = 0;  // one per batch (see batch_rows_seed)
  std::int64_t first = 0;  // the row of the batch that this forward's first row is
};
std::uint64_t batch_rows_seed(std::uint64_t seed, int epoch, std::int64_t batch_start);

// Every model maps its input to (batch, targets). The input is base codes (batch, length) uint8,
// the one representation every caller passes, or float one-hot (batch, length, 4) where a gradient
// with respect to the input is asked for; the first layer reads either (models/input_layer.hpp).
struct SequenceModelImpl : torch::nn::Module {
  virtual torch::Tensor forward(const torch::Tensor& input) = 0;
  std::optional<BatchRows> batch_rows;  // set by the trainer; unset, dropout uses LibTorch's generator
  // A profile model (a spec ending in profile_head) returns its counts, (batch, targets); set, it
  // returns (batch, targets + targets x profile length): the counts, then each target's profile
  // logits (what training and profile metrics read).
  bool emit_profiles = false;
  // Set (> 0) with emit_profiles: the input is one long stretch, `profile_tiles` profiles long plus
  // the window's flanks, and the head returns (batch x tiles, targets + targets x profile length):
  // every tile as the window centred on it would give it, the trunk computed once for all
  // (scan --shared-trunk). Exact for trunks of valid convolutions; "same" padding differs near
  // window edges, where a lone window sees zeros and the stretch real bases.
  std::int64_t profile_tiles = 0;
};

// Dropout of (rows, features) `x` in training mode: keyed masks when `rows` is set.
torch::Tensor row_keyed_dropout(const torch::Tensor& x, double p, bool training, const std::optional<BatchRows>& rows);
using SequenceModel = std::shared_ptr<SequenceModelImpl>;

// Builds an untrained model (parameters initialised from torch's global generator).
SequenceModel build_model(const ModelConfig& config);

// Forward pass in batches under InferenceMode; returns (rows, targets) on the CPU.
torch::Tensor predict_in_batches(SequenceModelImpl& model, const torch::Tensor& input, std::int64_t batch_size,
                                 const torch::Device& device);
// Which strand of each sequence a prediction reads: as given, or its reverse complement.
enum class Strand { forward, reverse };
// Every sequence of `data` (of `length` bases), encoded `chunk` rows at a time (memory bounded by
// the chunk) and passed to `predict` (code rows -> (rows, targets) on the CPU): rows x targets,
// row-major.
std::vector<float> predict_in_chunks(const SequenceData& data, std::int64_t length, std::int64_t chunk,
                                     const std::function<torch::Tensor(const torch::Tensor&)>& predict,
                                     Strand strand = Strand::forward);
// predict_in_chunks through predict_in_batches(model).
std::vector<float> predict_sequences(SequenceModelImpl& model, const SequenceData& data, std::int64_t length,
                                     std::int64_t batch_size, const torch::Device& device,
                                     Strand strand = Strand::forward);

// How the fused CPU engine (train/fused/) trains an architecture: which of its kernels, and the
// module's parameters in the kernels' order. cnn: conv weight (filters, 4, kernel), conv bias,
// dense weight (targets, filters x positions), dense bias. linear: weight (targets, 4 x length), bias.
struct FusedLayout {
  enum class Kernels { none, cnn, linear } kernels = Kernels::none;
  std::vector<std::string> parameters;
};

// One entry per architecture file (src/models/<name>.cpp); registry.cpp lists them.
struct ArchitectureEntry {
  ArchitectureInfo info;
  std::function<SequenceModel(const ModelConfig&)> build;
  // TorchScript source of `def logits(self, x)` for `dnacnn export`: x is (batch, length, 4), the
  // parameters are attributes named like the weights with '.' as '_' (conv.weight -> self.conv_weight).
  std::function<std::string(const ModelConfig&)> torchscript;
  FusedLayout fused = {};  // none: the LibTorch engine only
};

// The architecture's entry in the registry (UsageError for an unknown name).
const ArchitectureEntry& architecture_entry(const std::string& name);
// How the fused engine trains the config's model (Kernels::none: it cannot).
FusedLayout fused_layout(const ModelConfig& config);
// Whether the fused engine has kernels for the config's architecture.
bool has_fused_kernels(const ModelConfig& config);

// Rows encoded and predicted at a time when a whole data set is predicted: memory stays bounded.
inline constexpr std::int64_t kPredictChunkRows = 8192;

// The TorchScript source of the architecture (see ArchitectureEntry::torchscript).
std::string torchscript_logits(const ModelConfig& config);
// The same for a model built from a spec (spec_torchscript.cpp).
std::string spec_torchscript(const ModelConfig& config);
ArchitectureEntry linear_architecture();
ArchitectureEntry cnn_architecture();
ArchitectureEntry deep_cnn_architecture();

}  // namespace dnacnn

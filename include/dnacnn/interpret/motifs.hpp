// What a CNN's first-layer filters learned, as motifs: for each filter, the sequence windows that
// activate it above a threshold are stacked into a count matrix, a position frequency matrix (PFM)
// and an information-content logo (DeepBind/Basset style). Torch-free: the activations of a
// convolution on one-hot input are sums of filter columns, computed straight from the weights.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/io/safetensors.hpp"

namespace dnacnn {

using Column = std::array<double, 4>;  // A, C, G, T

// A motif as probabilities per position (rows sum to 1), like MEME's letter-probability matrix.
struct Motif {
  std::string id;
  std::string name;          // optional second name (JASPAR's TF name)
  std::vector<Column> probs;
  long nsites = 0;

  std::size_t width() const { return probs.size(); }
};

Motif reverse_complement(const Motif& m);
// Bits of each column against a uniform background: 2 + sum p log2 p (0..2).
std::vector<double> information_content(const std::vector<Column>& probs);
// IUPAC-free consensus: the most likely base per column, lowercase when it has < 0.5 probability,
// 'N' for a column that is flat.
std::string consensus(const std::vector<Column>& probs);

// A first convolution layer: weights [filter][channel A,C,G,T][offset] and one bias per filter.
struct ConvFilters {
  std::int64_t filters = 0, channels = 4, width = 0;
  std::vector<float> weight;  // filters x 4 x width
  std::vector<float> bias;    // filters
  float w(std::int64_t f, int c, std::int64_t j) const { return weight[static_cast<std::size_t>((f * 4 + c) * width + j)]; }
};

// The convolution on the one-hot input: `prefix`.weight (filters, 4, width) and `prefix`.bias among
// a model's weights, `prefix` being its architecture's first_conv. Error when the model has none.
ConvFilters first_conv_layer(const std::vector<io::NamedTensor>& weights, const std::string& prefix,
                             const std::string& source);

struct MotifOptions {
  double threshold = 0;                     // a window counts when its activation is > threshold
  std::optional<double> relative_threshold;  // instead: > this fraction of the filter's max over the data
  double pseudocount = 0.5;                 // added to every count before normalising
};

struct FilterMotif {
  std::int64_t filter = 0;
  long sites = 0;                   // windows above the threshold
  double max_activation = 0;        // over all windows of the data
  double threshold_used = 0;
  std::vector<Column> counts;       // width x 4, without the pseudocount
  Motif motif;                      // PFM (with pseudocount), id "filterN"; empty probs when sites == 0
  double ic_total = 0;
  std::string consensus;            // "-" when the filter never fires
};

// Scans every window of every sequence. Windows containing N still count (N adds no letter).
std::vector<FilterMotif> filter_motifs(const ConvFilters& conv, const SequenceData& data, const MotifOptions& options);

}  // namespace dnacnn

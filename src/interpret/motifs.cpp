#include "dnacnn/interpret/motifs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dnacnn/data/encode.hpp"
#include "dnacnn/core/error.hpp"

namespace dnacnn {

Motif reverse_complement(const Motif& m) {
  Motif rc = m;
  std::reverse(rc.probs.begin(), rc.probs.end());
  for (Column& c : rc.probs) std::reverse(c.begin(), c.end());  // A<->T, C<->G in ACGT order
  return rc;
}

std::vector<double> information_content(const std::vector<Column>& probs) {
  std::vector<double> ic;
  for (const Column& c : probs) {
    double h = 0;
    for (double p : c)
      if (p > 0) h -= p * std::log2(p);
    ic.push_back(std::max(0.0, 2.0 - h));
  }
  return ic;
}

std::string consensus(const std::vector<Column>& probs) {
  std::string s;
  for (const Column& c : probs) {
    const auto best = static_cast<std::size_t>(std::max_element(c.begin(), c.end()) - c.begin());
    const bool flat = *std::max_element(c.begin(), c.end()) - *std::min_element(c.begin(), c.end()) < 1e-9;
    const char base = "ACGT"[best];
    s += flat ? 'N' : (c[best] < 0.5 ? static_cast<char>(base | 0x20) : base);
  }
  return s;
}

ConvFilters first_conv_layer(const std::vector<io::NamedTensor>& weights, const std::string& prefix,
                             const std::string& source) {
  const io::NamedTensor* w = nullptr;
  for (const auto& t : weights)
    if (!prefix.empty() && t.name == prefix + ".weight") w = &t;
  if (!w || w->shape.size() != 3 || w->shape[1] != 4)
    throw Error("the model has no convolution layer on the one-hot input (motifs need a CNN)", {source});
  const std::string bias_name = prefix + ".bias";
  ConvFilters conv;
  conv.filters = w->shape[0];
  conv.width = w->shape[2];
  conv.weight = w->values;
  conv.bias.assign(static_cast<std::size_t>(conv.filters), 0.0f);
  for (const auto& t : weights)
    if (t.name == bias_name && t.values.size() == conv.bias.size()) conv.bias = t.values;
  return conv;
}

namespace {

// Calls visit(filter, sequence, start, activation) for every window.
template <typename Visit>
void for_each_activation(const ConvFilters& conv, const SequenceData& data, Visit&& visit) {
  std::vector<int> codes;
  for (std::size_t s = 0; s < data.seqs.size(); ++s) {
    const std::string& seq = data.seqs[s];
    const auto L = static_cast<std::int64_t>(seq.size());
    if (L < conv.width) continue;
    codes.resize(seq.size());
    for (std::size_t i = 0; i < seq.size(); ++i) codes[i] = base_index(seq[i]);
    for (std::int64_t f = 0; f < conv.filters; ++f) {
      for (std::int64_t p = 0; p + conv.width <= L; ++p) {
        double a = conv.bias[static_cast<std::size_t>(f)];
        for (std::int64_t j = 0; j < conv.width; ++j) {
          const int c = codes[static_cast<std::size_t>(p + j)];
          if (c < 4) a += conv.w(f, c, j);
        }
        visit(f, s, p, a);
      }
    }
  }
}

}  // namespace

std::vector<FilterMotif> filter_motifs(const ConvFilters& conv, const SequenceData& data, const MotifOptions& options) {
  if (options.relative_threshold && !(*options.relative_threshold >= 0 && *options.relative_threshold <= 1))
    throw UsageError("--relative-threshold must be between 0 and 1");
  if (!(options.pseudocount >= 0)) throw UsageError("--pseudocount must be zero or positive");
  const auto F = static_cast<std::size_t>(conv.filters);
  std::vector<FilterMotif> out(F);
  std::vector<double> max_act(F, -std::numeric_limits<double>::infinity());
  for_each_activation(conv, data, [&](std::int64_t f, std::size_t, std::int64_t, double a) {
    max_act[static_cast<std::size_t>(f)] = std::max(max_act[static_cast<std::size_t>(f)], a);
  });
  for (std::size_t f = 0; f < F; ++f) {
    out[f].filter = static_cast<std::int64_t>(f);
    out[f].max_activation = std::isfinite(max_act[f]) ? max_act[f] : 0;
    out[f].threshold_used = options.relative_threshold ? *options.relative_threshold * std::max(0.0, out[f].max_activation)
                                                       : options.threshold;
    out[f].counts.assign(static_cast<std::size_t>(conv.width), Column{0, 0, 0, 0});
  }
  for_each_activation(conv, data, [&](std::int64_t f, std::size_t s, std::int64_t p, double a) {
    FilterMotif& m = out[static_cast<std::size_t>(f)];
    if (!(a > m.threshold_used)) return;
    ++m.sites;
    for (std::int64_t j = 0; j < conv.width; ++j) {
      const int c = base_index(data.seqs[s][static_cast<std::size_t>(p + j)]);
      if (c < 4) m.counts[static_cast<std::size_t>(j)][static_cast<std::size_t>(c)] += 1;
    }
  });
  for (FilterMotif& m : out) {
    m.motif.id = "filter" + std::to_string(m.filter);
    m.motif.nsites = m.sites;
    if (m.sites == 0) {
      m.consensus = "-";
      continue;
    }
    for (const Column& c : m.counts) {
      const double total = c[0] + c[1] + c[2] + c[3] + 4 * options.pseudocount;
      Column p{};
      for (int b = 0; b < 4; ++b) p[b] = total > 0 ? (c[b] + options.pseudocount) / total : 0.25;
      m.motif.probs.push_back(p);
    }
    const std::vector<double> ic = information_content(m.motif.probs);
    for (double v : ic) m.ic_total += v;
    m.consensus = consensus(m.motif.probs);
  }
  return out;
}

}  // namespace dnacnn

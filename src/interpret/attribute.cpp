#include "dnacnn/interpret/attribute.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dnacnn/data/encode.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/data/intervals.hpp"
#include "dnacnn/interpret/attribution_track.hpp"
#include "dnacnn/interpret/logos.hpp"
#include "dnacnn/io/genome.hpp"
#include "dnacnn/infer/predict.hpp"
#include "report/html.hpp"
#include "report/page.hpp"

namespace dnacnn {

namespace {

std::string attribution_logo(const std::string& seq, const SequenceAttribution& a, const std::string& title,
                             const std::string& method) {
  std::vector<Column> heights(seq.size(), Column{});
  double lo = 0, hi = 0;
  for (std::size_t i = 0; i < seq.size(); ++i) {
    const int b = base_index(seq[i]);
    if (b >= kChannels) continue;
    heights[i][static_cast<std::size_t>(b)] = a.observed[i];
    lo = std::min(lo, double(a.observed[i]));
    hi = std::max(hi, double(a.observed[i]));
  }
  if (hi - lo < 1e-12) hi = lo + 1;
  return logo_svg(heights, lo, hi, method + " attribution", title, score_logo_axis(seq.size(), lo, hi));
}

std::string sequence_label(const SequenceData& data, std::size_t i) {
  return data.ids.empty() ? "seq" + std::to_string(i + 1) : data.ids[i];
}

// The attributions of `part`, and their predictions as `predict` gives them (probabilities for
// binary models). --fit windows: every window attributed, each base's values averaged over the
// windows covering it, the prediction aggregated over the windows.
std::pair<std::vector<SequenceAttribution>, std::vector<float>> attribute_part(
    const Attributor& attributor, const std::vector<std::string>& part, const AttributeRequest& r, std::size_t target) {
  const ModelConfig& config = attributor.config();
  const auto in_output_scale = [&](const std::vector<SequenceAttribution>& all) {
    std::vector<float> predictions;
    for (const SequenceAttribution& a : all) predictions.push_back(a.prediction);
    // deepshap and ig: on the attributed scale (logits for binary models), as reference_mean is.
    if (!has_references(r.method)) to_output_scale(config, predictions);
    return predictions;
  };
  if (r.fit.fit != Fit::windows) {
    std::vector<SequenceAttribution> all = attributor.attribute(part, r.method, target, r.options);
    std::vector<float> predictions = in_output_scale(all);
    return {std::move(all), std::move(predictions)};
  }
  SequenceData rows;
  rows.seqs = part;
  const Windows windows = cut_windows(rows, config.length, r.fit);
  const std::vector<SequenceAttribution> each = attributor.attribute(windows.data.seqs, r.method, target, r.options);
  const std::vector<float> predictions =
      aggregate_windows(in_output_scale(each), windows.row, rows.size(), 1, r.fit.aggregate);
  std::vector<SequenceAttribution> merged(part.size());
  std::vector<std::vector<int>> covered(part.size());
  std::vector<int> windows_of(part.size(), 0);
  for (std::size_t w = 0; w < each.size(); ++w) {  // the references' mean output, averaged over windows
    const auto i = static_cast<std::size_t>(windows.row[w]);
    merged[i].reference_mean += each[w].reference_mean;
    ++windows_of[i];
  }
  for (std::size_t i = 0; i < part.size(); ++i) {
    merged[i].reference_mean /= static_cast<float>(std::max(windows_of[i], 1));
    merged[i].scores.assign(part[i].size() * kChannels, 0.0f);
    merged[i].observed.assign(part[i].size(), 0.0f);
    covered[i].assign(part[i].size(), 0);
  }
  for (std::size_t w = 0; w < each.size(); ++w) {
    const auto i = static_cast<std::size_t>(windows.row[w]);
    const auto n = static_cast<std::int64_t>(part[i].size());
    for (std::int64_t p = 0; p < config.length; ++p) {
      const std::int64_t pos = windows.start[w] + p;
      if (pos < 0 || pos >= n) continue;  // N-padding around a short sequence
      const auto at = static_cast<std::size_t>(pos);
      for (int c = 0; c < kChannels; ++c) merged[i].scores[at * kChannels + c] += each[w].scores[static_cast<std::size_t>(p * kChannels + c)];
      merged[i].observed[at] += each[w].observed[static_cast<std::size_t>(p)];
      ++covered[i][at];
    }
  }
  for (std::size_t i = 0; i < part.size(); ++i)
    for (std::size_t at = 0; at < part[i].size(); ++at) {
      const float k = static_cast<float>(std::max(covered[i][at], 1));
      for (int c = 0; c < kChannels; ++c) merged[i].scores[at * kChannels + c] /= k;
      merged[i].observed[at] /= k;
    }
  return {std::move(merged), predictions};
}

// attributions.safetensors, written as the sequences are attributed: the header first (all sizes
// are known), then each sequence's rows at their offsets in the three tensors.
class AttributionTensors {
 public:
  AttributionTensors(const std::filesystem::path& path, std::size_t n, std::size_t length,
                     const std::map<std::string, std::string>& metadata)
      : file_(path), n_(n), length_(length) {
    nlohmann::json header = nlohmann::json::object();
    header["__metadata__"] = metadata;
    const std::uint64_t planes = n * length * sizeof(float);
    const auto shape = [&](bool channels) {
      return channels ? std::vector<std::uint64_t>{n, length, kChannels} : std::vector<std::uint64_t>{n, length};
    };
    header["attributions"] = {{"dtype", "F32"}, {"shape", shape(true)}, {"data_offsets", {0, 4 * planes}}};
    header["attribution"] = {{"dtype", "F32"}, {"shape", shape(false)}, {"data_offsets", {4 * planes, 5 * planes}}};
    header["one_hot"] = {{"dtype", "F32"}, {"shape", shape(true)}, {"data_offsets", {5 * planes, 9 * planes}}};
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    const std::uint64_t size = text.size();
    file_.stream().write(reinterpret_cast<const char*>(&size), sizeof size);
    file_.stream().write(text.data(), static_cast<std::streamsize>(text.size()));
    data_ = static_cast<std::streamoff>(8 + text.size());
    // The whole data area, zero (short sequences stay zero-padded).
    const std::vector<char> zeros(1 << 16, 0);
    for (std::uint64_t left = 9 * planes; left > 0;) {
      const auto k = static_cast<std::streamsize>(std::min<std::uint64_t>(left, zeros.size()));
      file_.stream().write(zeros.data(), k);
      left -= static_cast<std::uint64_t>(k);
    }
  }
  void add(std::size_t i, const std::string& seq, const SequenceAttribution& a) {
    std::vector<float> onehot(seq.size() * kChannels, 0.0f);
    for (std::size_t p = 0; p < seq.size(); ++p)
      if (const int b = base_index(seq[p]); b < kChannels) onehot[p * kChannels + static_cast<std::size_t>(b)] = 1;
    const auto planes = static_cast<std::streamoff>(n_ * length_ * sizeof(float));
    const auto row = static_cast<std::streamoff>(i * length_ * sizeof(float));
    put(data_ + 4 * row, a.scores);
    put(data_ + 4 * planes + row, a.observed);
    put(data_ + 5 * planes + 4 * row, onehot);
  }
  void commit() { file_.commit(); }
  // Where sequence i's `attribution` row starts in the file.
  std::streamoff observed_offset(std::size_t i) const {
    return data_ + static_cast<std::streamoff>((4 * n_ * length_ + i * length_) * sizeof(float));
  }

 private:
  void put(std::streamoff at, const std::vector<float>& values) {
    file_.stream().seekp(at);
    file_.stream().write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
  }
  io::AtomicFile file_;
  std::size_t n_, length_;
  std::streamoff data_ = 0;
};

// attribute --bigwig: each sequence's place in the genome from its id chr:start-end, checked before
// anything is attributed.
std::vector<Interval> genomic_places(const SequenceData& data, const std::filesystem::path& genome_path) {
  const io::Genome genome(genome_path);
  std::vector<Interval> places;
  for (std::size_t i = 0; i < data.seqs.size(); ++i) {
    const std::string id = sequence_label(data, i);
    const SourceLocation where{data.source, data.lines.empty() ? 0 : data.lines[i]};
    const std::optional<Interval> place = parse_interval_id(id);
    if (!place)
      throw Error(fmt::format("--bigwig places each sequence by its id chr:start-end (as --bed and a --bed run's "
                              "predictions.tsv name them); '{}' is not one",
                              id),
                  where);
    genome.length(place->chrom, where);  // an Error naming the genome's sequences when absent
    if (place->end - place->start != static_cast<std::int64_t>(data.seqs[i].size()))
      throw Error(fmt::format("'{}' spans {} bases but the sequence has {}: --bigwig needs the sequences at "
                              "their ids' coordinates (not cropped: --fit windows attributes longer ones)",
                              id, place->end - place->start, data.seqs[i].size()),
                  where);
    places.push_back(*place);
  }
  return places;
}

// attribute --bigwig: attributions.bw from the `attribution` rows of the committed
// attributions.safetensors, read back one window at a time.
void write_attribution_track(const AttributeRequest& r, const SequenceData& data, const std::vector<Interval>& places,
                             const AttributionTensors& tensors, Progress& progress) {
  const std::filesystem::path stored = r.out / "attributions.safetensors";
  std::ifstream in(stored, std::ios::binary);
  const RegionTrackStats s = write_region_track(r.out / "attributions.bw", io::Genome(r.genome), places, [&](std::size_t i) {
    std::vector<float> values(data.seqs[i].size());
    in.seekg(tensors.observed_offset(i));
    in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
    if (!in) throw Error("cannot read back the attributions", {stored.string()});
    return values;
  });
  progress.log(fmt::format("attributions.bw: {} bases ({} covered by overlapping sequences: nearest centre's)",
                           s.bases, s.overlapped));
}

}  // namespace

// The --model values as given, for the report and the safetensors metadata.
static std::string model_names(const std::vector<std::filesystem::path>& models) {
  std::string names;
  for (const auto& m : models) names += (names.empty() ? "" : " ") + m.string();
  return names;
}

AttributeResult run_attribute(const AttributeRequest& r, Progress& progress) {
  if (r.logos < 0) throw UsageError("--logos must be 0 or more");
  const Attributor attributor = Attributor::load(r.models, r.device);
  const ModelConfig& config = attributor.config();
  std::size_t target = 0;
  if (!r.target.empty()) {
    const auto it = std::find(config.targets.begin(), config.targets.end(), r.target);
    if (it == config.targets.end()) throw UsageError("--target '" + r.target + "' is not one of the model's targets");
    target = static_cast<std::size_t>(it - config.targets.begin());
  }
  const AttributionOptions& o = r.options;
  const bool references = has_references(r.method);
  if (o.hypothetical && !references) throw UsageError("--hypothetical is for --method deepshap and ig");
  if (r.method == AttributionMethod::deepshap && o.n_shuffles < 1) throw UsageError("--n-shuffles must be at least 1");
  if (r.method == AttributionMethod::ig && o.steps < 1) throw UsageError("--steps must be at least 1");
  if (o.window_end >= 0) {
    if (r.method != AttributionMethod::ism) throw UsageError("--window is for --method ism");
    if (r.fit.fit == Fit::windows) throw UsageError("--window needs sequences of the model's length, not --fit windows");
    if (o.window_start < 0 || o.window_start >= o.window_end || o.window_end > config.length)
      throw UsageError(fmt::format("--window must be START:END with 1 <= START <= END <= {} (the model's length)", config.length));
  }
  const SequenceData data = r.beds.empty() ? read_sequence_table(r.in, input_options_for(config, r.table, r.fit))
                                            : read_interval_sequences(r.beds, r.genome, config.length);
  for (std::size_t i = 0; i < data.seqs.size() && r.fit.fit != Fit::windows; ++i)
    if (static_cast<std::int64_t>(data.seqs[i].size()) != config.length)
      throw Error(fmt::format("sequence '{}' has {} bases, the model expects {} (--fit crop or --fit windows "
                              "attribute other lengths)",
                              sequence_label(data, i), data.seqs[i].size(), config.length),
                  {data.source, data.lines.empty() ? 0 : data.lines[i]});
  const std::vector<Interval> places = r.bigwig ? genomic_places(data, r.genome) : std::vector<Interval>{};
  io::ensure_directory(r.out);
  io::ensure_directory(r.out / "logos");

  const std::string method = attribution_method_name(r.method);
  io::AtomicFile table(r.out / "attributions.tsv"), summary(r.out / "sequences.tsv");
  table.stream() << "id\tpos\tbase\tA\tC\tG\tT\tattribution\n";
  summary.stream() << (references ? "id\tprediction\tattribution_sum\treference_mean\n" : "id\tprediction\tattribution_sum\n");
  std::size_t longest = 0;
  for (const auto& seq : data.seqs) longest = std::max(longest, seq.size());
  AttributionTensors tensors(r.out / "attributions.safetensors", data.seqs.size(), longest,
                             {{"method", method},
                              {"target", config.targets[target]},
                              {"hypothetical", o.hypothetical ? "true" : "false"},
                              {"model", model_names(r.models)}});
  std::vector<report::Block> blocks;
  AttributeResult result;
  const auto start = std::chrono::steady_clock::now();
  constexpr std::size_t kChunk = 256;  // sequences per call: bounded memory for any input size
  for (std::size_t c = 0; c < data.seqs.size(); c += kChunk) {
    const std::vector<std::string> part(data.seqs.begin() + static_cast<std::ptrdiff_t>(c),
                                        data.seqs.begin() + static_cast<std::ptrdiff_t>(std::min(c + kChunk, data.seqs.size())));
    const auto [attributions, predictions] = attribute_part(attributor, part, r, target);
    for (std::size_t k = 0; k < part.size(); ++k) {
      const std::size_t i = c + k;
      const SequenceAttribution& a = attributions[k];
      const std::string id = sequence_label(data, i);
      std::string rows;
      double sum = 0;
      for (std::size_t p = 0; p < part[k].size(); ++p) {
        const float* s = a.scores.data() + p * kChannels;
        fmt::format_to(std::back_inserter(rows), "{}\t{}\t{}\t{:.6g}\t{:.6g}\t{:.6g}\t{:.6g}\t{:.6g}\n", id, p + 1,
                       part[k][p], s[0], s[1], s[2], s[3], a.observed[p]);
        sum += a.observed[p];
      }
      table.stream() << rows;
      tensors.add(i, part[k], a);
      summary.stream() << fmt::format("{}\t{:.6g}\t{:.6g}", id, predictions[k], sum);
      // On the attributed scale (logits for binary models), so that anyone can check
      // attribution_sum = prediction - reference_mean against the logit of `prediction`.
      summary.stream() << (references ? fmt::format("\t{:.6g}\n", a.reference_mean) : "\n");
      if (static_cast<std::int64_t>(i) < r.logos) {
        const std::string svg = attribution_logo(part[k], a, fmt::format("{} ({} = {:.4g})", id, config.targets[target], predictions[k]), method);
        io::write_file_atomically(r.out / "logos" / fmt::format("{}_{}.svg", i + 1, report::file_slug(id)), svg);
        blocks.push_back(report::Html{"<div class=\"card\">" + svg + "</div>\n"});
        ++result.logos;
      }
    }
    result.sequences += static_cast<std::int64_t>(part.size());
    progress.update(fmt::format("attribute: {}/{} sequences", result.sequences, data.size()));
  }
  table.commit();
  summary.commit();
  tensors.commit();
  if (r.bigwig) write_attribution_track(r, data, places, tensors, progress);
  const std::string intro = fmt::format(
      "<p>{} attribution of <code>{}</code> ({}) for {} sequences from <code>{}</code>; the first {} are drawn. "
      "Letter height is the attribution of the base in the sequence; every base's values are in "
      "<code>attributions.tsv</code>.</p>\n",
      report::escape_html(method), report::escape_html(config.targets[target]), report::escape_html(config.arch),
      result.sequences, report::escape_html(data.source), result.logos);
  blocks.insert(blocks.begin(), report::Html{intro});
  io::write_file_atomically(r.out / "report.html",
                            report::render_page({"dnacnn attribution", model_names(r.models)},
                                                {report::Section{"attribution", "Attribution logos", blocks}}));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace dnacnn

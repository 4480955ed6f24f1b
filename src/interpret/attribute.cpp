#include "dnacnn/interpret/attribute.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "dnacnn/data/encode.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/interpret/logos.hpp"
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
    to_output_scale(config, predictions);
    return predictions;
  };
  if (r.fit.fit != Fit::windows) {
    std::vector<SequenceAttribution> all = attributor.attribute(part, r.method, target);
    std::vector<float> predictions = in_output_scale(all);
    return {std::move(all), std::move(predictions)};
  }
  SequenceData rows;
  rows.seqs = part;
  const Windows windows = cut_windows(rows, config.length, r.fit);
  const std::vector<SequenceAttribution> each = attributor.attribute(windows.data.seqs, r.method, target);
  const std::vector<float> predictions =
      aggregate_windows(in_output_scale(each), windows.row, rows.size(), 1, r.fit.aggregate);
  std::vector<SequenceAttribution> merged(part.size());
  std::vector<std::vector<int>> covered(part.size());
  for (std::size_t i = 0; i < part.size(); ++i) {
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

}  // namespace

AttributeResult run_attribute(const AttributeRequest& r, Progress& progress) {
  if (r.logos < 0) throw UsageError("--logos must be 0 or more");
  const Attributor attributor = Attributor::load(r.model_dir, r.device);
  const ModelConfig& config = attributor.config();
  std::size_t target = 0;
  if (!r.target.empty()) {
    const auto it = std::find(config.targets.begin(), config.targets.end(), r.target);
    if (it == config.targets.end()) throw UsageError("--target '" + r.target + "' is not one of the model's targets");
    target = static_cast<std::size_t>(it - config.targets.begin());
  }
  const SequenceData data = read_sequence_table(r.in, input_options_for(config, r.table, r.fit));  // FASTA or table
  for (std::size_t i = 0; i < data.seqs.size() && r.fit.fit != Fit::windows; ++i)
    if (static_cast<std::int64_t>(data.seqs[i].size()) != config.length)
      throw Error(fmt::format("sequence '{}' has {} bases, the model expects {} (--fit crop or --fit windows "
                              "attribute other lengths)",
                              sequence_label(data, i), data.seqs[i].size(), config.length),
                  {data.source, data.lines.empty() ? 0 : data.lines[i]});
  io::ensure_directory(r.out);
  io::ensure_directory(r.out / "logos");

  const std::string method = attribution_method_name(r.method);
  io::AtomicFile table(r.out / "attributions.tsv"), summary(r.out / "sequences.tsv");
  table.stream() << "id\tpos\tbase\tA\tC\tG\tT\tattribution\n";
  summary.stream() << "id\tprediction\tattribution_sum\n";
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
      summary.stream() << fmt::format("{}\t{:.6g}\t{:.6g}\n", id, predictions[k], sum);
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
  const std::string intro = fmt::format(
      "<p>{} attribution of <code>{}</code> ({}) for {} sequences from <code>{}</code>; the first {} are drawn. "
      "Letter height is the attribution of the base in the sequence; every base's values are in "
      "<code>attributions.tsv</code>.</p>\n",
      report::escape_html(method), report::escape_html(config.targets[target]), report::escape_html(config.arch),
      result.sequences, report::escape_html(data.source), result.logos);
  blocks.insert(blocks.begin(), report::Html{intro});
  io::write_file_atomically(r.out / "report.html",
                            report::render_page({"dnacnn attribution", r.model_dir.string()},
                                                {report::Section{"attribution", "Attribution logos", blocks}}));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace dnacnn

#include "dnacnn/genome/scan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "dnacnn/core/device.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/data/intervals.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/io/bed.hpp"
#include "dnacnn/io/bigwig.hpp"
#include "dnacnn/io/genome.hpp"
#include "dnacnn/models/model_store.hpp"
#include "dnacnn/infer/predict.hpp"

namespace dnacnn {

namespace {

bool is_table(const std::filesystem::path& out) { return out.extension() == ".tsv"; }
bool is_bigwig_path(const std::filesystem::path& out) { return out.extension() == ".bw"; }

// One chunk's results: formatted lines per output file, or (bigWig) its bins and values.
struct ChunkOutput {
  std::vector<std::string> text;
  std::vector<std::pair<std::int64_t, std::int64_t>> bins;
  std::vector<float> values;  // bins x targets
  std::int64_t windows = 0;
};

// Every sequence, or the BED regions clipped to their sequences, sorted by name and start and merged.
std::vector<Interval> scan_regions(const io::Genome& genome, const ScanRequest& r) {
  std::vector<Interval> regions;
  if (!r.regions) {
    for (const auto& name : genome.names()) regions.push_back({name, 0, genome.length(name)});
  } else {
    for (const io::BedRecord& b : io::read_bed(*r.regions)) {
      const std::int64_t len = genome.length(b.chrom, {r.regions->string(), b.line, 1});
      const Interval clipped{b.chrom, std::min(b.start, len), std::min(b.end, len)};
      if (clipped.end > clipped.start) regions.push_back(clipped);
    }
  }
  std::sort(regions.begin(), regions.end(),
            [](const Interval& a, const Interval& b) { return std::tie(a.chrom, a.start) < std::tie(b.chrom, b.start); });
  std::vector<Interval> merged;
  for (const Interval& i : regions) {
    if (!merged.empty() && merged.back().chrom == i.chrom && i.start <= merged.back().end)
      merged.back().end = std::max(merged.back().end, i.end);
    else
      merged.push_back(i);
  }
  return merged;
}

// Regions cut into units of at most `chunk_bins` bins.
std::vector<Interval> chunks_of(const std::vector<Interval>& regions, std::int64_t step, std::int64_t chunk_bins) {
  std::vector<Interval> chunks;
  const std::int64_t span = step * chunk_bins;
  for (const Interval& r : regions)
    for (std::int64_t s = r.start; s < r.end; s += span) chunks.push_back({r.chrom, s, std::min(s + span, r.end)});
  return chunks;
}

// One worker's tools: its own genome handle (faidx is not thread-safe) and network.
struct Worker {
  io::Genome genome;
  Predictor predictor;
};

// A profile model's windows predict every base of their central profile: each bin (at most the
// profile's length, so inside it) becomes one-base bins, with every track's predicted reads.
void to_base_bins(const Predictor& p, const SequenceData& data, const std::vector<std::int64_t>& windows,
                  const ScanRequest& r, ChunkOutput& out) {
  const std::int64_t bases = p.config().profile_length(), first = (p.config().length - bases) / 2;
  const std::size_t tracks = p.config().targets.size();
  const std::vector<float> profiles = p.predict_profiles(data, r.batch_size);
  std::vector<std::pair<std::int64_t, std::int64_t>> bins;
  std::vector<float> values;
  for (std::size_t w = 0; w < out.bins.size(); ++w) {
    const auto [b, e] = out.bins[w];
    for (std::int64_t pos = b; pos < e; ++pos) {
      const auto at = static_cast<std::size_t>(pos - windows[w] - first);
      bins.emplace_back(pos, pos + 1);
      for (std::size_t t = 0; t < tracks; ++t) values.push_back(profiles[(w * tracks + t) * static_cast<std::size_t>(bases) + at]);
    }
  }
  out.bins = std::move(bins);
  out.values = std::move(values);
}

// --shared-trunk: the chunk's bins (all one profile long but perhaps the last) in groups of
// kTilesPerPass, each group one stretch through the trunk. Bins past a region's end still get a
// whole tile (their bases beyond are dropped), as window by window.
constexpr std::int64_t kTilesPerPass = 64;

void to_base_bins_shared(Worker& w, const Interval& chunk, const std::string& around, std::int64_t from,
                         ChunkOutput& out) {
  const ModelConfig& c = w.predictor.config();
  const std::int64_t bases = c.profile_length(), flank = (c.length - bases) / 2;
  const std::size_t tracks = c.targets.size();
  std::vector<std::pair<std::int64_t, std::int64_t>> bins;
  std::vector<float> values;
  for (std::size_t g = 0; g < out.bins.size(); g += kTilesPerPass) {
    const std::size_t n = std::min<std::size_t>(kTilesPerPass, out.bins.size() - g);
    const std::int64_t first = out.bins[g].first;
    const auto tiles = static_cast<std::int64_t>(n);
    const std::string stretch = around.substr(static_cast<std::size_t>(first - flank - from),
                                              static_cast<std::size_t>(tiles * bases + c.length - bases));
    const std::vector<float> reads = w.predictor.predict_profile_tiles(stretch, tiles);
    for (std::size_t k = 0; k < n; ++k)
      for (std::int64_t pos = out.bins[g + k].first; pos < out.bins[g + k].second; ++pos) {
        const auto at = static_cast<std::size_t>(pos - first) % static_cast<std::size_t>(bases);
        bins.emplace_back(pos, pos + 1);
        for (std::size_t t = 0; t < tracks; ++t) values.push_back(reads[(k * tracks + t) * static_cast<std::size_t>(bases) + at]);
      }
  }
  out.bins = std::move(bins);
  out.values = std::move(values);
}

// The bins' values as bedGraph lines per target, or as one table.
void format_bins(const std::string& chrom, std::size_t n_targets, bool table, ChunkOutput& result) {
  std::vector<std::string>& out = result.text;
  out.resize(table ? 1 : n_targets);
  for (std::size_t i = 0; i < result.bins.size(); ++i) {
    const auto [b, e] = result.bins[i];
    if (table) {
      fmt::format_to(std::back_inserter(out[0]), "{}\t{}\t{}", chrom, b, e);
      for (std::size_t t = 0; t < n_targets; ++t) fmt::format_to(std::back_inserter(out[0]), "\t{:.6g}", result.values[i * n_targets + t]);
      out[0] += '\n';
    } else {
      for (std::size_t t = 0; t < n_targets; ++t)
        fmt::format_to(std::back_inserter(out[t]), "{}\t{}\t{}\t{:.6g}\n", chrom, b, e, result.values[i * n_targets + t]);
    }
  }
  result.bins.clear();
  result.values.clear();
}

// The predictions of one chunk: bins and values for bigWig, formatted lines for text outputs.
ChunkOutput scan_chunk(Worker& w, const Interval& chunk, const ScanRequest& r) {
  const std::int64_t length = w.predictor.config().length;
  const std::int64_t from = chunk.start - length, to = chunk.end + length;
  const std::string around = w.genome.fetch(chunk.chrom, from, to);
  SequenceData data;
  data.source = chunk.chrom;
  ChunkOutput result;
  std::vector<std::int64_t> windows;
  for (std::int64_t b = chunk.start; b < chunk.end; b += r.step) {
    const std::int64_t e = std::min(b + r.step, chunk.end);
    windows.push_back((b + e) / 2 - length / 2);
    data.seqs.push_back(around.substr(static_cast<std::size_t>(windows.back() - from), static_cast<std::size_t>(length)));
    result.bins.emplace_back(b, e);
  }
  result.windows = static_cast<std::int64_t>(windows.size());
  if (w.predictor.config().profile_length() > 0 && r.shared_trunk)
    to_base_bins_shared(w, chunk, around, from, result);
  else if (w.predictor.config().profile_length() > 0)
    to_base_bins(w.predictor, data, windows, r, result);
  else
    result.values = w.predictor.predict(data, r.batch_size, r.rc_average);
  if (!is_bigwig_path(r.out)) format_bins(chunk.chrom, w.predictor.config().targets.size(), is_table(r.out), result);
  return result;
}

// Chunks are handed out in order; a worker may run at most `ahead` chunks past the last one
// written, so finished-but-unwritten output (memory) stays bounded.
class OrderedPipeline {
 public:
  OrderedPipeline(std::size_t chunks, std::size_t ahead) : n_(chunks), ahead_(ahead) {}

  std::optional<std::size_t> take() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return error_ || next_ >= n_ || next_ < written_ + ahead_; });
    if (error_ || next_ >= n_) return std::nullopt;
    return next_++;
  }
  void finish(std::size_t i, ChunkOutput output) {
    std::lock_guard lock(m_);
    done_[i] = std::move(output);
    cv_.notify_all();
  }
  void fail(std::exception_ptr e) {
    std::lock_guard lock(m_);
    if (!error_) error_ = e;
    cv_.notify_all();
  }
  // Waits for chunk `i` (in order); nullopt after a worker failed.
  std::optional<ChunkOutput> wait_for(std::size_t i) {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return error_ || done_.count(i); });
    if (error_) return std::nullopt;
    auto out = std::move(done_[i]);
    done_.erase(i);
    written_ = i + 1;
    cv_.notify_all();
    return out;
  }
  std::exception_ptr error() {
    std::lock_guard lock(m_);
    return error_;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::size_t n_, ahead_, next_ = 0, written_ = 0;
  std::map<std::size_t, ChunkOutput> done_;
  std::exception_ptr error_;
};

}  // namespace

std::vector<std::filesystem::path> scan_output_paths(const std::filesystem::path& out,
                                                     const std::vector<std::string>& targets) {
  if (is_table(out) || targets.size() == 1) return {out};
  std::vector<std::filesystem::path> paths;
  const std::string ext = out.has_extension() ? out.extension().string() : ".bedGraph";
  for (const auto& t : targets) paths.push_back(out.parent_path() / (out.stem().string() + "." + t + ext));
  return paths;
}

namespace {

// The bin width: --step, else 50 bases, or a profile model's whole profile (windows then tile the
// genome). A profile model's bins must lie within a window's profile.
ScanRequest resolve_step(ScanRequest r, const ModelConfig& config) {
  const std::int64_t profile = config.profile_length();
  if (r.step == 0) r.step = profile > 0 ? profile : 50;
  if (r.step < 1) throw UsageError("--step must be at least 1");
  if (profile > 0 && r.step > profile)
    throw UsageError(fmt::format("--step {} is longer than the model's profile ({} bases): bins would have no prediction; "
                                 "use --step {} (the default) or less", r.step, profile, profile));
  if (r.shared_trunk && profile == 0)
    throw UsageError("--shared-trunk tiles a profile model's windows; this model predicts one value per window");
  if (r.shared_trunk && r.step != profile)
    throw UsageError(fmt::format("--shared-trunk tiles the genome with whole profiles: --step {} (the default)", profile));
  if (profile > 0 && r.rc_average)
    throw UsageError("--rc-average averages one value per window; a profile model's scan writes its profiles as predicted");
  return r;
}

}  // namespace

ScanResult run_scan(const ScanRequest& request, Progress& progress) {
  if (request.threads < 1) throw UsageError("--threads must be at least 1");
  std::vector<StoredModel> ensemble;
  std::vector<std::string> weights;
  for (const auto& dir : resolve_model_dirs(request.models)) {
    ensemble.push_back(load_model(dir));
    weights.push_back((dir / "weights.safetensors").string());
  }
  const StoredModel& stored = ensemble.front();
  const ScanRequest r = resolve_step(request, stored.config);
  const io::Genome genome(r.genome);
  // A profile model's window writes a value per base: fewer windows per chunk bound its memory
  // alike. Window by window, a chunk is one forward block (kPredictBlockRows windows); with
  // --shared-trunk one stretch, so that the threads share even a short region.
  const std::int64_t chunk_bins = stored.config.profile_length() == 0 ? r.chunk_bins
                                  : r.shared_trunk                    ? kTilesPerPass
                                                                      : std::min(r.chunk_bins, kPredictBlockRows);
  std::vector<Interval> chunks = chunks_of(scan_regions(genome, r), r.step, std::max<std::int64_t>(chunk_bins, 1));
  if (r.shard) {  // whole chunks per shard: each output stays in genome order, for merge
    std::vector<Interval> mine;
    for (std::size_t i = 0; i < chunks.size(); ++i)
      if (r.shard->owns(static_cast<std::int64_t>(i))) mine.push_back(chunks[i]);
    chunks = std::move(mine);
  }
  std::int64_t total = 0;
  for (const Interval& c : chunks) total += c.end - c.start;

  // Open every output before the work: an unwritable --out fails now, not after the scan.
  ScanResult result;
  result.outputs = scan_output_paths(r.out, stored.config.targets);
  if (r.shard)
    for (auto& p : result.outputs) p = shard_path(p, *r.shard);
  std::vector<std::unique_ptr<io::AtomicFile>> files;
  std::vector<std::unique_ptr<io::BigWigWriter>> tracks;
  if (is_bigwig_path(r.out)) {
    if (r.shard) throw UsageError("--shard writes bedGraph or .tsv shards (joined by dnacnn merge), not bigWig");
    for (const auto& p : result.outputs) tracks.push_back(std::make_unique<io::BigWigWriter>(p, io::bigwig_chroms(genome)));
  } else {
    for (const auto& p : result.outputs) files.push_back(std::make_unique<io::AtomicFile>(p));
  }
  if (is_table(r.out)) {
    files[0]->stream() << "chrom\tstart\tend";
    for (const auto& t : stored.config.targets) files[0]->stream() << '\t' << t;
    files[0]->stream() << '\n';
  }

  set_thread_count(1);  // parallel over chunks, one intra-op thread per worker
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < r.threads; ++t)
    workers.push_back(std::make_unique<Worker>(Worker{io::Genome(r.genome), Predictor::from_stored(ensemble, weights, r.device)}));
  OrderedPipeline pipeline(chunks.size(), 2 * static_cast<std::size_t>(r.threads));
  std::vector<std::thread> threads;
  for (auto& w : workers)
    threads.emplace_back([&pipeline, &chunks, &r, worker = w.get()] {
      try {
        while (auto i = pipeline.take()) {
          pipeline.finish(*i, scan_chunk(*worker, chunks[*i], r));
        }
      } catch (...) {
        pipeline.fail(std::current_exception());
      }
    });

  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    auto done = pipeline.wait_for(i);
    if (!done) break;
    for (std::size_t f = 0; f < files.size(); ++f) files[f]->stream() << done->text[f];
    for (std::size_t t = 0; t < tracks.size(); ++t)
      for (std::size_t b = 0; b < done->bins.size(); ++b)
        tracks[t]->add(chunks[i].chrom, done->bins[b].first, done->bins[b].second, done->values[b * tracks.size() + t]);
    result.windows += done->windows;
    result.bases += chunks[i].end - chunks[i].start;
    progress.update(fmt::format("scan: {} {:.1f}% ({:.0f} bases/s)", chunks[i].chrom,
                                100.0 * static_cast<double>(result.bases) / static_cast<double>(std::max<std::int64_t>(total, 1)),
                                static_cast<double>(result.bases) / std::max(elapsed(), 1e-9)));
  }
  for (auto& t : threads) t.join();
  if (auto e = pipeline.error()) std::rethrow_exception(e);
  for (auto& f : files) f->commit();
  for (auto& t : tracks) t->commit();
  result.seconds = elapsed();
  return result;
}

}  // namespace dnacnn

#include "dnacnn/infer/predict.hpp"
#include "dnacnn/infer/profile_metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>
#include <fmt/format.h>
#include <ostream>

#include "dnacnn/core/error.hpp"
#include "dnacnn/data/sequence.hpp"
#include "dnacnn/io/sequence_reader.hpp"
#include "infer/loaded_model.hpp"
#include "models/models.hpp"
#include "models/tensors.hpp"

namespace dnacnn {

// On the CPU a forward pass over a few hundred rows keeps each layer's activations in cache; a
// GPU wants the whole batch at once.
constexpr std::int64_t kCpuForwardRows = kPredictBlockRows;

// `rows` rounded up to whole forward blocks: chunks of data then start where blocks start.
std::int64_t whole_blocks(std::int64_t rows) {
  return (std::max<std::int64_t>(rows, 1) + kPredictBlockRows - 1) / kPredictBlockRows * kPredictBlockRows;
}

// `x` (rows <= kCpuForwardRows) grown to kCpuForwardRows rows with copies of its first row.
torch::Tensor padded_to_forward_rows(const torch::Tensor& x) {
  const std::int64_t missing = kCpuForwardRows - x.size(0);
  if (missing == 0) return x;
  std::vector<std::int64_t> shape = x.sizes().vec();
  shape[0] = missing;
  return torch::cat({x, x.narrow(0, 0, 1).expand(shape)});
}

torch::Tensor predict_in_batches(SequenceModelImpl& model, const torch::Tensor& input, std::int64_t batch_size,
                                 const torch::Device& device) {
  c10::InferenceMode inference;
  std::vector<torch::Tensor> parts;
  if (!device.is_cpu()) {
    for (std::int64_t b = 0; b < input.size(0); b += batch_size) {
      const std::int64_t len = std::min(batch_size, input.size(0) - b);
      parts.push_back(model.forward(input.narrow(0, b, len).to(device)).to(torch::kCPU));
    }
    return parts.size() == 1 ? parts.front() : torch::cat(parts);
  }
  // Every CPU forward has the same shape, kCpuForwardRows rows (a short tail is padded): LibTorch's
  // kernels choose algorithm, blocking and so rounding by shape and by a row's place among the
  // others (differently with AVX2 and AVX-512). Callers keep blocks where one process has them
  // (multiples of kPredictBlockRows from the data's first row), so shards, --batch-size, scan
  // chunks and thread shares all give one process's values, bit for bit.
  for (std::int64_t b = 0; b < input.size(0); b += kCpuForwardRows) {
    const std::int64_t len = std::min(kCpuForwardRows, input.size(0) - b);
    parts.push_back(model.forward(padded_to_forward_rows(input.narrow(0, b, len))).narrow(0, 0, len));
  }
  if (parts.empty()) return torch::empty({0, 0});
  return parts.size() == 1 ? parts.front() : torch::cat(parts);
}

struct Predictor::Impl {
  std::vector<std::shared_ptr<const LoadedModel>> members;
};

void check_ensemble(const std::vector<const ModelConfig*>& configs) {
  if (configs.empty()) throw UsageError("an ensemble needs at least one model");
  const ModelConfig& first = *configs.front();
  for (std::size_t i = 1; i < configs.size(); ++i) {
    const ModelConfig& c = *configs[i];
    const auto differ = [&](const std::string& what, const std::string& a, const std::string& b) {
      throw UsageError(fmt::format("the ensemble's models differ: model 1 has {} {}, model {} has {}", what, a, i + 1, b));
    };
    if (c.length != first.length) differ("input length", std::to_string(first.length), std::to_string(c.length));
    if (c.targets != first.targets)
      differ("targets", fmt::format("{}", fmt::join(first.targets, ",")), fmt::format("{}", fmt::join(c.targets, ",")));
    if (c.task != first.task) differ("task", std::string(task_name(first.task)), std::string(task_name(c.task)));
    if (c.pad != first.pad) differ("padding", first.pad, c.pad);
  }
}

Predictor::Predictor(std::shared_ptr<const LoadedModel> model)
    : impl_(std::make_unique<Impl>(Impl{{std::move(model)}})) {}
Predictor::Predictor(std::vector<std::shared_ptr<const LoadedModel>> members)
    : impl_(std::make_unique<Impl>(Impl{std::move(members)})) {
  std::vector<const ModelConfig*> configs;
  for (const auto& m : impl_->members) configs.push_back(&m->config);
  check_ensemble(configs);
}
Predictor::Predictor(Predictor&&) noexcept = default;
Predictor& Predictor::operator=(Predictor&&) noexcept = default;
Predictor::~Predictor() = default;

Predictor Predictor::from_stored(const StoredModel& stored, const std::string& source, const std::string& device) {
  return Predictor(load_for_inference(stored, source, device));
}

Predictor Predictor::from_stored(const std::vector<StoredModel>& stored, const std::vector<std::string>& sources,
                                 const std::string& device) {
  std::vector<std::shared_ptr<const LoadedModel>> members;
  for (std::size_t i = 0; i < stored.size(); ++i) members.push_back(load_for_inference(stored[i], sources.at(i), device));
  return Predictor(std::move(members));
}

Predictor Predictor::load(const std::filesystem::path& model_dir, const std::string& device) {
  return load(std::vector{model_dir}, device);
}

Predictor Predictor::load(const std::vector<std::filesystem::path>& models, const std::string& device) {
  std::vector<std::shared_ptr<const LoadedModel>> members;
  for (const auto& dir : resolve_model_dirs(models)) members.push_back(load_for_inference(dir, device));
  return Predictor(std::move(members));
}

const ModelConfig& Predictor::config() const { return impl_->members.front()->config; }
std::size_t Predictor::members() const { return impl_->members.size(); }

std::vector<float> predict_in_chunks(const SequenceData& data, std::int64_t length, std::int64_t chunk,
                                     const std::function<torch::Tensor(const torch::Tensor&)>& predict,
                                     Strand strand) {
  std::vector<float> out;
  std::vector<std::int64_t> rows;
  for (std::int64_t start = 0; start < data.size(); start += chunk) {
    rows.clear();
    for (std::int64_t r = start; r < std::min(start + chunk, data.size()); ++r) rows.push_back(r);
    BaseCodes codes = encode_codes(data, length, rows);
    if (strand == Strand::reverse)
      for (std::int64_t r = 0; r < codes.rows; ++r) reverse_complement_codes(codes.row(r));
    const std::vector<float> part = to_vector(predict(codes_tensor(std::move(codes))));
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

std::vector<float> predict_sequences(SequenceModelImpl& model, const SequenceData& data, std::int64_t length,
                                     std::int64_t batch_size, const torch::Device& device, Strand strand) {
  const std::int64_t chunk = device.is_cpu() ? whole_blocks(batch_size) : batch_size;
  return predict_in_chunks(
      data, length, chunk, [&](const torch::Tensor& x) { return predict_in_batches(model, x, chunk, device); }, strand);
}

void to_output_scale(const ModelConfig& config, std::vector<float>& outputs) {
  if (config.binary()) {
    for (float& v : outputs) v = 1.0f / (1.0f + std::exp(-v));
  } else if (config.loss == Loss::poisson) {
    // A Poisson model's network outputs the log of the rate.
    for (float& v : outputs) v = std::exp(v);
  }
}

// One model's predictions on the output scale, averaged over both strands with rc_average.
static std::vector<float> predict_one(const LoadedModel& m, const SequenceData& data, std::int64_t batch_size,
                                      bool rc_average) {
  std::vector<float> out = predict_sequences(*m.network, data, m.config.length, batch_size, m.device);
  to_output_scale(m.config, out);
  if (rc_average) {
    std::vector<float> back = predict_sequences(*m.network, data, m.config.length, batch_size, m.device, Strand::reverse);
    to_output_scale(m.config, back);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = (out[i] + back[i]) / 2;
  }
  return out;
}

// A profile model's raw outputs (rows, T + T x P) to predicted reads (or shares), summed into `sum`.
static void add_profile_reads(const std::vector<float>& raw, std::size_t rows, std::size_t tracks, std::size_t bases,
                              bool shares, std::vector<double>& sum) {
  const std::size_t width = tracks + tracks * bases;
  for (std::size_t row = 0; row < rows; ++row)
    for (std::size_t t = 0; t < tracks; ++t) {
      const double count = shares ? 1.0 : std::max(std::expm1(static_cast<double>(raw[row * width + t])), 0.0);
      const std::vector<double> part = softmax(std::span<const float>(raw.data() + row * width + tracks + t * bases, bases));
      double* out = sum.data() + (row * tracks + t) * bases;
      for (std::size_t i = 0; i < bases; ++i) out[i] += part[i] * count;
    }
}

std::vector<float> Predictor::predict_profiles(const SequenceData& data, std::int64_t batch_size, bool shares) const {
  const ModelConfig& c = config();
  const auto bases = static_cast<std::size_t>(c.profile_length());
  if (bases == 0) throw UsageError("this model predicts one value per target, not profiles");
  const std::size_t tracks = c.targets.size();
  std::vector<double> sum(static_cast<std::size_t>(data.size()) * tracks * bases, 0.0);
  for (const auto& m : impl_->members) {
    SequenceModelImpl& network = *m->network;
    network.emit_profiles = true;  // this Predictor's own networks; back off below, also on errors
    std::vector<float> raw;
    try {
      raw = predict_sequences(network, data, c.length, batch_size, m->device);
    } catch (...) {
      network.emit_profiles = false;
      throw;
    }
    network.emit_profiles = false;
    add_profile_reads(raw, static_cast<std::size_t>(data.size()), tracks, bases, shares, sum);
  }
  const double n = static_cast<double>(impl_->members.size());
  std::vector<float> out(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) out[i] = static_cast<float>(sum[i] / n);
  return out;
}

std::vector<float> Predictor::predict_profile_tiles(const std::string& stretch, std::int64_t tiles) const {
  const ModelConfig& c = config();
  const auto bases = static_cast<std::size_t>(c.profile_length());
  if (bases == 0) throw UsageError("this model predicts one value per target, not profiles");
  if (static_cast<std::int64_t>(stretch.size()) != tiles * c.profile_length() + c.length - c.profile_length())
    throw Error("internal error: a tiled stretch of the wrong length");
  SequenceData data;
  data.seqs = {stretch};
  const torch::Tensor codes = codes_tensor(encode_codes(data, static_cast<std::int64_t>(stretch.size()), {0}));
  const std::size_t tracks = c.targets.size();
  std::vector<double> sum(static_cast<std::size_t>(tiles) * tracks * bases, 0.0);
  for (const auto& m : impl_->members) {
    SequenceModelImpl& network = *m->network;
    network.emit_profiles = true;
    network.profile_tiles = tiles;
    std::vector<float> raw;
    try {
      c10::InferenceMode inference;
      raw = to_vector(network.forward(codes.to(m->device)).to(torch::kCPU).contiguous());
    } catch (...) {
      network.emit_profiles = false, network.profile_tiles = 0;
      throw;
    }
    network.emit_profiles = false, network.profile_tiles = 0;
    add_profile_reads(raw, static_cast<std::size_t>(tiles), tracks, bases, false, sum);
  }
  const double n = static_cast<double>(impl_->members.size());
  std::vector<float> out(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) out[i] = static_cast<float>(sum[i] / n);
  return out;
}

std::vector<float> Predictor::predict(const SequenceData& data, std::int64_t batch_size, bool rc_average,
                                      const FitOptions& fit) const {
  if (fit.fit == Fit::windows) {
    Windows windows;
    const std::vector<float> values = predict_windows(data, batch_size, rc_average, fit, windows);
    return aggregate_windows(values, windows.row, data.size(), config().targets.size(), fit.aggregate);
  }
  std::vector<float> out = predict_one(*impl_->members.front(), data, batch_size, rc_average);
  if (impl_->members.size() == 1) return out;
  // The members in order, summed in double: the same mean whatever the batch.
  std::vector<double> sum(out.begin(), out.end());
  for (std::size_t k = 1; k < impl_->members.size(); ++k) {
    const std::vector<float> more = predict_one(*impl_->members[k], data, batch_size, rc_average);
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += more[i];
  }
  const double n = static_cast<double>(impl_->members.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(sum[i] / n);
  return out;
}

std::vector<float> Predictor::predict_windows(const SequenceData& data, std::int64_t batch_size, bool rc_average,
                                              const FitOptions& fit, Windows& windows) const {
  windows = cut_windows(data, config().length, fit);
  return predict(windows.data, batch_size, rc_average);
}

TableOptions input_options_for(const ModelConfig& config, TableOptions options, const FitOptions& fit) {
  if (fit.fit == Fit::crop || (fit.fit == Fit::exact && !config.pad.empty())) {
    options.length = config.length;
    options.pad = fit.fit == Fit::crop ? fit.pad : parse_pad(config.pad);
  }
  return options;
}

TableOptions Predictor::input_options(TableOptions options, const FitOptions& fit) const {
  return input_options_for(config(), options, fit);
}

std::vector<Scores> evaluate(const Predictor& predictor, const SequenceData& data, bool rc_average,
                             const FitOptions& fit) {
  if (!data.has_targets()) throw Error("evaluation needs a target column", {data.source});
  const ModelConfig& config = predictor.config();
  if (data.n_targets() != config.targets.size())
    throw Error(fmt::format("the data has {} target column(s) ({}), the model predicts {} ({}); choose them with "
                            "--target-col",
                            data.n_targets(), fmt::join(data.target_names, ", "), config.targets.size(),
                            fmt::join(config.targets, ", ")),
                {data.source}, kExitUsageError);
  const std::vector<float> pred = predictor.predict(data, 4096, rc_average, fit);
  const std::size_t n_targets = config.targets.size();
  std::vector<Scores> scores;
  for (std::size_t t = 0; t < n_targets; ++t) {
    std::vector<float> p(static_cast<std::size_t>(data.size()));
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = pred[i * n_targets + t];
    scores.push_back(score_predictions(data.target_column(t), p, config.binary()));
  }
  return scores;
}

// --windows-out: one line per window, `id start end` (0-based, half-open, on the input sequence;
// negative or past its end where it was N-padded) and one column per target.
static void write_windows(std::ostream& out, const SequenceData& batch, const std::vector<std::int64_t>& numbers,
                   const Windows& windows, const std::vector<float>& values, const ModelConfig& config, bool header) {
  std::string text;
  if (header) {
    text = "id\tstart\tend";
    for (const auto& t : config.targets) text += '\t' + t;
    text += '\n';
  }
  const std::size_t n_targets = config.targets.size();
  for (std::size_t w = 0; w < windows.row.size(); ++w) {
    const auto r = static_cast<std::size_t>(windows.row[w]);
    if (batch.ids.empty())
      fmt::format_to(std::back_inserter(text), "{}", numbers[r]);
    else
      text += batch.ids[r];
    fmt::format_to(std::back_inserter(text), "\t{}\t{}", windows.start[w], windows.start[w] + config.length);
    for (std::size_t t = 0; t < n_targets; ++t) fmt::format_to(std::back_inserter(text), "\t{:.7g}", values[w * n_targets + t]);
    text += '\n';
  }
  out << text;
  if (!out) throw Error("write error (disk full?) on --windows-out");
}

PredictFileStats predict_file(const Predictor& predictor, const std::filesystem::path& in,
                              const PredictFileOptions& options, std::ostream& out, Progress& progress) {
  io::SequenceReader reader(in, predictor.input_options(options.input, options.fit));
  const ModelConfig& config = predictor.config();
  const std::size_t n_targets = config.targets.size();
  // The header goes out with the first batch: input that is bad from its first rows leaves the
  // output (stdout too) empty.
  std::string header = options.with_seq ? "id\tseq" : "id";
  for (const auto& t : config.targets) header += '\t' + t;
  header += '\n';
  PredictFileStats stats;
  const auto start = std::chrono::steady_clock::now();
  SequenceData batch;
  std::string text;
  std::int64_t records = 0;  // read so far, every shard's
  // Whole blocks per read: a record sits in the block (and so gets the bits) it has in any run.
  const std::int64_t batch_size = whole_blocks(options.batch_size);
  while (const std::int64_t read = reader.read(batch, batch_size)) {
    const std::vector<std::int64_t> numbers = keep_shard_rows(batch, records, options.shard);
    records += read;
    const auto n = static_cast<std::int64_t>(numbers.size());
    if (n == 0) continue;
    std::vector<float> values;
    if (options.fit.fit == Fit::windows) {
      Windows windows;
      const std::vector<float> each = predictor.predict_windows(batch, batch_size, options.rc_average, options.fit, windows);
      values = aggregate_windows(each, windows.row, batch.size(), n_targets, options.fit.aggregate);
      if (options.windows_out) write_windows(*options.windows_out, batch, numbers, windows, each, config, stats.windows == 0);
      stats.windows += static_cast<std::int64_t>(windows.row.size());
    } else {
      values = predictor.predict(batch, batch_size, options.rc_average);
    }
    text = stats.rows == 0 ? header : "";
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
      if (batch.ids.empty())
        fmt::format_to(std::back_inserter(text), "{}", numbers[i]);
      else
        text += batch.ids[i];
      if (options.with_seq) text += '\t' + batch.seqs[i];
      for (std::size_t t = 0; t < n_targets; ++t) fmt::format_to(std::back_inserter(text), "\t{:.7g}", values[i * n_targets + t]);
      text += '\n';
    }
    out << text;
    if (!out) throw Error("write error (disk full?)");
    stats.rows += n;
    stats.cropped += batch.cropped;
    stats.padded += batch.padded;
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.update(fmt::format("predicted {} sequences ({:.0f} seq/s)", stats.rows,
                                static_cast<double>(stats.rows) / std::max(stats.seconds, 1e-9)));
  }
  if (stats.rows == 0) out << header;  // a header-only table: an empty table of predictions
  return stats;
}

// --- loading a model to run (loaded_model.hpp)
std::shared_ptr<const LoadedModel> load_for_inference(const StoredModel& stored, const std::string& source,
                                                      const std::string& device) {
  auto m = std::make_shared<LoadedModel>();
  m->config = stored.config;
  m->device = parse_device(device);
  m->network = build_model(stored.config);
  import_weights(*m->network, stored.weights, source);
  m->network->to(m->device);
  m->network->eval();
  return m;
}

std::shared_ptr<const LoadedModel> load_for_inference(const std::filesystem::path& model_dir,
                                                      const std::string& device) {
  return load_for_inference(load_model(model_dir), (model_dir / "weights.safetensors").string(), device);
}

const ModelConfig& config_of(const LoadedModel& model) { return model.config; }

}  // namespace dnacnn

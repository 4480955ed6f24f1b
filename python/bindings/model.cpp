// dnacnn.load_model(dir) -> a model whose predict and attribute take str/bytes sequences or a
// one-hot array, and return float32 numpy arrays: what `dnacnn predict` and `dnacnn attribute` give.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "bindings.hpp"
#include "dnacnn/core/device.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/interpret/attribution.hpp"

namespace dnacnn::python {
namespace {

// What predict and attribute take besides the sequences: the CLI's options of the same names.
struct RunOptions {
  FitOptions fit;
  int threads = 1;
};

// Validated, upper-case sequences, fitted to the model's length as the CLI reads them: a model
// trained with --length fits every input; fit='crop' too (input_options_for says which).
SequenceData sequence_data(const py::handle& seqs, const ModelConfig& config, const FitOptions& fit) {
  const Sequences in = sequences_of(seqs);
  const TableOptions table = input_options_for(config, TableOptions{.require_target = false}, fit);
  SequenceData data;
  data.source = "seqs";
  data.seqs.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::string_view s = in.views[i];
    if (s.empty()) throw Error(sequence_place(i) + ": empty sequence");
    const std::size_t bad = find_invalid_base(s);
    if (bad != kAllValid)
      throw Error(fmt::format("{}: invalid base {} in sequence (allowed: A, C, G, T, N)", sequence_place(i, bad + 1),
                              describe_char(s[bad])));
    std::string upper(s);
    for (char& c : upper) c = static_cast<char>(c & ~0x20);  // validated letters: clear the lowercase bit
    if (table.length > 0 && static_cast<std::int64_t>(upper.size()) != table.length) {
      ++(static_cast<std::int64_t>(upper.size()) > table.length ? data.cropped : data.padded);
      upper = fit_length(upper, table.length, table.pad);
    }
    if (fit.fit != Fit::windows && static_cast<std::int64_t>(upper.size()) != config.length)
      throw Error(fmt::format("{} has {} bases, the model expects {} (fit='crop' or fit='windows' predict other "
                              "lengths)", sequence_place(i), upper.size(), config.length));
    data.seqs.push_back(std::move(upper));
  }
  return data;
}

// A one-hot array (n, L, 4) back to sequences: each position must be one channel at 1 (A, C, G, T)
// or four zeros (N), as one_hot writes them; the models read bases, not weights per channel.
py::list sequences_of_one_hot(const py::array_t<float, py::array::c_style | py::array::forcecast>& x) {
  if (x.ndim() != 3 || x.shape(2) != kChannels)
    throw Error(fmt::format("a one-hot array is (n, L, 4), got {} dimension(s){}", x.ndim(),
                            x.ndim() > 0 ? fmt::format(" ending in {}", x.shape(x.ndim() - 1)) : ""));
  const auto n = static_cast<std::size_t>(x.shape(0)), length = static_cast<std::size_t>(x.shape(1));
  const float* v = x.data();
  py::list out;
  std::string seq(length, 'N');
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t p = 0; p < length; ++p) {
      const float* at = v + (i * length + p) * kChannels;
      int ones = 0, channel = 4;
      for (int c = 0; c < kChannels; ++c) {
        if (at[c] == 1.0f) ++ones, channel = c;
        else if (at[c] != 0.0f) ones = 2;
      }
      if (ones > 1)
        throw Error(fmt::format("x[{}, {}] is ({}, {}, {}, {}): not one-hot (one channel at 1 for A, C, G or T; "
                                "zeros for N)", i, p, at[0], at[1], at[2], at[3]));
      seq[p] = "ACGTN"[channel];
    }
    out.append(py::bytes(seq));
  }
  return out;
}

// Sequences as given, or decoded from a numeric array.
py::object as_sequences(const py::handle& seqs) {
  if (py::isinstance<py::array>(seqs)) {
    const py::array a = py::reinterpret_borrow<py::array>(seqs);
    if (a.dtype().kind() != 'S' && a.dtype().kind() != 'U' && a.dtype().kind() != 'O')
      return sequences_of_one_hot(py::array_t<float, py::array::c_style | py::array::forcecast>(a));
  }
  return py::reinterpret_borrow<py::object>(seqs);
}

FitOptions fit_options(const std::string& fit, const std::string& pad, std::int64_t step, const std::string& aggregate) {
  FitOptions f;
  f.fit = parse_fit(fit);
  f.pad = parse_pad(pad);
  f.step = step;
  f.aggregate = parse_aggregate(aggregate);
  return f;
}

class Model {
 public:
  // `dir`: a model directory, a run, or a folds run (train --folds: its folds' mean, an ensemble).
  Model(const std::string& dir, const std::string& device, int threads)
      : dirs_(resolve_model_dirs({std::filesystem::path(dir)})),
        loaded_(load_members(dirs_, device)),
        predictor_(loaded_),
        attributor_(loaded_),
        threads_(threads) {
    if (threads < 1) throw Error(fmt::format("threads={}: 1 or more", threads));
  }

  py::array_t<float> predict(const py::handle& seqs, std::int64_t batch_size, bool rc_average, const std::string& fit,
                             const std::string& pad, std::int64_t step, const std::string& aggregate, int threads) {
    if (batch_size < 1) throw Error(fmt::format("batch_size={}: 1 or more", batch_size));
    const FitOptions options = fit_options(fit, pad, step, aggregate);
    const SequenceData data = sequence_data(as_sequences(seqs), config(), options);
    std::vector<float> values;
    {
      const py::gil_scoped_release computing;
      set_thread_count(threads > 0 ? threads : threads_);
      values = predictor_.predict(data, batch_size, rc_average, options);
    }
    const auto targets = static_cast<py::ssize_t>(config().targets.size());
    return to_numpy(std::move(values), {static_cast<py::ssize_t>(data.size()), targets});
  }

  py::array_t<float> attribute(const py::handle& seqs, const std::string& method, const std::string& target,
                               const std::string& fit, const std::string& pad, int threads, std::int64_t n_shuffles,
                               std::uint64_t seed, std::int64_t steps, bool hypothetical) {
    const AttributionMethod how = parse_attribution_method(method);
    if (n_shuffles < 1 || steps < 1) throw UsageError("n_shuffles and steps must be at least 1");
    if (hypothetical && !has_references(how)) throw UsageError("hypothetical=True goes with method='deepshap' or 'ig'");
    AttributionOptions attribution;
    attribution.n_shuffles = n_shuffles;
    attribution.seed = seed;
    attribution.steps = steps;
    attribution.hypothetical = hypothetical;
    const FitOptions options = fit_options(fit, pad, 0, "max");
    if (options.fit == Fit::windows) throw UsageError("attribute takes fit='exact' or 'crop' (the CLI's attribute "
                                                      "--fit windows averages windows per base)");
    const SequenceData data = sequence_data(as_sequences(seqs), config(), options);
    const std::size_t t = target_index(target);
    const auto n = static_cast<std::size_t>(data.size()), length = static_cast<std::size_t>(config().length);
    std::vector<float> scores(n * length * kChannels);
    {
      const py::gil_scoped_release computing;
      set_thread_count(threads > 0 ? threads : threads_);
      constexpr std::size_t kChunk = 256;  // sequences per call, as `dnacnn attribute` takes them
      for (std::size_t c = 0; c < n; c += kChunk) {
        const std::vector<std::string> part(data.seqs.begin() + static_cast<std::ptrdiff_t>(c),
                                            data.seqs.begin() + static_cast<std::ptrdiff_t>(std::min(c + kChunk, n)));
        const std::vector<SequenceAttribution> each = attributor_.attribute(part, how, t, attribution);
        for (std::size_t k = 0; k < each.size(); ++k)
          std::copy(each[k].scores.begin(), each[k].scores.end(), scores.begin() + static_cast<std::ptrdiff_t>((c + k) * length * kChannels));
      }
    }
    return to_numpy(std::move(scores), {static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(length), kChannels});
  }

  const ModelConfig& config() const { return predictor_.config(); }

 private:
  std::size_t target_index(const std::string& name) const {
    if (name.empty()) return 0;
    const auto& targets = config().targets;
    const auto it = std::find(targets.begin(), targets.end(), name);
    if (it == targets.end()) throw UsageError("target '" + name + "' is not one of the model's targets");
    return static_cast<std::size_t>(it - targets.begin());
  }

  static std::vector<std::shared_ptr<const LoadedModel>> load_members(const std::vector<std::filesystem::path>& dirs,
                                                                      const std::string& device) {
    std::vector<std::shared_ptr<const LoadedModel>> members;
    for (const auto& d : dirs) members.push_back(load_for_inference(d, device));
    return members;
  }

 public:
  std::vector<std::string> model_dirs() const {
    std::vector<std::string> out;
    for (const auto& d : dirs_) out.push_back(d.string());
    return out;
  }

 private:
  std::vector<std::filesystem::path> dirs_;
  std::vector<std::shared_ptr<const LoadedModel>> loaded_;
  Predictor predictor_;
  Attributor attributor_;
  int threads_;
};

}  // namespace

void bind_model(py::module_& m) {
  py::class_<Model>(m, "Model")
      .def(py::init<const std::string&, const std::string&, int>(), py::arg("dir"), py::arg("device") = "cpu",
           py::arg("threads") = 1)
      .def("predict", &Model::predict, py::arg("seqs"), py::arg("batch_size") = 4096, py::arg("rc_average") = false,
           py::arg("fit") = "exact", py::arg("pad") = "both", py::arg("step") = 0, py::arg("aggregate") = "max",
           py::arg("threads") = 0)
      .def("attribute", &Model::attribute, py::arg("seqs"), py::arg("method") = "ism", py::arg("target") = "",
           py::arg("fit") = "exact", py::arg("pad") = "both", py::arg("threads") = 0, py::arg("n_shuffles") = 20,
           py::arg("seed") = 1, py::arg("steps") = 50, py::arg("hypothetical") = false)
      .def_property_readonly("length", [](const Model& model) { return model.config().length; })
      .def_property_readonly("model_dirs", &Model::model_dirs)
      .def_property_readonly("targets", [](const Model& model) { return model.config().targets; });
}

}  // namespace dnacnn::python

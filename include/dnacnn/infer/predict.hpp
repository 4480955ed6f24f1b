// Using a trained model: predictions for new sequences (in memory or streamed from a file), and
// evaluation against known targets.
#pragma once
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/data/fit.hpp"
#include "dnacnn/infer/loaded_model.hpp"
#include "dnacnn/infer/metrics.hpp"
#include "dnacnn/models/model_store.hpp"
#include "dnacnn/core/progress.hpp"
#include "dnacnn/data/shard.hpp"

namespace dnacnn {

class Predictor {
 public:
  // Loads <dir>/config.json + weights.safetensors; every shape is checked against the config. A run
  // directory loads RUN/model, a folds run every fold's model (resolve_model_dirs).
  static Predictor load(const std::filesystem::path& model_dir, const std::string& device = "cpu");
  // An ensemble: the mean of the models' predictions (on the output scale: probabilities for binary
  // models). UsageError when they differ in input length, targets or task.
  static Predictor load(const std::vector<std::filesystem::path>& models, const std::string& device = "cpu");
  static Predictor from_stored(const StoredModel& stored, const std::string& source, const std::string& device = "cpu");
  static Predictor from_stored(const std::vector<StoredModel>& stored, const std::vector<std::string>& sources,
                               const std::string& device = "cpu");
  explicit Predictor(std::shared_ptr<const LoadedModel> model);
  explicit Predictor(std::vector<std::shared_ptr<const LoadedModel>> members);
  Predictor(Predictor&&) noexcept;
  Predictor& operator=(Predictor&&) noexcept;
  ~Predictor();

  const ModelConfig& config() const;  // the first member's: every member reads and predicts the same way
  std::size_t members() const;        // models averaged (1 unless an ensemble)
  // rows x targets, row-major: the model's outputs (probabilities for binary tasks). Sequences
  // must have the model's input length, but with --fit windows (any length: the aggregate of
  // their windows' values). rc_average: the mean of the predictions for each sequence and for
  // its reverse complement.
  std::vector<float> predict(const SequenceData& data, std::int64_t batch_size = 4096, bool rc_average = false,
                             const FitOptions& fit = {}) const;
  // --fit windows: every window of every row, and its values (windows x targets).
  std::vector<float> predict_windows(const SequenceData& data, std::int64_t batch_size, bool rc_average,
                                     const FitOptions& fit, Windows& windows) const;

  // Profile models (config().profile_length() > 0): rows x targets x profile_length, row-major,
  // the predicted reads at each of a window's central profile_length bases: softmax(profile
  // logits) x (exp(log count) - 1), the members' mean. Sequences must have the model's input length.
  // shares: the profile alone (softmax, each track's bases summing to 1), without the count.
  std::vector<float> predict_profiles(const SequenceData& data, std::int64_t batch_size = 4096, bool shares = false) const;
  // The same for `tiles` windows side by side in one stretch of `tiles` x profile length bases
  // plus the window's flanks: tiles x targets x profile length, the trunk computed once over the
  // stretch (scan --shared-trunk; see SequenceModelImpl::profile_tiles for when it is exact).
  std::vector<float> predict_profile_tiles(const std::string& stretch, std::int64_t tiles) const;

  // How inputs are read for this model: a model trained with --length fits them to its length;
  // --fit crop fits any input; --fit windows reads them as they are.
  TableOptions input_options(TableOptions options, const FitOptions& fit = {}) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// How inputs are read for a model of this config (Predictor::input_options, and tools that load the
// network otherwise, e.g. attribution): a model trained with --length fits them to its length.
TableOptions input_options_for(const ModelConfig& config, TableOptions options, const FitOptions& fit = {});

// Model outputs to predictions, in place: sigmoid for binary tasks (the models output logits).
void to_output_scale(const ModelConfig& config, std::vector<float>& outputs);

// Predicts `data` (which needs the model's targets) and scores every target, in config order.
std::vector<Scores> evaluate(const Predictor& predictor, const SequenceData& data, bool rc_average = false,
                             const FitOptions& fit = {});

struct PredictFileOptions {
  TableOptions input{.require_target = false};
  std::int64_t batch_size = 4096;
  bool rc_average = false;
  bool with_seq = false;  // a `seq` column after the id
  Shard shard;            // predict only the records of this shard (see shard.hpp)
  FitOptions fit;
  std::ostream* windows_out = nullptr;  // --fit windows: every window's id, start, end and values
};

struct PredictFileStats {
  std::int64_t rows = 0, cropped = 0, padded = 0, windows = 0;
  double seconds = 0;
};

// Streams `in` batch by batch into a TSV on `out`: `id` (the input's id, else the 1-based record
// number), optionally `seq`, then one column per target. Memory is that of one batch.
PredictFileStats predict_file(const Predictor& predictor, const std::filesystem::path& in,
                              const PredictFileOptions& options, std::ostream& out, Progress& progress);

}  // namespace dnacnn

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "dnacnn/infer/profile_metrics.hpp"
#include "torch_library.hpp"
#include "dnacnn/core/device.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/data/signal.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/train/train_job.hpp"

namespace dnacnn::app {

struct EvaluateArgs {
  std::vector<std::filesystem::path> models;
  std::string data;
  InputArgs input;
  IntervalDataOptions intervals;  // --bed input
  bool rc_average = false;
  FitOptions fit;
  int threads = 1;
  std::string device = "cpu";
};

// --profile data: the predicted profiles' shape against the observed, per track (as train's metrics.json).
static nlohmann::json profile_scores(const Predictor& predictor, const SequenceData& data) {
  if (predictor.config().profile_length() != data.profile_length)
    throw UsageError(fmt::format("--profile with --output-length {}: the model predicts profiles of {} bases",
                                 data.profile_length, predictor.config().profile_length()));
  const std::vector<float> predicted = predictor.predict_profiles(data, 512, true);
  const std::size_t tracks = data.n_targets(), bases = static_cast<std::size_t>(data.profile_length);
  nlohmann::json j;
  for (std::size_t t = 0; t < tracks; ++t) {
    ProfileScoring scoring;
    for (std::size_t row = 0; row < static_cast<std::size_t>(data.size()); ++row) {
      const std::size_t at = (row * tracks + t) * bases;
      const std::vector<double> shares(predicted.begin() + static_cast<std::ptrdiff_t>(at),
                                       predicted.begin() + static_cast<std::ptrdiff_t>(at + bases));
      scoring.add_predicted(std::span<const float>(data.profiles.data() + at, bases), shares, row * tracks + t);
    }
    j[predictor.config().targets[t]] = scoring.result();
  }
  return j;
}

void add_evaluate(CLI::App& root) {
  auto a = std::make_shared<EvaluateArgs>();
  CLI::App* cmd = root.add_subcommand("evaluate", "Score a trained model on labelled data: JSON on stdout");
  cmd->add_option("--model", a->models, "Model directory (RUN/model), a run, or a folds run (train --folds); several: their mean (an ensemble)")->required();
  cmd->add_option("--data", a->data, "Sequences with targets: TSV/CSV, or FASTA with --labels; or --bed; - reads standard input");
  add_input_options(*cmd, a->input, InputUse::evaluate);
  add_fit_options(*cmd, a->fit);
  add_interval_options(*cmd, a->intervals, false);
  cmd->add_flag("--rc-average", a->rc_average, "Average the predictions for each sequence and its reverse complement");
  add_threads_option(*cmd, a->threads);
  cmd->add_option("--device", a->device, "cpu, cuda or cuda:N");
  cmd->final_callback([a, cmd] {
    check_fit_options(*cmd, a->fit);
    check_interval_options(*cmd, a->intervals);
    load_torch();
    set_thread_count(a->threads);
    const Predictor predictor = Predictor::load(a->models, a->device);
    TableOptions table = predictor.input_options(a->input.options(), a->fit);
    IntervalDataOptions intervals = a->intervals;
    intervals.length = predictor.config().length;  // intervals are resized to the model's input
    // The columns it was trained on (with --bed: a regression model's BED column; binary labels
    // come from --negatives).
    const bool bed_column = intervals.negatives.empty() && !intervals.has_signal() &&
                            predictor.config().task == Task::regression;
    if (table.target_cols.empty() && (intervals.beds.empty() || bed_column))
      table.target_cols = predictor.config().targets;
    const SequenceData data = read_input_data(a->data, table, intervals);
    for (const auto& line : take_data_notes()) std::cerr << line << '\n';
    if (intervals.has_signal() && data.n_targets() != predictor.config().targets.size())
      throw UsageError(fmt::format("--bigwig/--bam give {} tracks; the model predicts {} targets", data.n_targets(),
                                   predictor.config().targets.size()));
    const std::vector<Scores> scores = evaluate(predictor, data, a->rc_average, a->fit);
    // The first target's metrics at the top level; with several targets, each under per_target.
    nlohmann::json j = scores.front();
    if (scores.size() > 1)
      for (std::size_t t = 0; t < scores.size(); ++t) j["per_target"][predictor.config().targets[t]] = scores[t];
    if (data.has_profiles()) j["profile"] = profile_scores(predictor, data);
    j["task"] = task_name(predictor.config().task);
    j["model"] = a->models.size() == 1 ? nlohmann::json(a->models.front().string()) : nlohmann::json(a->models);
    if (predictor.members() > 1) j["ensemble_models"] = predictor.members();
    j["data"] = a->data.empty() ? intervals.beds.front().string() : a->data;
    std::cout << j.dump(2) << std::endl;
  });
}

}  // namespace dnacnn::app

#include "dnacnn/train/exercises.hpp"

#include <fmt/format.h>

#include <ostream>

#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/report/report.hpp"
#include "dnacnn/train/run.hpp"
#include "dnacnn/data/scoring_rule.hpp"
#include "dnacnn/data/simulate.hpp"
#include "dnacnn/train/sweep.hpp"

namespace dnacnn {

namespace {

TrainOptions notebook_options(const std::string& arch, const ExerciseSettings& s) {
  TrainOptions o;
  o.arch = arch;
  o.epochs = s.epochs;
  o.threads = s.threads;
  o.device = s.device;
  return o;
}

void write_about(const std::filesystem::path& dir, const std::string& title, const std::string& intro) {
  io::write_file_atomically(dir / "about.json", nlohmann::json{{"title", title}, {"intro", intro}}.dump(2) + "\n");
}

}  // namespace

TrainOptions better_model_options(const ExerciseSettings& s, int bins) {
  TrainOptions o = notebook_options("deepcnn", s);
  o.hparams = {{"filters", 32}, {"blocks", 1}, {"bins", bins}, {"hidden", 32}, {"dropout", 0}};
  o.optimizer = Optimizer::adam;
  o.lr = 0.01;
  o.epochs = std::min(s.epochs, 10);  // Adam gets there in a fifth of SGD's epochs
  o.label = "deepcnn";
  return o;
}

void run_positional_exercise(const std::filesystem::path& dir, const ExerciseSettings& settings, std::ostream& out,
                             Progress& progress) {
  io::ensure_directory(dir);
  SimulateOptions sim;
  sim.rule = ScoringRule::positional();
  const std::filesystem::path data_path = dir / "data.tsv";
  write_simulated_kmers(data_path, sim);
  const SequenceData data = simulate_kmers(sim);
  const RunContext context{settings.command_line, data_path, scoring_rule_to_json(sim.rule), {}};
  write_about(dir, "Q1: position-dependent motif scoring",
              "8-mers scored by the positional rule: the notebook's base scores, TAT +20 when it starts in the "
              "first third of the sequence and +5 elsewhere, GCG -10 only in the last third. The linear model sees "
              "neither motifs nor positions; the notebook's CNN has a weight per position, so it can; the better "
              "model pools each third of the sequence separately (deepcnn with bins=3).");
  out << "\nQ1, position-dependent scoring (rule 'positional'):\n";
  nlohmann::json metrics = {{"models", nlohmann::json::object()}};
  for (TrainOptions options : {notebook_options("linear", settings), notebook_options("cnn", settings),
                               better_model_options(settings, 3)}) {
    options.label = "q1 " + options.arch;
    const TrainResult result = train_model(data, options, progress);
    write_run(dir / options.arch, options.arch, data, options, result, context);
    metrics["models"][options.arch] = model_metrics_json(options, result);
    out << fmt::format("  {:<8} test R2 {:.4f}  MSE {:8.4f}  {:6.2f} s\n", options.arch, result.test.r2,
                       result.test.mse, result.train_seconds);
  }
  io::write_file_atomically(dir / "metrics.json", metrics.dump(2) + "\n");
  write_report(dir);
}

void run_lr_sweep_exercise(const SequenceData& data, const std::filesystem::path& data_path, const std::filesystem::path& dir,
                           const ExerciseSettings& settings, std::ostream& out, Progress& progress) {
  io::ensure_directory(dir);
  write_about(dir, "Q2: learning-rate sweep",
              "The linear model and the notebook's CNN trained with SGD at five learning rates, everything else as "
              "in the notebook. Too small a rate learns slowly; too large a one oscillates or diverges.");
  const std::optional<ScoringRule> rule = rule_of_data(data_path, "");
  SweepGrid grid;  // the notebook's Q2: linear and cnn, SGD, lr 0.001 ... 0.1
  grid.epochs = {settings.epochs};
  const std::vector<SweepRow> rows =
      run_sweep(data, grid, notebook_options("cnn", settings), dir,
                {settings.command_line, data_path, rule ? scoring_rule_to_json(*rule) : nlohmann::json()}, progress);
  out << "\nQ2, learning-rate sweep (SGD):\n";
  for (const SweepRow& r : rows)
    out << fmt::format("  {:<8} lr {:<6g} {}\n", r.options.arch, r.options.lr,
                       r.result.status == RunStatus::diverged ? fmt::format("diverged at epoch {}", r.result.diverged_epoch)
                                                     : fmt::format("test R2 {:.4f}", r.result.test.r2));
}

}  // namespace dnacnn

#include "dnacnn/train/demo.hpp"

#include <fmt/format.h>

#include <ostream>

#include "dnacnn/train/exercises.hpp"
#include "dnacnn/interpret/interpret.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/report/report.hpp"
#include "dnacnn/train/run.hpp"
#include "dnacnn/data/scoring_rule.hpp"
#include "dnacnn/data/simulate.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {

const std::vector<SpotCheckGroup>& notebook_spot_checks() {
  static const std::vector<SpotCheckGroup> groups{
      {"poly-X", {"AAAAAAAA", "CCCCCCCC", "GGGGGGGG", "TTTTTTTT"}},
      {"other", {"AACCAACA", "CCGGTGAG", "GGGTAAGG", "TTTCGTTT"}},
      {"with TAT", {"TATAAAAA", "CCTATCCC", "GTATGGGG", "TTTATTTT"}},
      {"with GCG", {"AAGCGAAA", "CGCGCCCC", "GGGCGGGG", "TTGCGTTT"}},
      {"TAT and GCG", {"ATATGCGA", "TGCGTATT"}},
  };
  return groups;
}

namespace {

struct DemoModel {
  std::string name;
  TrainOptions options;
  TrainResult result;
};

// The notebook's two models, then the better one of exercise Q3.
std::vector<DemoModel> demo_models(const DemoOptions& o, const ExerciseSettings& settings) {
  std::vector<DemoModel> models;
  for (const char* arch : {"linear", "cnn"}) {
    DemoModel m;
    m.name = arch;
    m.options.arch = arch;
    m.options.epochs = o.epochs;
    m.options.threads = o.threads;
    m.options.device = o.device;
    models.push_back(std::move(m));
  }
  if (o.exercises) models.push_back({"deepcnn", better_model_options(settings), {}});
  return models;
}

// The notebook's hand-picked sequences through each trained model: written as a TSV, returned as
// the table printed for the reader.
std::string write_spot_checks(const std::vector<DemoModel>& models, const ScoringRule& rule,
                              const std::filesystem::path& path) {
  std::vector<std::string> seqs;
  for (const auto& g : notebook_spot_checks()) seqs.insert(seqs.end(), g.seqs.begin(), g.seqs.end());
  const SequenceData checks = sequences_from_strings(seqs, "spot checks");
  std::vector<std::vector<float>> predicted;
  for (const DemoModel& m : models)
    predicted.push_back(Predictor::from_stored({m.result.config, m.result.weights}, m.name).predict(checks));

  std::string header = "group\tseq\tactual";
  std::string table = fmt::format("{:<12} {:<9} {:>7}", "group", "seq", "actual");
  for (const DemoModel& m : models) {
    header += "\t" + m.name;
    table += fmt::format(" {:>8}", m.name);
  }
  header += "\n";
  table += "\n";
  std::string tsv = header;
  std::size_t row = 0;
  for (const auto& g : notebook_spot_checks()) {
    for (const auto& s : g.seqs) {
      const double actual = rule.score(s);
      tsv += fmt::format("{}\t{}\t{}", g.name, s, actual);
      table += fmt::format("{:<12} {:<9} {:>7.3f}", g.name, s, actual);
      for (const auto& p : predicted) {
        tsv += fmt::format("\t{:.4f}", p[row]);
        table += fmt::format(" {:>8.3f}", p[row]);
      }
      tsv += "\n";
      table += "\n";
      ++row;
    }
  }
  io::write_file_atomically(path, tsv);
  return table;
}

}  // namespace

void run_demo(const DemoOptions& options, std::ostream& out) {
  namespace fs = std::filesystem;
  prepare_output_directory(options.out, options.force);
  Progress progress(options.quiet);

  const ScoringRule rule = ScoringRule::notebook();
  const SequenceData data = simulate_kmers({});
  const fs::path data_path = options.out / "data.tsv";
  write_simulated_kmers(data_path, {});  // and data.rule.json
  progress.log(fmt::format("simulated {} 8-mers -> {}", data.size(), data_path.string()));

  const ExerciseSettings settings{options.epochs, options.threads, options.device, options.command_line};
  std::vector<DemoModel> models = demo_models(options, settings);
  nlohmann::json metrics = {{"models", nlohmann::json::object()}};
  for (DemoModel& m : models) {
    m.result = train_model(data, m.options, progress);
    write_run(options.out / m.name, m.name, data, m.options, m.result,
              {options.command_line, data_path, scoring_rule_to_json(rule), {}});
    metrics["models"][m.name] = model_metrics_json(m.options, m.result);
    progress.log(fmt::format("{}: {} epochs in {:.2f} s, test R^2 {:.4f}", m.name, m.result.history.size(),
                             m.result.train_seconds, m.result.test.r2));
  }
  io::write_file_atomically(options.out / "metrics.json", metrics.dump(2) + "\n");

  const std::string table = write_spot_checks(models, rule, options.out / "spot_checks.tsv");
  out << "Spot checks (actual score vs each model's prediction):\n" << table << "\n";
  out << fmt::format("{:<8} {:>8} {:>8} {:>8} {:>8} {:>9}\n", "model", "test R2", "MSE", "pearson", "spearman",
                     "seconds");
  for (const DemoModel& m : models) {
    const auto& t = m.result.test;
    out << fmt::format("{:<8} {:>8.4f} {:>8.4f} {:>8.4f} {:>8.4f} {:>9.2f}\n", m.name, t.r2, t.mse, t.pearson,
                       t.spearman, m.result.train_seconds);
  }
  // The notebook's filter logos, at its two activation thresholds.
  for (const auto& [threshold, dir] : {std::pair{0.0, "motifs"}, std::pair{1.0, "motifs-t1"}}) {
    MotifsRequest motifs{.model_dir = options.out / "cnn" / "model", .data = data_path, .out = options.out / "cnn" / dir};
    motifs.motif.threshold = threshold;
    run_motifs(motifs, progress);
  }

  if (options.exercises) {
    run_positional_exercise(options.out / "q1-positional", settings, out, progress);
    run_lr_sweep_exercise(data, data_path, options.out / "q2-lr-sweep", settings, out, progress);
  }

  write_report(options.out);  // DIR/report.html: the notebook models side by side, then Q1 and Q2
  out << "\nWrote " << options.out.string()
      << "/: report.html, data.tsv, metrics.json, spot_checks.tsv, linear/, cnn/ (with cnn/motifs, cnn/motifs-t1)"
      << (options.exercises ? ", deepcnn/, q1-positional/, q2-lr-sweep/" : "") << "\n";
}

}  // namespace dnacnn

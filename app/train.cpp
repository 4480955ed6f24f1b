#include <fmt/format.h>

#include <iostream>

#include "commands.hpp"
#include "dnacnn/architectures.hpp"
#include "dnacnn/device.hpp"
#include "dnacnn/error.hpp"
#include "dnacnn/report.hpp"
#include "dnacnn/run.hpp"
#include "dnacnn/scoring_rule.hpp"
#include "dnacnn/train.hpp"

namespace dnacnn::app {

struct TrainArgs {
  TrainOptions train;
  TableOptions table;
  IntervalDataOptions intervals;
  std::string data;
  std::string out;
  std::string name;
  int filters = 32;
  int kernel_size = 3;
  std::vector<std::string> hparams;  // name=value
  std::string rule;                  // empty: the data's rule file when simulate wrote one
  bool force = false;
  bool quiet = false;
};

static void run_train(const TrainArgs& a, const CLI::App& cmd) {
  TrainOptions options = a.train;
  if (cmd.count("--filters")) options.hparams["filters"] = a.filters;
  if (cmd.count("--kernel-size")) options.hparams["kernel_size"] = a.kernel_size;
  for (const auto& [name, value] : parse_hparams(a.hparams)) options.hparams[name] = value;
  options.validate();
  check_device(options.device);
  find_architecture(options.arch);
  const std::optional<ScoringRule> rule = a.data.empty() ? std::nullopt : rule_of_data(a.data, a.rule);
  const SequenceData data = read_input_data(a.data, a.table, a.intervals);  // bad data: fail before creating --out
  prepare_output_directory(a.out, a.force);
  Progress progress(a.quiet);
  const TrainResult result = train_model(data, options, progress);
  const std::string name = a.name.empty() ? options.arch : a.name;
  write_run(a.out, name, data, options, result,
            {command_line(), a.data.empty() ? a.intervals.beds.front() : std::filesystem::path(a.data),
             rule ? scoring_rule_to_json(*rule) : nlohmann::json()});
  write_report(std::filesystem::path(a.out));  // RUN/report.html
  progress.log(fmt::format("{}: {} epochs in {:.2f} s; test R^2 {:.4f}, MSE {:.4f}{} -> {}", name,
                           result.history.size(), result.train_seconds, result.test.r2, result.test.mse,
                           result.status == "ok" ? "" : " (" + result.status + ")", a.out));
}

void add_train(CLI::App& root) {
  auto a = std::make_shared<TrainArgs>();
  CLI::App* cmd = root.add_subcommand("train", "Train a model on a table of sequences and targets");
  std::vector<std::string> archs;
  for (const auto& info : architecture_infos()) archs.push_back(info.name);
  cmd->add_option("--data", a->data, "Training table: TSV/CSV (optionally gzip) with a header (or --bed)");
  cmd->add_option("--model", a->train.arch, "Architecture")->check(CLI::IsMember(archs));
  cmd->add_option("-o,--out", a->out, "Run directory to create")->required();
  cmd->add_option("--name", a->name, "Model name in metrics.json (default: the architecture)");
  cmd->add_option("--epochs", a->train.epochs, "Passes over the training split")->check(CLI::PositiveNumber);
  cmd->add_option("--lr", a->train.lr, "Learning rate")->check(CLI::PositiveNumber);
  cmd->add_option("--batch-size", a->train.batch_size, "Sequences per optimiser step")->check(CLI::PositiveNumber);
  cmd->add_option("--optimizer", a->train.optimizer, "Optimiser")->check(CLI::IsMember({"sgd", "adam"}));
  cmd->add_option("--seed", a->train.seed, "Seed for weight initialisation and batch order");
  cmd->add_option("--split-seed", a->train.split_seed, "Seed for the train/val/test split");
  cmd->add_option("--val-frac", a->train.val_frac, "Fraction of rows for validation")->check(CLI::Range(0.0, 0.99));
  cmd->add_option("--test-frac", a->train.test_frac, "Fraction of rows for testing")->check(CLI::Range(0.0, 0.99));
  add_threads_option(*cmd, a->train.threads);
  cmd->add_option("--device", a->train.device, "cpu, cuda or cuda:N");
  cmd->add_option("--engine", a->train.engine,
                  "auto: hand-fused CPU loops for the notebook's cnn/linear with sgd/adam, LibTorch otherwise")
      ->check(CLI::IsMember({"auto", "torch", "fused"}));
  cmd->add_option("--filters", a->filters, "Convolution filters (when not given: the model's own default)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--kernel-size", a->kernel_size, "First convolution's width in bases (when not given: the model's default)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--hparam", a->hparams, "Any model hyper-parameter as name=value (repeatable; see `dnacnn models`)");
  cmd->add_option("--seq-col", a->table.seq_col, "Column holding the sequences");
  cmd->add_option("--target-col", a->table.target_col,
                  "Column holding the targets (default: the first other column); with --bed a BED column number "
                  "or name (score, signalValue, ...)");
  add_interval_options(*cmd, a->intervals, true);
  cmd->add_option("--rule", a->rule,
                  "Scoring rule of simulated data (preset or JSON), for the report's error analysis "
                  "(default: the data's .rule.json written by simulate, when present)");
  cmd->add_flag("--force", a->force, "Overwrite an existing, non-empty --out directory");
  add_quiet_flag(*cmd, a->quiet);
  cmd->final_callback([a, cmd] { run_train(*a, *cmd); });
}

}  // namespace dnacnn::app

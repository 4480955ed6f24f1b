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
  InputArgs input;
  IntervalDataOptions intervals;  // --bed input
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
  options.task = task_for_input(a.intervals, options.task, cmd.count("--task") > 0);
  options.validate();
  check_device(options.device);
  find_architecture(options.arch);
  const std::optional<ScoringRule> rule = a.data.empty() ? std::nullopt : rule_of_data(a.data, a.rule);
  const TableOptions table = a.input.options();
  if (table.length > 0) options.pad = std::string(pad_name(table.pad));
  const SequenceData data = read_input_data(a.data, table, a.intervals);  // bad data: fail before creating --out
  data.common_length();                                                   // (mixed lengths too)
  prepare_output_directory(a.out, a.force);
  Progress progress(a.quiet);
  if (data.cropped + data.padded > 0)
    progress.log(fmt::format("fitted to {} bp: {} sequences centre-cropped, {} N-padded ({})", table.length, data.cropped,
                             data.padded, pad_name(table.pad)));
  const TrainResult result = train_model(data, options, progress);
  const std::string name = a.name.empty() ? options.arch : a.name;
  write_run(a.out, name, data, options, result,
            {command_line(), a.data.empty() ? a.intervals.beds.front() : std::filesystem::path(a.data),
             rule ? scoring_rule_to_json(*rule) : nlohmann::json()});
  write_report(std::filesystem::path(a.out));  // RUN/report.html
  const Scores& test = result.per_target.front().test;
  const std::string summary = test.binary ? fmt::format("test AUROC {:.4f}, AUPRC {:.4f}, accuracy {:.4f}", test.binary->auroc,
                                                        test.binary->auprc, test.binary->accuracy)
                                          : fmt::format("test R^2 {:.4f}, MSE {:.4f}", result.test.r2, result.test.mse);
  progress.log(fmt::format("{}: {} epochs in {:.2f} s; {}{}{} -> {}", name, result.history.size(), result.train_seconds,
                           summary, result.per_target.size() > 1 ? fmt::format(" ({} of {} targets)", result.config.targets.front(), result.per_target.size()) : "",
                           result.status == "ok" ? "" : " (" + result.status + ")", a.out));
}

void add_train(CLI::App& root) {
  auto a = std::make_shared<TrainArgs>();
  CLI::App* cmd =
      root.add_subcommand("train", "Train a model on sequences and targets: a table, FASTA with labels, or BED intervals");
  std::vector<std::string> archs;
  for (const auto& info : architecture_infos()) archs.push_back(info.name);
  cmd->add_option("--data", a->data,
                  "Training data: TSV/CSV with a header, or FASTA with --labels (plain, gzip or bgzip); or --bed");
  cmd->add_option("--model", a->train.arch, "Architecture")->check(CLI::IsMember(archs));
  cmd->add_option("-o,--out", a->out, "Run directory to create")->required();
  cmd->add_option("--name", a->name, "Model name in metrics.json (default: the architecture)");
  cmd->add_option("--epochs", a->train.epochs, "Passes over the training split")->check(CLI::PositiveNumber);
  cmd->add_option("--lr", a->train.lr, "Learning rate")->check(CLI::PositiveNumber);
  cmd->add_option("--batch-size", a->train.batch_size, "Sequences per optimiser step")->check(CLI::PositiveNumber);
  cmd->add_option("--optimizer", a->train.optimizer, "Optimiser")->check(CLI::IsMember({"sgd", "adam"}));
  add_training_run_options(*cmd, a->train);
  cmd->add_option("--filters", a->filters, "Convolution filters (when not given: the model's own default)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--kernel-size", a->kernel_size, "First convolution's width in bases (when not given: the model's default)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--hparam", a->hparams, "Any model hyper-parameter as name=value (repeatable; see `dnacnn models`)");
  add_input_options(*cmd, a->input, InputUse::train);
  cmd->add_option("--task", a->train.task,
                  "regression (MSE) or binary (targets 0/1; BCE on logits, AUROC/AUPRC; implied by --negatives)")
      ->check(CLI::IsMember({"regression", "binary"}));
  cmd->add_option("--pos-weight", a->train.pos_weight, "Binary task: weight of the positives in the loss (e.g. #neg/#pos)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--rc-augment", a->train.rc_augment, "Reverse-complement a random half of the training sequences each epoch");
  add_interval_options(*cmd, a->intervals, true);
  cmd->add_option("--rule", a->rule,
                  "Scoring rule of simulated data (preset or JSON), for the report's error analysis "
                  "(default: the data's .rule.json written by simulate, when present)");
  cmd->add_flag("--force", a->force, "Overwrite an existing, non-empty --out directory");
  add_quiet_flag(*cmd, a->quiet);
  cmd->final_callback([a, cmd] { run_train(*a, *cmd); });
}

}  // namespace dnacnn::app

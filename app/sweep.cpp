#include <fmt/format.h>

#include <iostream>

#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/core/device.hpp"
#include "dnacnn/data/scoring_rule.hpp"
#include "dnacnn/train/sweep.hpp"

namespace dnacnn::app {

struct SweepArgs {
  SweepGrid grid;
  TrainOptions train;
  InputArgs input;
  std::string data;
  std::string out;
  std::vector<std::string> hparams;
  std::string rule;
  bool force = false;
  bool quiet = false;
};

static void run_sweep_command(const SweepArgs& a, const CLI::App& cmd) {
  TrainOptions base = a.train;
  check_training_feature_options(cmd, base);
  base.hparams = parse_hparams(a.hparams);
  check_device(base.device);
  for (const std::string& m : a.grid.models) check_model_name(m);
  const std::optional<ScoringRule> rule = rule_of_data(a.data, a.rule);
  const TableOptions table = a.input.options();
  if (table.length > 0) base.pad = std::string(pad_name(table.pad));
  const SequenceData data = read_sequence_table(a.data, table);  // bad data: fail before creating --out
  check_sweep(data, a.grid, base);                                  // bad grid: likewise
  prepare_output_directory(a.out, a.force);
  Progress progress(a.quiet);
  const std::vector<SweepRow> rows =
      run_sweep(data, a.grid, base, a.out,
                {command_line(), a.data, rule ? scoring_rule_to_json(*rule) : nlohmann::json(), {{"table", table}}}, progress);
  std::cout << fmt::format("{:<32} {:>9} {:>12} {:>12} {:>8} {:>8}\n", "run", "status", "train loss", "val loss",
                           "test R2", "seconds");
  for (const SweepRow& r : rows) {
    const auto& h = r.result.history;
    const std::string status =
        r.result.status == RunStatus::diverged ? fmt::format("div@{}", r.result.diverged_epoch)
                                               : std::string(status_name(r.result.status));
    std::cout << fmt::format("{:<32} {:>9} {:>12.5g} {:>12.5g} {:>8.4f} {:>8.2f}\n", r.run, status,
                             h.empty() ? NAN : h.back().train_loss, h.empty() ? NAN : h.back().val_loss,
                             r.result.test.r2, r.result.train_seconds);
  }
  std::cout << "Wrote " << a.out << "/: sweep.tsv, metrics.json, report.html and one run directory per line\n";
}

void add_sweep(CLI::App& root) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* cmd = root.add_subcommand(
      "sweep", "Train every combination of models, learning rates, optimizers, batch sizes and epochs (exercise Q2)");
  cmd->add_option("--data", a->data, "Training data: TSV/CSV with a header or FASTA with --labels (optionally gzip)")->required();
  cmd->add_option("-o,--out", a->out, "Sweep directory to create: one run directory per combination")->required();
  cmd->add_option("--models", a->grid.models, "Architectures, comma-separated")->delimiter(',');
  cmd->add_option("--lrs", a->grid.lrs, "Learning rates, comma-separated")->delimiter(',')->check(CLI::PositiveNumber);
  cmd->add_option("--optimizers", a->grid.optimizers, "Optimizers (sgd, adam, adamw), comma-separated")
      ->delimiter(',')
      ->check(CLI::Validator(
          [](std::string& name) {
            parse_optimizer(name);  // its UsageError names the choices
            return std::string();
          },
          "sgd|adam|adamw"));
  cmd->add_option("--batch-sizes", a->grid.batch_sizes, "Batch sizes, comma-separated")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  cmd->add_option("--epochs", a->grid.epochs, "Epoch counts, comma-separated")->delimiter(',')->check(CLI::PositiveNumber);
  add_training_run_options(*cmd, a->train);
  add_training_feature_options(*cmd, a->train);
  cmd->add_option("--hparam", a->hparams,
                  "Model hyper-parameter as name=value, applied to the models that take it (repeatable)");
  add_input_options(*cmd, a->input, InputUse::train);
  cmd->add_option("--rule", a->rule, "Scoring rule of simulated data, for the error analysis (default: the data's .rule.json)");
  cmd->add_flag("--force", a->force, "Overwrite an existing, non-empty --out directory");
  add_quiet_flag(*cmd, a->quiet);
  cmd->final_callback([a, cmd] {
    load_torch();
    run_sweep_command(*a, *cmd);
  });
}

}  // namespace dnacnn::app

#include "commands.hpp"

#include <cmath>

#include "dnacnn/core/error.hpp"
#include "dnacnn/train/train.hpp"
#include "dnacnn/io/table.hpp"

namespace dnacnn::app {

static std::string g_command_line;

const std::string& command_line() { return g_command_line; }

void set_command_line(int argc, char** argv) {
  g_command_line.clear();
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    const bool quote = arg.empty() || arg.find_first_of(" \t'\"$") != std::string::npos;
    if (i > 0) g_command_line += ' ';
    g_command_line += quote ? "'" + arg + "'" : arg;
  }
}

std::map<std::string, double> parse_hparams(const std::vector<std::string>& pairs) {
  std::map<std::string, double> hparams;
  for (const std::string& kv : pairs) {
    const auto eq = kv.find('=');
    const auto value = eq == std::string::npos ? std::nullopt : io::parse_finite_float(std::string_view(kv).substr(eq + 1));
    if (!value || eq == 0) throw UsageError("--hparam takes name=number, got '" + kv + "'");
    hparams[kv.substr(0, eq)] = *value;
  }
  return hparams;
}

void add_training_run_options(CLI::App& app, TrainOptions& o) {
  app.add_option("--seed", o.seed, "Seed for weight initialisation and batch order")->check(CLI::NonNegativeNumber);
  app.add_option("--split-seed", o.split_seed, "Seed for the train/val/test split")->check(CLI::NonNegativeNumber);
  app.add_option("--val-frac", o.val_frac, "Fraction of rows for validation")
      ->check(CLI::Range(0.0, 0.99))
      ->check(finite_number());
  app.add_option("--test-frac", o.test_frac, "Fraction of rows for testing")
      ->check(CLI::Range(0.0, 0.99))
      ->check(finite_number());
  add_threads_option(app, o.threads);
  add_enum_option(app, "--threading", o.threading, parse_threading, threading_name,
                  "How --threads share the LibTorch engine's training: batch (each thread a share of every "
                  "batch) or ops (threads inside each operation)");
  app.add_option("--device", o.device, "cpu, cuda or cuda:N");
  add_enum_option(app, "--engine", o.engine, parse_engine, engine_name,
                  "auto: hand-fused CPU loops for the notebook's cnn/linear with sgd/adam, LibTorch otherwise; "
                  "torch; fused");
}

CLI::Option* add_threads_option(CLI::App& app, int& threads) {
  return app.add_option("--threads", threads, "CPU threads for computation (1 is fastest for the notebook models)")
      ->check(CLI::Range(1, 1024));
}

CLI::Option* add_quiet_flag(CLI::App& app, bool& quiet) {
  return app.add_flag("-q,--quiet", quiet, "No progress or log lines on stderr");
}

const CLI::Validator& finite_number() {
  static const CLI::Validator check(
      [](std::string& text) -> std::string {
        double value = 0;
        if (CLI::detail::lexical_cast(text, value) && std::isfinite(value)) return "";
        return "must be a finite number, got " + text;
      },
      "FINITE");
  return check;
}

TableOptions InputArgs::options() const {
  TableOptions o = table;
  o.pad = parse_pad(pad);
  return o;
}

void add_input_options(CLI::App& app, InputArgs& a, InputUse use) {
  app.add_option("--format", a.table.format, "Input format: auto (by extension: .fa/.fasta/.fna = FASTA, .csv = CSV, "
                                             "else TSV; .gz/.bgz allowed), tsv, csv or fasta")
      ->check(CLI::IsMember({"auto", "tsv", "csv", "fasta"}));
  app.add_option("--seq-col", a.table.seq_col, "Table column holding the sequences");
  app.add_option("--id-col", a.table.id_col, "Column holding row ids (tables: used when present; the labels' join key for FASTA)");
  if (use == InputUse::predict) return;
  app.add_option("--target-col", a.table.target_cols,
                 "Target column(s), repeatable or comma-separated; several = a multi-output model "
                 "(default: every column of numbers but the sequence, id and split columns)")
      ->delimiter(',');
  app.add_option("--labels", a.table.labels, "FASTA input: a TSV/CSV of targets with an id column, joined on the record names");
  if (use == InputUse::evaluate) return;
  app.add_option("--split-col", a.table.split_col, "Column of train/val/test giving the split (instead of a random one)");
  app.add_option("--length", a.table.length,
                 "Fit every sequence to L bases: centre-crop longer ones, N-pad shorter ones (0: all must have one length)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--pad", a.pad, "Where --length puts the N padding")->check(CLI::IsMember({"left", "right", "both"}));
}

void add_fit_options(CLI::App& app, FitOptions& fit, std::string* windows_out) {
  add_enum_option(app, "--fit", fit.fit, parse_fit, fit_name,
                  "Sequences of another length than the model's: exact (refuse them), crop (centre-crop or "
                  "N-pad to the model's length), windows (slide the model along each; one row per sequence)");
  add_enum_option(app, "--pad", fit.pad, parse_pad, pad_name, "Where --fit crop (and windows, on short sequences) puts N padding");
  app.add_option("--step", fit.step, "--fit windows: bases between window starts (0: a quarter of the model's length)")
      ->check(CLI::NonNegativeNumber)
      ->default_str("0");
  add_enum_option(app, "--aggregate", fit.aggregate, parse_aggregate, aggregate_name,
                  "--fit windows: a sequence's value from its windows' values: max (DeepBind) or mean");
  if (windows_out)
    app.add_option("--windows-out", *windows_out, "--fit windows: also write every window's id, start, end and values (TSV)");
}

void check_fit_options(const CLI::App& app, const FitOptions& fit) {
  if (fit.fit == Fit::windows) return;
  for (const char* flag : {"--step", "--aggregate", "--windows-out"}) {
    const CLI::Option* option = app.get_option_no_throw(flag);
    if (option && option->count()) throw UsageError(std::string(flag) + " goes with --fit windows");
  }
  if (fit.fit == Fit::exact && app.count("--pad")) throw UsageError("--pad goes with --fit crop or --fit windows");
}

}  // namespace dnacnn::app

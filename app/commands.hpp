// Each app/<command>.cpp registers one subcommand: it parses into an options struct and calls
// the library. Nothing else lives in app/.
#pragma once
#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/data/fit.hpp"
#include "dnacnn/data/intervals.hpp"

#include "dnacnn/models/model_config.hpp"

namespace dnacnn {
struct TrainOptions;
}

namespace dnacnn::app {

void add_simulate(CLI::App& root);
void add_train(CLI::App& root);
void add_evaluate(CLI::App& root);
void add_predict(CLI::App& root);
void add_demo(CLI::App& root);
void add_motifs(CLI::App& root);
void add_models(CLI::App& root);
void add_report(CLI::App& root);
void add_sweep(CLI::App& root);
void add_compare(CLI::App& root);
void add_export(CLI::App& root);
void add_scan(CLI::App& root);
void add_variants(CLI::App& root);
void add_attribute(CLI::App& root);
void add_discover(CLI::App& root);
void add_launch(CLI::App& root);
void add_merge(CLI::App& root);
void add_marginalize(CLI::App& root);  // marginalize.cpp, with add_ablate
void add_ablate(CLI::App& root);
void add_design(CLI::App& root);
void add_coverage(CLI::App& root);

// The command line as typed, for run.json.
const std::string& command_line();
void set_command_line(int argc, char** argv);

// --hparam name=value pairs; UsageError for anything else.
std::map<std::string, double> parse_hparams(const std::vector<std::string>& pairs);

// What train and sweep share: seeds, split fractions, threads, device and engine.
void add_training_run_options(CLI::App& app, dnacnn::TrainOptions& options);

// Learning-rate schedule, early stopping, weight decay and gradient clipping (train and sweep), and
// the check that a schedule's own options go with that schedule (call in the command's callback).
void add_training_feature_options(CLI::App& app, dnacnn::TrainOptions& options);
void check_training_feature_options(const CLI::App& app, const dnacnn::TrainOptions& options);

// --threads with its range check, shared by the commands that compute.
CLI::Option* add_threads_option(CLI::App& app, int& threads);
CLI::Option* add_quiet_flag(CLI::App& app, bool& quiet);

// How reads are counted (coverage.cpp): --full, --strand, --shift, --min-mapq, --exclude-flags into
// `options`, parsed as they are read; `context` prefixes the help ("With --bam"). counting_flags()
// names them, for commands that refuse them without their input.
void add_counting_options(CLI::App& cmd, CoverageOptions& options, const std::string& context);
const std::vector<std::string>& counting_flags();

// --bed, --genome, --negatives, ... (interval_options.cpp), after add_input_options (whose --target-col
// and --length they share); `training` adds the chromosome hold-out options.
void add_interval_options(CLI::App& cmd, IntervalDataOptions& options, bool training);
// --bed and --genome for commands that take regions' sequences without targets (attribute).
void add_region_options(CLI::App& cmd, std::vector<std::filesystem::path>& beds, std::filesystem::path& genome);
// UsageError for --target or --output-length without --bigwig or --bam, and for the counting options
// without --bam (call in the command's callback).
void check_interval_options(const CLI::App& cmd, const IntervalDataOptions& options);
// The training task: --negatives makes binary labels, so it implies --task binary (and refuses
// an explicit other task).
Task task_for_input(const IntervalDataOptions& intervals, Task task, bool task_given);

// An option whose value is one of an enum's names (--engine auto|torch|fused): `parse` turns the
// text into the value (its UsageError names the choices), `name` shows the live default in --help.
template <class E, class Parse, class Name>
CLI::Option* add_enum_option(CLI::App& app, const std::string& flag, E& value, Parse parse, Name name,
                             const std::string& help) {
  return app.add_option_function<std::string>(flag, [&value, parse](const std::string& text) { value = parse(text); },
                                              help)
      ->default_str(std::string(name(value)));
}

// CLI11's range checks let NaN through (every comparison with NaN is false): options that take a
// real number add this check too.
const CLI::Validator& finite_number();

// The options that say how to read sequences: --format, --seq-col, --id-col, and per use the
// target, labels, split and length options. `options()` gives the TableOptions they describe.
enum class InputUse { train, evaluate, predict };
struct InputArgs {
  TableOptions table;
  std::string pad = "both";
  TableOptions options() const;
};
void add_input_options(CLI::App& app, InputArgs& args, InputUse use);

// --fit exact|crop|windows with --pad, --step and --aggregate (data/fit.hpp): how predict, evaluate
// and attribute take sequences of other lengths than the model's. `windows_out` adds --windows-out.
void add_fit_options(CLI::App& app, FitOptions& fit, std::string* windows_out = nullptr);
// UsageError for window options without --fit windows (call in the command's callback).
void check_fit_options(const CLI::App& app, const FitOptions& fit);

}  // namespace dnacnn::app

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>

#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/io/line_reader.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/train/checkpoint.hpp"
#include "dnacnn/core/device.hpp"
#include "dnacnn/train/distributed.hpp"
#include "dnacnn/train/folds.hpp"
#include "dnacnn/report/report.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/io/table.hpp"
#include "dnacnn/train/run.hpp"
#include "dnacnn/train/run_config.hpp"
#include "dnacnn/data/scoring_rule.hpp"
#include "dnacnn/data/bam_tracks.hpp"
#include "dnacnn/data/signal.hpp"
#include "dnacnn/train/train.hpp"
#include "dnacnn/train/train_job.hpp"

namespace dnacnn::app {

struct TrainArgs {
  TrainOptions train;
  InputArgs input;
  IntervalDataOptions intervals;  // --bed input
  std::string data;
  std::string out;
  std::string resume;  // RUN to continue
  std::string config;  // run.json (or the like) whose options the command line overrides
  std::string name;
  int filters = 32;
  int kernel_size = 3;
  std::vector<std::string> hparams;  // name=value
  std::string rule;                  // empty: the data's rule file when simulate wrote one
  bool force = false;
  bool quiet = false;
  DistributedOptions dist;
  std::string fold_by = "auto";  // --fold-by: auto is chrom for --bed input, else random
};

// One process, or one rank of a --distributed group (joined here, before any output is written).
struct Group {
  std::unique_ptr<Communicator> comm;
  std::string device;  // a rank's own device ("cuda" -> cuda:LOCAL_RANK); empty: the job's
  bool writes() const { return writes_outputs(comm.get()); }
};

static Group join_group(const DistributedOptions& d, const std::string& device) {
  Group g;
  if (!d.enabled) {
    // A launcher's child without --distributed would train the whole job alongside its siblings.
    const char* world = std::getenv("WORLD_SIZE");
    if (world && std::string(world) != "1" && std::string(world) != "")
      throw UsageError(fmt::format("WORLD_SIZE={} is set (started by dnacnn launch or torchrun?): add --distributed, "
                                   "or unset WORLD_SIZE to train in one process", world));
    return g;
  }
  const WorldPlace place = resolve_world(d);
  g.device = rank_device(device, place);
  g.comm = Communicator::connect(place, d.timeout, g.device);  // NCCL for GPU ranks
  return g;
}

// Trains (from scratch or from the job's checkpoint), writes the run, and prints one summary line.
static TrainResult train_and_write(const std::filesystem::path& out, const TrainJob& job, const SequenceData& data,
                                   std::optional<TrainCheckpoint> resume, bool quiet, Group& group) {
  Progress progress(quiet || !group.writes());
  for (const auto& line : take_data_notes()) progress.log(line);
  if (data.cropped + data.padded > 0)
    progress.log(fmt::format("fitted to {} bp: {} sequences centre-cropped, {} N-padded ({})", job.table.length,
                             data.cropped, data.padded, pad_name(job.table.pad)));
  TrainResult result = run_train_job(out, job, data, std::move(resume), progress, group.comm.get(), group.device);
  if (!group.writes()) return result;
  const Scores& test = result.per_target.front().test;
  const std::string summary = test.binary ? fmt::format("test AUROC {:.4f}, AUPRC {:.4f}, accuracy {:.4f}",
                                                        test.binary->auroc, test.binary->auprc, test.binary->accuracy)
                                          : fmt::format("test R^2 {:.4f}, MSE {:.4f}", result.test.r2, result.test.mse);
  const std::string targets =
      result.per_target.size() > 1
          ? fmt::format(" ({} of {} targets)", result.config.targets.front(), result.per_target.size())
          : "";
  const std::string best = job.options.stopping.patience == 0 ? ""
                           : fmt::format(" ({}model of epoch {}, the best {})", result.stopped_early ? "stopped early; " : "",
                                         result.model_epoch, monitor_name(job.options.stopping.monitor));
  progress.log(fmt::format("{}: {} epochs in {:.2f} s{}; {}{}{} -> {}", job.name, result.history.size(),
                           result.train_seconds, best, summary, targets,
                           result.status == RunStatus::ok ? "" : fmt::format(" ({})", status_name(result.status)),
                           out.string()));
  return result;
}

// --folds K: each fold an ordinary run in RUN/fold-i (resumed from its checkpoint when `resuming`
// and it has one), then the ensemble's cross-validated metrics and out-of-fold predictions in RUN.
static void train_folds(const std::filesystem::path& out, TrainJob job, const SequenceData& data, bool quiet,
                        Group& group, bool resuming) {
  if (!resuming) write_folds_plan(out, data, job.options);
  std::vector<TrainResult> results;
  for (int k = 0; k < job.options.folds.count; ++k) {
    const std::filesystem::path dir = fold_dir(out, k);
    std::optional<TrainCheckpoint> state;
    TrainJob fold_job = job;
    if (resuming && std::filesystem::exists(checkpoint_path(dir))) {
      Checkpoint c = read_checkpoint(dir);
      c.job.options.epochs = job.options.epochs;
      fold_job = std::move(c.job);
      state = std::move(c.state);
      remove_stale_temporaries(dir);
      remove_stale_temporaries(dir / "model");
    } else {
      prepare_output_directory(dir, true);
      fold_job.options.folds.index = k;
    }
    if (fold_job.options.label.empty()) fold_job.options.label = fmt::format("{} fold {}", job.name, k);
    results.push_back(train_and_write(dir, fold_job, data, std::move(state), quiet, group));
  }
  const CrossValidation cv = cross_validate(data, results);
  write_folds_run(out, job.name, data, job.options, results, cv);
  write_report(out);  // RUN/report.html: the folds side by side
  const Scores& test = cv.pooled.front();
  Progress(quiet).log(fmt::format("{}: {} folds ({}), cross-validated {} -> {}", job.name, job.options.folds.count,
                                  fold_by_name(job.options.folds.by),
                                  test.binary ? fmt::format("test AUROC {:.4f}, AUPRC {:.4f}", test.binary->auroc,
                                                            test.binary->auprc)
                                              : fmt::format("test R^2 {:.4f}, MSE {:.4f}", test.regression.r2,
                                                            test.regression.mse),
                                  out.string()));
}

// train --resume RUN for a folds run: finishes every fold (the unfinished ones from their checkpoints,
// those not begun from fold 0's job) and writes the ensemble's files again.
static void resume_folds(const TrainArgs& a, const CLI::App& cmd) {
  const std::filesystem::path first = fold_dir(a.resume, 0);
  if (!std::filesystem::exists(checkpoint_path(first)))
    throw Error("no fold has a checkpoint yet: train the folds again (--force)", {a.resume});
  TrainJob job = read_checkpoint(first).job;
  load_torch();
  if (cmd.count("--epochs")) job.options.epochs = a.train.epochs;
  if (!job.intervals.bams.empty()) job.intervals.coverage_dir = std::filesystem::absolute(a.resume) / "coverage";
  const SequenceData data = read_job_input(job);  // an Error if the input changed
  Group group = join_group(a.dist, job.options.device);
  job.options.folds.index = 0;
  job.options.label.clear();
  train_folds(a.resume, job, data, a.quiet, group, true);
}

// --resume RUN: the job comes from RUN's checkpoint; only --epochs (to train longer) and --quiet go with it.
static void resume_train(const TrainArgs& a, const CLI::App& cmd) {
  for (const CLI::Option* opt : cmd.get_options()) {
    const std::string name = opt->get_name();
    const bool placement = name == "--distributed" || name == "--world-size" || name == "--rank" ||
                           name == "--master" || name == "--dist-timeout";
    if (opt->count() > 0 && name != "--resume" && name != "--epochs" && name != "--quiet" && !placement)
      throw UsageError("--resume continues a run with the settings it started with; drop " + name +
                       " (only --epochs, --quiet and the --distributed options may be given)");
  }
  if (std::filesystem::exists(std::filesystem::path(a.resume) / "folds.json")) return resume_folds(a, cmd);
  Checkpoint c = read_checkpoint(a.resume);
  load_torch();
  if (!c.job.intervals.bams.empty()) c.job.intervals.coverage_dir = std::filesystem::absolute(a.resume) / "coverage";
  const int done = static_cast<int>(c.state.history.size());
  if (cmd.count("--epochs")) {
    if (a.train.epochs < done)
      throw UsageError(fmt::format("--epochs {}: the run has already trained {} epochs", a.train.epochs, done));
    c.job.options.epochs = a.train.epochs;
  }
  const SequenceData data = read_job_input(c.job);  // an Error if the input changed
  Group group = join_group(a.dist, c.job.options.device);
  if (group.writes()) {
    remove_stale_temporaries(a.resume);
    remove_stale_temporaries(std::filesystem::path(a.resume) / "model");
  }
  train_and_write(a.resume, c.job, data, std::move(c.state), a.quiet, group);
}

// What a new run trains on and with: the command line, over --config's recorded run when given.
struct NewRun {
  TrainOptions options;
  std::string data;
  TableOptions table;
  IntervalDataOptions intervals;
  std::string name;
  nlohmann::json rule;  // --config's, when its data are used and no --rule is given
};

// Flags that say how to read the data: with --config they come with --data or --bed, not alone.
static bool reads_input(const std::string& flag) {
  static const std::set<std::string> flags{"--format", "--seq-col", "--id-col", "--target-col", "--labels",
                                           "--split-col", "--length", "--pad", "--genome", "--negatives",
                                           "--negative-ratio", "--negative-seed", "--val-chroms", "--test-chroms",
                                           "--bigwig", "--target", "--output-length", "--bam", "--full",
                                           "--strand", "--shift", "--min-mapq", "--exclude-flags", "--profile"};
  return flags.contains(flag);
}

static NewRun new_run(const TrainArgs& a, const CLI::App& cmd) {
  NewRun run{a.train, a.data, a.input.options(), a.intervals, a.name, {}};
  if (a.config.empty()) return run;
  RunConfig config = read_run_config(a.config);
  std::vector<std::string> given;
  for (const CLI::Option* opt : cmd.get_options())
    if (opt->count() > 0) given.push_back(option_key_of_flag(opt->get_name()));
  run.options = override_options(config.options, a.train, given);
  if (run.name.empty()) run.name = config.name;
  if (!a.data.empty() || !a.intervals.beds.empty()) return run;  // the command line's data, read its way
  for (const CLI::Option* opt : cmd.get_options())
    if (opt->count() > 0 && reads_input(opt->get_name()))
      throw UsageError(opt->get_name() + " says how to read data: with --config give the data too (--data or --bed)");
  if (config.data.empty() && !config.intervals)
    throw UsageError("--config " + a.config + " names no data (data.path): give --data or --bed");
  if (config.table) run.table = *config.table;
  if (config.intervals && !config.intervals->beds.empty()) run.intervals = *config.intervals;
  else run.data = config.data.string();
  if (!cmd.count("--rule")) run.rule = config.rule;
  return run;
}

// --folds K decides the split itself: options that split otherwise are refused, and --fold-by auto
// is by chromosome for BED input.
static void check_fold_options(const TrainArgs& a, const CLI::App& cmd, const NewRun& run, TrainOptions& options) {
  for (const char* flag : {"--split-col", "--val-chroms", "--test-chroms", "--val-frac", "--test-frac", "--distributed"})
    if (cmd.count(flag))
      throw UsageError(fmt::format("--folds {} splits the data itself (test fold i, validation fold i+1); drop {}",
                                   options.folds.count, flag));
  if (!run.table.split_col.empty() || !run.intervals.val_chroms.empty() || !run.intervals.test_chroms.empty())
    throw UsageError("--folds splits the data itself: the recorded run's --split-col/--val-chroms/--test-chroms do not apply");
  if (a.fold_by != "auto") options.folds.by = parse_fold_by(a.fold_by);
  else if (cmd.count("--folds") || a.config.empty())  // else --config's recorded choice stands
    options.folds.by = run.intervals.beds.empty() ? FoldBy::random : FoldBy::chrom;
  options.folds.index = 0;
}

// --profile: the multinomial loss (before the options are checked: --count-weight needs it).
static void use_profile_loss(const IntervalDataOptions& intervals, const CLI::App& cmd, TrainOptions& options) {
  if (!intervals.profile) return;
  if (cmd.count("--loss") && options.loss != Loss::multinomial)
    throw UsageError(fmt::format("--profile trains with --loss multinomial, not {}", loss_name(options.loss)));
  options.loss = Loss::multinomial;
}

// --profile: bpnet from the zoo gets its profile head (other models must end in one: train_model says so).
static void use_profile_model(const SequenceData& data, TrainOptions& options) {
  if (!options.spec && options.arch == "bpnet")
    options.spec = bpnet_profile_spec(data.common_length(), data.profile_length);
}

// The new run's data. --bam: the run keeps the reads' coverage tracks in RUN/coverage (those of
// --config's run linked in, reused while they hold), so --out is made first, and removed again
// when the data turn out bad and it was made here.
static SequenceData read_new_run_data(const TrainArgs& a, NewRun& run) {
  if (run.intervals.bams.empty()) {
    SequenceData data = read_input_data(run.data, run.table, run.intervals);
    data.common_length();  // mixed lengths fail here too
    return data;
  }
  if (a.dist.enabled)
    throw UsageError("--distributed with --bam: make the tracks first (dnacnn coverage) and train on them with --bigwig");
  const bool created = !std::filesystem::exists(a.out);
  prepare_output_directory(a.out, a.force);
  const std::filesystem::path recorded = run.intervals.coverage_dir;  // --config's run's
  run.intervals.coverage_dir = std::filesystem::absolute(a.out) / "coverage";
  try {
    adopt_bam_tracks(run.intervals, recorded, run.intervals.coverage_dir);
    SequenceData data = read_input_data(run.data, run.table, run.intervals);
    data.common_length();
    return data;
  } catch (...) {
    std::error_code ec;
    if (created) std::filesystem::remove_all(a.out, ec);
    throw;
  }
}

static void run_train(const TrainArgs& a, const CLI::App& cmd) {
  if (!a.resume.empty()) return resume_train(a, cmd);
  if (a.out.empty()) throw UsageError("--out is required (or --resume RUN)");
  if (io::is_standard_input(a.data))
    throw UsageError("--data -: training records its input's MD5 and reads it again on --resume; "
                     "write it to a file first (predict, evaluate and attribute read standard input)");
  NewRun run = new_run(a, cmd);
  TrainOptions& options = run.options;
  if (cmd.count("--filters")) options.hparams["filters"] = a.filters;
  if (cmd.count("--kernel-size")) options.hparams["kernel_size"] = a.kernel_size;
  for (const auto& [name, value] : parse_hparams(a.hparams)) options.hparams[name] = value;
  options.task = task_for_input(run.intervals, options.task, cmd.count("--task") > 0);
  use_profile_loss(run.intervals, cmd, options);
  options.validate();
  check_training_feature_options(cmd, options);
  check_interval_options(cmd, run.intervals);
  if (options.folds.count > 0) check_fold_options(a, cmd, run, options);
  if (a.dist.enabled && options.engine == EngineKind::fused)
    throw UsageError("--engine fused trains in one process; --distributed uses --engine torch (or auto)");
  // --model FILE.json: the spec is read once, here, and recorded (--config's recorded spec stands).
  if (!options.spec) {
    check_model_name(options.arch);
    if (!built_in_architecture(options.arch) && !is_zoo_model(options.arch)) options.spec = read_model_spec(options.arch);
  }
  const std::optional<ScoringRule> rule = run.data.empty() ? std::nullopt : rule_of_data(run.data, a.rule);
  const TableOptions& table = run.table;
  options.pad = table.length > 0 ? std::string(pad_name(table.pad)) : "";
  const SequenceData data = read_new_run_data(a, run);  // bad data: fail before creating --out
  if (data.has_profiles()) use_profile_model(data, options);
  load_torch();  // the data are good: now the part that computes
  check_device(options.device);
  Group group = join_group(a.dist, options.device);
  const bool created = group.writes() && !std::filesystem::exists(a.out);
  if (group.writes() && run.intervals.bams.empty()) prepare_output_directory(a.out, a.force);  // --bam: made already
  TrainJob job;
  job.options = options;
  job.table = table;
  job.name = run.name.empty() ? (options.spec ? options.spec->name : options.arch) : run.name;
  job.command_line = command_line();
  job.rule = rule ? scoring_rule_to_json(*rule) : run.rule;
  job.intervals = run.intervals;
  for (auto& bed : job.intervals.beds) bed = std::filesystem::absolute(bed);
  for (auto& bam : job.intervals.bams) bam = std::filesystem::absolute(bam).string();
  if (!job.intervals.genome.empty()) job.intervals.genome = std::filesystem::absolute(job.intervals.genome);
  job.data = std::filesystem::absolute(run.data.empty() ? job.intervals.beds.front() : std::filesystem::path(run.data));
  job.data_md5 = input_md5(job);
  try {
    if (options.folds.count > 0) return train_folds(a.out, job, data, a.quiet, group, false);
    train_and_write(a.out, job, data, std::nullopt, a.quiet, group);
  } catch (...) {
    // Refused before training began (e.g. --batch-size larger than the split): leave no empty
    // directory behind. Once the first checkpoint exists the directory stays: it can be resumed.
    std::error_code ec;
    if (created && std::filesystem::is_empty(a.out, ec)) std::filesystem::remove(a.out, ec);
    throw;
  }
}

void add_train(CLI::App& root) {
  auto a = std::make_shared<TrainArgs>();
  CLI::App* cmd =
      root.add_subcommand("train", "Train a model on sequences and targets: a table, FASTA with labels, or BED intervals");
  cmd->add_option("--data", a->data,
                  "Training data: TSV/CSV with a header, or FASTA with --labels (plain, gzip or bgzip); or --bed");
  cmd->add_option("--model", a->train.arch,
                  "Architecture: linear, cnn, deepcnn, a zoo model (deepbind, deepsea, basset, danq, bpnet) or a spec "
                  "file FILE.json (see `dnacnn models`)");
  cmd->add_option("-o,--out", a->out, "Run directory to create (required)");
  cmd->add_option("--resume", a->resume,
                  "Continue the interrupted or killed run in this directory from its last checkpoint, with its own "
                  "settings (add --epochs to train longer)")
      ->excludes("--data")
      ->excludes("--out");
  cmd->add_option("--config", a->config,
                  "Train the run recorded in this file again (a run's run.json, or a hand-written file with its "
                  "keys); options given here override it")
      ->excludes("--resume");
  cmd->add_option("--name", a->name, "Model name in metrics.json (default: the architecture)");
  cmd->add_option("--epochs", a->train.epochs, "Passes over the training split")->check(CLI::PositiveNumber);
  cmd->add_option("--lr", a->train.lr, "Learning rate")->check(finite_number())->check(CLI::PositiveNumber);
  cmd->add_option("--batch-size", a->train.batch_size, "Sequences per optimiser step")->check(CLI::PositiveNumber);
  add_enum_option(*cmd, "--optimizer", a->train.optimizer, parse_optimizer, optimizer_name, "Optimiser: sgd, adam or adamw (Adam with decoupled weight decay)");
  add_training_run_options(*cmd, a->train);
  add_training_feature_options(*cmd, a->train);
  cmd->add_option("--filters", a->filters, "Convolution filters (when not given: the model's own default)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--kernel-size", a->kernel_size, "First convolution's width in bases (when not given: the model's default)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--hparam", a->hparams, "Any model hyper-parameter as name=value (repeatable; see `dnacnn models`)");
  add_input_options(*cmd, a->input, InputUse::train);
  add_enum_option(*cmd, "--task", a->train.task, parse_task, task_name,
                  "regression (MSE) or binary (targets 0/1; BCE on logits, AUROC/AUPRC; implied by --negatives)");
  cmd->add_option("--pos-weight", a->train.pos_weight, "Binary task: weight of the positives in the loss (e.g. #neg/#pos)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--rc-augment", a->train.rc_augment, "Reverse-complement a random half of the training sequences each epoch");
  add_interval_options(*cmd, a->intervals, true);
  cmd->add_option("--rule", a->rule,
                  "Scoring rule of simulated data (preset or JSON), for the report's error analysis "
                  "(default: the data's .rule.json written by simulate, when present)");
  cmd->add_option("--folds", a->train.folds.count,
                  "Train a K-fold ensemble into RUN/fold-0 .. RUN/fold-(K-1): model i tested on fold i, validated on "
                  "fold i+1, trained on the rest; RUN gets the cross-validated metrics (K >= 3)")
      ->check(CLI::Range(3, 100));
  cmd->add_option("--fold-by", a->fold_by,
                  "--folds: random (rows, with --split-seed) or chrom (whole chromosomes, by the ids chr:start-end); "
                  "auto: chrom for --bed input, else random")
      ->check(CLI::IsMember({"auto", "random", "chrom"}))
      ->capture_default_str();
  cmd->add_flag("--force", a->force, "Overwrite an existing, non-empty --out directory");
  add_quiet_flag(*cmd, a->quiet);
  cmd->add_flag("--distributed", a->dist.enabled,
                "Train as one rank of a data-parallel group (torch.distributed, Gloo on CPU); the group comes from "
                "MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK (set by `dnacnn launch` or torchrun) or the flags below");
  cmd->add_option("--world-size", a->dist.world_size, "--distributed: processes in the group (default: WORLD_SIZE)")
      ->check(CLI::PositiveNumber)
      ->needs("--distributed");
  cmd->add_option("--rank", a->dist.rank, "--distributed: this process's rank, 0 to world size - 1 (default: RANK)")
      ->check(CLI::NonNegativeNumber)
      ->needs("--distributed");
  cmd->add_option("--master", a->dist.master,
                  "--distributed: host:port where rank 0 serves the rendezvous (default: MASTER_ADDR:MASTER_PORT)")
      ->needs("--distributed");
  cmd->add_option("--dist-timeout", a->dist.timeout,
                  "--distributed: seconds to wait for the other ranks (rendezvous and each step) before failing")
      ->check(finite_number())
      ->check(CLI::PositiveNumber)
      ->needs("--distributed");
  cmd->final_callback([a, cmd] { run_train(*a, *cmd); });
}

}  // namespace dnacnn::app

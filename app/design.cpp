#include <fmt/format.h>

#include <filesystem>

#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/core/device.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/design/design.hpp"
#include "dnacnn/train/run.hpp"

namespace dnacnn::app {

struct DesignArgs {
  DesignRequest r;
  InputArgs input;
  bool minimize = false, maximize = false, force = false, quiet = false;
  std::optional<double> target;
  int threads = 1;
};

namespace {

void add_objective_options(CLI::App& cmd, DesignArgs& a) {
  cmd.add_flag("--maximize", a.maximize, "Make the objective as high as possible (the default)");
  cmd.add_flag("--minimize", a.minimize, "Make the objective as low as possible");
  cmd.add_option("--target", a.target, "Bring the objective to VALUE (squared distance); binary models: a probability in 0-1")
      ->check(finite_number());
  cmd.add_option("--objective", a.r.objective,
                 "Weighted sum of the model's targets, e.g. 't1 - 0.5*t2' (default: its only target); binary models: "
                 "of their logits");
}

void add_start_options(CLI::App& cmd, DesignArgs& a) {
  cmd.add_option("--start", a.r.start, "Sequences to edit: FASTA or a TSV/CSV table with a sequence column");
  add_input_options(cmd, a.input, InputUse::predict);
  cmd.add_option("--n", a.r.n, "Random starting sequences (without --start)")->check(CLI::Range(1, 1000000));
  cmd.add_option("--length", a.r.length, "Their length (0: the model's input length, the only one allowed)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--gc", a.r.gc, "G+C probability of each base of the random starts")->check(CLI::Range(0.0, 1.0))->check(finite_number());
  cmd.add_option("--seed", a.r.seed, "Seed for the random starts and the gradient method's sampling")->check(CLI::NonNegativeNumber);
}

void add_method_options(CLI::App& cmd, DesignArgs& a) {
  add_enum_option(cmd, "--method", a.r.method, parse_design_method, design_method_name,
                  "evolve: greedy, each round the best single-base mutant; beam: the --beam-width best mutants each "
                  "round; gradient: Adam on a relaxed one-hot input (Ledidi-style)");
  cmd.add_option("--rounds", a.r.rounds, "evolve, beam: rounds (evolve stops early at a local optimum)")->check(CLI::Range(1, 100000));
  cmd.add_option("--beam-width", a.r.beam_width, "beam: sequences kept per start each round")->check(CLI::Range(1, 10000));
  cmd.add_option("--steps", a.r.steps, "gradient: optimisation steps")->check(CLI::Range(1, 1000000));
  cmd.add_option("--edit-penalty", a.r.edit_penalty, "gradient: loss added per edited base (fewer edits)")
      ->check(CLI::NonNegativeNumber)->check(finite_number());
  cmd.add_option("--lr", a.r.lr, "gradient: Adam's learning rate on the input logits")->check(CLI::PositiveNumber)->check(finite_number());
  add_enum_option(cmd, "--relax", a.r.relaxation, parse_relaxation, relaxation_name,
                  "gradient: gumbel (Gumbel-softmax samples, hard in the forward pass) or straight-through (argmax)");
  cmd.add_option("--samples", a.r.samples, "gradient, gumbel: samples per sequence and step")->check(CLI::Range(1, 4096));
}

void add_constraint_options(CLI::App& cmd, DesignArgs& a) {
  cmd.add_option("--gc-range", a.r.gc_range, "LO,HI: every design's GC fraction stays within (e.g. 0.35,0.65)");
  cmd.add_option("--forbid", a.r.forbid, "Motifs no design may contain, on either strand (comma-separated, repeatable)")->delimiter(',');
  cmd.add_option("--keep", a.r.keep, "START:END (1-based, inclusive): bases that must not change (repeatable)")->delimiter(',');
  cmd.add_option("--max-edits", a.r.max_edits, "At most K bases differ from the start (default: no limit)")
      ->check(CLI::NonNegativeNumber)->default_str("no limit");
}

}  // namespace

void add_design(CLI::App& root) {
  auto a = std::make_shared<DesignArgs>();
  a->input.table.require_target = false;
  CLI::App* cmd = root.add_subcommand("design", "Design sequences the model scores highest (or lowest, or at a target) under constraints");
  cmd->add_option("--model", a->r.models, "Model directory (RUN/model), a run, or a folds run (train --folds); several: their mean (an ensemble)")->required();
  cmd->add_option("-o,--out", a->r.out, "Output directory: designs.tsv, trajectory.tsv, logos/, report.html")->required();
  add_objective_options(*cmd, *a);
  add_start_options(*cmd, *a);
  add_method_options(*cmd, *a);
  add_constraint_options(*cmd, *a);
  cmd->add_option("--logos", a->r.logos, "Edit and attribution logos (and report entries) for the first N designs")->check(CLI::NonNegativeNumber);
  cmd->add_option("--batch-size", a->r.batch_rows, "Mutants scored per forward batch")->check(CLI::Range(1, 1 << 24));
  add_threads_option(*cmd, a->threads);
  cmd->add_option("--device", a->r.device, "cpu, cuda or cuda:N");
  cmd->add_flag("--force", a->force, "Overwrite an existing, non-empty --out directory");
  add_quiet_flag(*cmd, a->quiet);
  cmd->final_callback([a, cmd] {
    DesignRequest& r = a->r;
    if (a->minimize + a->maximize + a->target.has_value() > 1)
      throw UsageError("give one of --maximize, --minimize and --target");
    r.goal = a->minimize ? DesignGoal::minimize : a->target ? DesignGoal::target : DesignGoal::maximize;
    r.target_value = a->target.value_or(0);
    if (!r.start.empty() && (cmd->count("--n") || cmd->count("--gc")))
      throw UsageError("--n and --gc make random starts: not with --start");
    r.table = a->input.options();
    load_torch();
    set_thread_count(a->threads);
    std::error_code ec;
    const bool existed = std::filesystem::exists(r.out, ec);
    prepare_output_directory(r.out, a->force);
    Progress progress(a->quiet);
    DesignResult result;
    try {
      result = run_design(r, progress);
    } catch (...) {
      // Refused (a bad objective, an impossible constraint): leave no empty directory behind.
      if (!existed && std::filesystem::is_empty(r.out, ec)) std::filesystem::remove(r.out, ec);
      throw;
    }
    progress.log(fmt::format("design: {} designs by {} in {:.2f} s ({} {}, {} sequences scored, {:.0f}/s); best score {:.4g} -> {}",
                             result.designs, design_method_name(r.method), result.seconds, result.rounds,
                             r.method == DesignMethod::gradient ? "steps" : "rounds",
                             result.mutants_scored, static_cast<double>(result.mutants_scored) / std::max(result.search_seconds, 1e-9),
                             result.best_score, r.out.string()));
  });
}

}  // namespace dnacnn::app

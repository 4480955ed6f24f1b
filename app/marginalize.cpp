#include <fmt/format.h>

#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/interpret/experiments.hpp"
#include "dnacnn/train/run.hpp"

namespace dnacnn::app {

namespace {

constexpr const char* kModelHelp =
    "Model directory (RUN/model), a run, or a folds run (train --folds); several: their mean (an ensemble)";

// What marginalize and ablate share: the model(s), the motifs, the target and where to write.
template <class Request>
void add_experiment_options(CLI::App& cmd, Request& q, bool& force, bool& quiet) {
  cmd.add_option("--model", q.models, kModelHelp)->required();
  cmd.add_option("--motif", q.motifs, "A motif's bases (ACGT; N matches any base); repeatable");
  cmd.add_option("--motif-file", q.motif_file, "Motifs in MEME or JASPAR format: each one's consensus");
  cmd.add_option("--target", q.target, "Model target (default: the first)");
  cmd.add_option("-o,--out", q.out, "Output directory")->required();
  cmd.add_option("--device", q.device, "cpu, cuda or cuda:N");
  cmd.add_flag("--force", force, "Overwrite an existing, non-empty --out directory");
  add_quiet_flag(cmd, quiet);
}

}  // namespace

void add_marginalize(CLI::App& root) {
  auto q = std::make_shared<MarginalizeRequest>();
  auto quiet = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  auto input = std::make_shared<InputArgs>();
  input->table.require_target = false;
  CLI::App* cmd = root.add_subcommand(
      "marginalize", "A motif's effect on the model: predictions for background sequences before and after inserting it");
  add_experiment_options(*cmd, *q, *force, *quiet);
  cmd->add_option("--background", q->background.spec,
                  "N random sequences of the model's length (GC content --gc), or a file of sequences (table or FASTA, "
                  "centre-cropped or N-padded to the model's length)")
      ->capture_default_str();
  cmd->add_option("--gc", q->background.gc, "GC content of random backgrounds")->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cmd->add_option("--seed", q->background.seed, "Seed of the random backgrounds")->capture_default_str();
  add_input_options(*cmd, *input, InputUse::predict);
  cmd->add_option("--position", q->position, "0-based start of the inserted motif (default: centred)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--spacing", q->spacing,
                  "Also insert the first two motifs together, the pair centred, with every gap of 0..D bases between "
                  "them: spacing.tsv and a plot")
      ->check(CLI::NonNegativeNumber);
  cmd->final_callback([q, quiet, force, input] {
    q->background.table = input->options();
    experiment_motifs(q->motifs, q->motif_file);  // bad motifs: exit 2 before anything loads
    load_torch();
    prepare_output_directory(q->out, *force);
    Progress progress(*quiet);
    const MarginalizeResult r = run_marginalize(*q, progress);
    for (const MotifEffect& e : r.effects)
      progress.log(fmt::format("{}: mean effect {:.4g} (sd {:.3g}) over {} backgrounds", e.motif, e.mean, e.sd, e.n));
    progress.log(fmt::format("marginalize: {:.2f} s -> {}", r.seconds, q->out.string()));
  });
}

void add_ablate(CLI::App& root) {
  auto q = std::make_shared<AblateRequest>();
  auto quiet = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  auto input = std::make_shared<InputArgs>();
  input->table.require_target = false;
  CLI::App* cmd = root.add_subcommand(
      "ablate", "What a motif's occurrences contribute: predictions with each occurrence shuffled, masked or randomised");
  add_experiment_options(*cmd, *q, *force, *quiet);
  cmd->add_option("--in", q->in, "Sequences: FASTA or a TSV/CSV table (fitted to the model's length)")->required();
  add_input_options(*cmd, *input, InputUse::predict);
  add_enum_option(*cmd, "--method", q->method, parse_ablate_method, ablate_method_name,
                  "shuffle (the occurrence's bases permuted), mask (N) or random (new random bases)");
  cmd->add_option("--shuffles", q->shuffles, "shuffle/random: ablated copies per sequence, averaged")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--seed", q->seed, "Seed of the shuffles")->capture_default_str();
  cmd->add_flag("--forward-only", q->forward_only,
                "Occurrences as the motif is written only (default: its reverse complement's too, as a factor binds)");
  cmd->final_callback([q, quiet, force, input] {
    q->table = input->options();
    experiment_motifs(q->motifs, q->motif_file);
    load_torch();
    prepare_output_directory(q->out, *force);
    Progress progress(*quiet);
    const AblateResult r = run_ablate(*q, progress);
    for (const MotifEffect& e : r.effects)
      progress.log(fmt::format("{}: mean effect {:.4g} (sd {:.3g}) over the {} of {} sequences holding it", e.motif,
                               e.mean, e.sd, e.n, r.sequences));
    progress.log(fmt::format("ablate: {:.2f} s -> {}", r.seconds, q->out.string()));
  });
}

}  // namespace dnacnn::app

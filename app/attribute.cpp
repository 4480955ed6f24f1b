#include <fmt/format.h>

#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/core/device.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/interpret/attribute.hpp"
#include "dnacnn/train/run.hpp"

namespace dnacnn::app {
namespace {

// --window START:END, 1-based and inclusive as attributions.tsv's pos: 0-based [START - 1, END).
void parse_window(const std::string& text, AttributionOptions& o) {
  const auto colon = text.find(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument(text);
    std::size_t used = 0;
    const long long start = std::stoll(text.substr(0, colon), &used);
    if (used != colon) throw std::invalid_argument(text);
    const std::string rest = text.substr(colon + 1);
    const long long end = std::stoll(rest, &used);
    if (used != rest.size() || start < 1 || end < start) throw std::invalid_argument(text);
    o.window_start = start - 1;
    o.window_end = end;
  } catch (const std::logic_error&) {
    throw UsageError("--window must be START:END (1-based, inclusive, START <= END), got '" + text + "'");
  }
}

}  // namespace

void add_attribute(CLI::App& root) {
  auto q = std::make_shared<AttributeRequest>();
  auto quiet = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  auto method = std::make_shared<std::string>("ism");
  auto input = std::make_shared<InputArgs>();
  auto threads = std::make_shared<int>(1);
  auto window = std::make_shared<std::string>();
  input->table.require_target = false;  // sequences only
  CLI::App* cmd = root.add_subcommand(
      "attribute", "Per-base attribution (fast ISM, saliency, gradient x input, DeepSHAP, integrated gradients): tables, logos, report");
  cmd->add_option("--model", q->models, "Model directory (RUN/model), a run, or a folds run (train --folds); several: their mean (an ensemble)")->required();
  cmd->add_option("--in", q->in, "Sequences: FASTA or a TSV/CSV table with a sequence column (plain, gzip or bgzip); - reads standard input; or --bed");
  add_region_options(*cmd, q->beds, q->genome);
  cmd->add_flag("--bigwig", q->bigwig,
                "Also write attributions.bw: each base's attribution (the attribution column) at its place in "
                "--genome, from the ids chr:start-end (--bed's, or a --bed run's predictions.tsv)");
  add_input_options(*cmd, *input, InputUse::predict);
  add_fit_options(*cmd, q->fit);
  cmd->add_option("--method", *method,
                  "ism: every single-base mutant (fast ISM); saliency: d output / d input; gradxinput; deepshap: "
                  "DeepLIFT rescale against dinucleotide shuffles; ig: integrated gradients from the all-zero input")
      ->check(CLI::IsMember({"ism", "saliency", "gradxinput", "deepshap", "ig"}));
  cmd->add_option("--n-shuffles", q->options.n_shuffles, "deepshap: dinucleotide-shuffled references per sequence")
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--seed", q->options.seed, "deepshap: seed of the shuffles (each sequence's own from it and its bases)");
  cmd->add_option("--steps", q->options.steps, "ig: points on the path from the baseline")->check(CLI::Range(1, 100000));
  cmd->add_flag("--hypothetical", q->options.hypothetical,
                "deepshap, ig: A/C/G/T columns hold hypothetical contributions (what each base would contribute "
                "there, as TF-MoDISco takes them); attribution stays the observed base's actual one");
  cmd->add_option("--window", *window, "ism: mutate only positions START:END (1-based, inclusive); others are 0");
  cmd->add_flag("--naive", q->options.naive,
                "ism: run every mutant through the whole network instead of recomputing only what it changes");
  add_threads_option(*cmd, *threads);
  cmd->add_option("-o,--out", q->out, "Output directory")->required();
  cmd->add_option("--target", q->target, "Model target to explain (default: the first)");
  cmd->add_option("--logos", q->logos, "Draw logos (and show them in the report) for the first N sequences")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--device", q->device, "cpu, cuda or cuda:N");
  cmd->add_flag("--force", *force, "Overwrite an existing, non-empty --out directory");
  add_quiet_flag(*cmd, *quiet);
  cmd->final_callback([q, quiet, force, method, input, threads, window, cmd] {
    check_fit_options(*cmd, q->fit);
    if (q->in.empty() == q->beds.empty()) throw UsageError("give the sequences as --in FILE or --bed REGIONS --genome FASTA");
    if (q->genome.empty() && (!q->beds.empty() || q->bigwig))
      throw UsageError(std::string(q->bigwig ? "--bigwig" : "--bed") + " needs --genome (the reference: " +
                       (q->bigwig ? "chromosome sizes)" : "the regions' sequences)"));
    if (!q->genome.empty() && q->beds.empty() && !q->bigwig)
      throw UsageError("--genome goes with --bed or --bigwig");
    if (!q->beds.empty() && q->fit.fit != Fit::exact)
      throw UsageError("--bed's windows are the model's length: --fit does not apply");
    if (!window->empty()) parse_window(*window, q->options);
    // What does not fit the method fails before LibTorch (and libdnacnn) load; run_attribute checks again.
    if (q->options.hypothetical && *method != "deepshap" && *method != "ig")
      throw UsageError("--hypothetical is for --method deepshap and ig");
    if (!window->empty() && *method != "ism") throw UsageError("--window is for --method ism");
    load_torch();
    set_thread_count(*threads);
    q->table = input->options();
    q->method = parse_attribution_method(*method);
    prepare_output_directory(q->out, *force);
    Progress progress(*quiet);
    const AttributeResult r = run_attribute(*q, progress);
    progress.log(fmt::format("{} attribution of {} sequences in {:.2f} s ({} logos) -> {}", *method, r.sequences,
                             r.seconds, r.logos, q->out.string()));
  });
}

}  // namespace dnacnn::app

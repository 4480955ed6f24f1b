#include <fmt/format.h>

#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/interpret/attribute.hpp"
#include "dnacnn/interpret/discover.hpp"
#include "dnacnn/train/run.hpp"

namespace dnacnn::app {

namespace {

// The attribution method `discover --model` runs when --method is not given (one place to change).
// DeepSHAP with hypothetical contributions, as TF-MoDISco takes them.
constexpr const char* kDefaultDiscoverMethod = "deepshap";

HypotheticalScores parse_hypothetical(const std::string& name) {
  if (name == "auto") return HypotheticalScores::automatic;
  if (name == "as-is") return HypotheticalScores::as_is;
  if (name == "centre") return HypotheticalScores::centre;
  throw UsageError("--hypothetical must be auto, as-is or centre");
}

struct DiscoverArgs {
  DiscoverRequest request;
  std::string db, hypothetical = "auto", method = kDefaultDiscoverMethod, target;
  std::vector<std::filesystem::path> models;
  std::filesystem::path in;
  InputArgs input;
  bool quiet = false, force = false;
};

void add_algorithm_options(CLI::App& cmd, DiscoverOptions& o) {
  cmd.add_option("--window", o.window, "Sliding window (bp) whose summed contribution calls seqlets")->check(CLI::Range(1, 10000));
  cmd.add_option("--flank", o.flank, "Bases added on both sides of a seqlet's window")->check(CLI::Range(0, 10000));
  cmd.add_option("--fdr", o.target_fdr, "Target false discovery rate of seqlets against position-shuffled tracks")
      ->check(CLI::Range(0.0, 1.0))->check(finite_number());
  cmd.add_option("--min-passing", o.min_passing, "At least this fraction of windows become seqlet candidates")
      ->check(CLI::Range(0.0, 1.0))->check(finite_number());
  cmd.add_option("--max-passing", o.max_passing, "At most this fraction of windows become seqlet candidates")
      ->check(CLI::Range(0.0, 1.0))->check(finite_number());
  cmd.add_option("--max-seqlets", o.max_seqlets, "Seqlets kept per sign (strongest first)")->check(CLI::Range(1, 100000000));
  cmd.add_option("--sample", o.sample, "Seqlets per sign compared all-against-all to seed the patterns")->check(CLI::Range(2, 20000));
  cmd.add_option("--similarity", o.similarity, "Continuous Jaccard similarity a seqlet needs to join a pattern")
      ->check(CLI::Range(-1.0, 1.0))->check(finite_number());
  cmd.add_option("--min-seqlets", o.min_seqlets, "Patterns with fewer seqlets are dropped (lowered to 1% of a sign's seqlets, at least 5, for small inputs)")
      ->check(CLI::Range(1, 100000000));
  cmd.add_option("--trim", o.trim, "Trim patterns to positions whose CWM mass is at least this fraction of the largest")
      ->check(CLI::Range(0.0, 1.0))->check(finite_number());
  cmd.add_option("--merge", o.merge, "Merge patterns of one sign whose centroids are at least this similar")
      ->check(CLI::Range(-1.0, 1.0))->check(finite_number());
  cmd.add_option("--seed", o.seed, "Seed for the shuffled null and the seeding sample");
  cmd.add_option("--threads", o.threads, "Threads (0: every core; the results do not depend on it)")->check(CLI::Range(0, 1024));
}

}  // namespace

void add_discover(CLI::App& root) {
  auto a = std::make_shared<DiscoverArgs>();
  a->input.table.require_target = false;
  CLI::App* cmd = root.add_subcommand(
      "discover", "Motifs from attributions (TF-MoDISco style): seqlets, patterns, PWM/CWM, MEME file, logos, report");
  auto* attr = cmd->add_option("--attributions", a->request.attributions, "Directory written by `dnacnn attribute` (attributions.tsv)");
  auto* model = cmd->add_option("--model", a->models, "Instead of --attributions: attribute this model's (or an ensemble's) predictions for --in first (into OUT/attributions)");
  attr->excludes(model);
  cmd->add_option("--in", a->in, "With --model: the sequences (FASTA or a table)")->needs(model);
  add_input_options(*cmd, a->input, InputUse::predict);
  cmd->add_option("--method", a->method, "With --model: the attribution method")->default_str(kDefaultDiscoverMethod)->needs(model);
  cmd->add_option("--target", a->target, "With --model: the target to explain (default: the first)")->needs(model);
  cmd->add_option("-o,--out", a->request.out, "Output directory")->required();
  cmd->add_option("--db", a->db, "Motif database to match the patterns against (MEME or JASPAR format)");
  cmd->add_option("--permutations", a->request.match.permutations, "Column shuffles for each match's p-value")->check(CLI::Range(1, 100000));
  cmd->add_option("--hypothetical", a->hypothetical,
                  "How the A/C/G/T columns become hypothetical contributions: auto (ISM mean-centred, others as written), as-is, centre")
      ->check(CLI::IsMember({"auto", "as-is", "centre"}));
  add_algorithm_options(*cmd, a->request.options);
  cmd->add_flag("--force", a->force, "Overwrite an existing, non-empty --out directory");
  add_quiet_flag(*cmd, a->quiet);
  cmd->final_callback([a, cmd] {
    DiscoverRequest& q = a->request;
    if (!cmd->count("--attributions") && !cmd->count("--model")) throw UsageError("give --attributions DIR, or --model M with --in SEQS");
    if (cmd->count("--model") && !cmd->count("--in")) throw UsageError("--model needs --in (the sequences to attribute)");
    q.options.validate();
    q.hypothetical = parse_hypothetical(a->hypothetical);
    if (!a->db.empty()) q.database = a->db;
    const bool attribute_first = cmd->count("--model") > 0;
    AttributionMethod method = AttributionMethod::ism;
    if (attribute_first) {
      load_torch();
      method = parse_attribution_method(a->method);  // UsageError before anything is written
    }
    prepare_output_directory(q.out, a->force);
    Progress progress(a->quiet);
    if (attribute_first) {
      AttributeRequest r;
      r.models = a->models;
      r.options.hypothetical = has_references(method);  // deepshap/ig: hypothetical scores, as TF-MoDISco takes them
      r.in = a->in;
      r.table = a->input.options();
      r.method = method;
      r.target = a->target;
      r.out = q.out / "attributions";
      r.logos = 0;
      const AttributeResult done = run_attribute(r, progress);
      progress.log(fmt::format("{} attribution of {} sequences in {:.2f} s -> {}", a->method, done.sequences, done.seconds,
                               r.out.string()));
      q.attributions = r.out;
    }
    const DiscoverSummary s = run_discover(q, progress);
    const SeqletStats& st = s.result.stats;
    progress.log(fmt::format("discover: {} positive and {} negative seqlets, {} patterns in {:.2f} s (peak RSS {:.0f} MB) -> {}",
                             st.pos_seqlets, st.neg_seqlets, s.result.patterns.size(), s.seconds, s.peak_rss_mb,
                             q.out.string()));
  });
}

}  // namespace dnacnn::app

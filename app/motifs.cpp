#include "commands.hpp"
#include "dnacnn/interpret/interpret.hpp"

namespace dnacnn::app {

void add_motifs(CLI::App& root) {
  auto q = std::make_shared<MotifsRequest>();
  auto quiet = std::make_shared<bool>(false);
  auto relative = std::make_shared<double>(0.5);
  auto db = std::make_shared<std::string>();
  CLI::App* cmd = root.add_subcommand(
      "motifs", "Turn a CNN's first-layer filters into motifs: PWMs, MEME file, logos, database matches");
  cmd->add_option("--model", q->model_dir, "Model directory (RUN/model) of a CNN")->required();
  cmd->add_option("--data", q->data, "Sequences to scan (a table with a sequence column)")->required();
  cmd->add_option("-o,--out", q->out, "Output directory")->required();
  cmd->add_option("--threshold", q->motif.threshold, "A window counts when the filter's activation exceeds this")
      ->check(finite_number());
  cmd->add_option("--relative-threshold", *relative,
                  "Instead of --threshold: a fraction of each filter's maximum activation on the data (Basset)")
      ->check(CLI::Range(0.0, 1.0))
      ->check(finite_number());
  cmd->add_option("--pseudocount", q->motif.pseudocount, "Added to every count of the PFM")->check(CLI::NonNegativeNumber)
      ->check(finite_number());
  cmd->add_option("--db", *db, "Motif database to match against (MEME or JASPAR format)");
  cmd->add_option("--permutations", q->match.permutations, "Column shuffles for each match's p-value")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--min-overlap", q->match.min_overlap, "Fewest aligned columns of a match")->check(CLI::PositiveNumber);
  cmd->add_option("--top", q->match.top, "Matches kept per filter")->check(CLI::PositiveNumber);
  cmd->add_option("--seq-col", q->table.seq_col, "Column holding the sequences");
  add_quiet_flag(*cmd, *quiet);
  cmd->final_callback([q, quiet, relative, db, cmd] {
    if (cmd->count("--relative-threshold")) q->motif.relative_threshold = *relative;
    if (!db->empty()) q->database = *db;
    Progress progress(*quiet);
    run_motifs(*q, progress);
  });
}

}  // namespace dnacnn::app

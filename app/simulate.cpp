#include "commands.hpp"
#include "dnacnn/data/simulate.hpp"

namespace dnacnn::app {

struct SimulateArgs {
  SimulateOptions sim;
  std::string out;
  std::string rule = "notebook";
};

void add_simulate(CLI::App& root) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = root.add_subcommand(
      "simulate", "Write every k-mer (or --random sequences) with its score under a rule (default: the notebook's, A=20 C=17 G=14 T=11, mean; +10 TAT; -10 GCG)");
  cmd->add_option("--k", args->sim.k, "k-mer length: writes 4^k rows")->check(CLI::Range(1, 12));
  cmd->add_option("-o,--out", args->out, "Output TSV (seq<TAB>score); .gz is not compressed")->required();
  cmd->add_option("--seed", args->sim.seed, "Seed for --random and --noise")->check(CLI::NonNegativeNumber);
  cmd->add_option("--random", args->sim.random, "Instead of all k-mers: this many uniformly random sequences")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--length", args->sim.length, "Length of the --random sequences")->check(CLI::Range(1, 1000000));
  cmd->add_option("--noise", args->sim.noise, "Standard deviation of Gaussian noise added to each score")
      ->check(CLI::NonNegativeNumber)
      ->check(finite_number());
  cmd->add_option("--rule", args->rule,
                  "Scoring rule: a preset (" + std::string(kScoringRulePresets) + ") or a JSON file (see docs/notebook.md)");
  cmd->final_callback([args] {
    args->sim.rule = load_scoring_rule(args->rule);
    write_simulated_kmers(args->out, args->sim);
  });
}

}  // namespace dnacnn::app

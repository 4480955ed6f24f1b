#include "commands.hpp"
#include "dnacnn/train/launch.hpp"

namespace dnacnn::app {

void add_launch(CLI::App& root) {
  auto o = std::make_shared<LaunchOptions>();
  CLI::App* cmd = root.add_subcommand(
      "launch", "Run N local copies of a dnacnn command as one distributed group (like torchrun --standalone)");
  cmd->add_option("--nproc", o->nproc, "Processes (ranks) to start: e.g. one per GPU or socket")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--master-port", o->master_port, "Port of rank 0's rendezvous on 127.0.0.1 (default: a free one)")
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--grace", o->grace, "Seconds the other ranks get to stop when one fails, before they are killed")
      ->check(finite_number())
      ->check(CLI::PositiveNumber);
  cmd->add_option("command", o->command, "The dnacnn command each rank runs, after --: -- train --distributed ...")
      ->required();
  cmd->footer("Example: dnacnn launch --nproc 2 -- train --distributed --data d.tsv --out run --threads 1");
  cmd->final_callback([o] { launch_local(*o); });
}

}  // namespace dnacnn::app

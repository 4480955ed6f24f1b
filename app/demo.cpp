#include <iostream>

#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/train/demo.hpp"

namespace dnacnn::app {

void add_demo(CLI::App& root) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* cmd = root.add_subcommand(
      "demo", "Run the teaching notebook end to end: 8-mers, linear model and CNN, spot checks, metrics");
  cmd->add_option("-o,--out", o->out, "Output directory");
  cmd->add_option("--epochs", o->epochs, "Epochs for each model")->check(CLI::PositiveNumber);
  add_threads_option(*cmd, o->threads);
  cmd->add_option("--device", o->device, "cpu, cuda or cuda:N");
  cmd->add_flag("!--no-exercises", o->exercises, "Only the notebook's two models: skip Q1-Q3");
  cmd->add_flag("--force", o->force, "Overwrite an existing, non-empty --out directory");
  add_quiet_flag(*cmd, o->quiet);
  cmd->final_callback([o] {
    load_torch();
    o->command_line = command_line();
    run_demo(*o, std::cout);
  });
}

}  // namespace dnacnn::app

#include <iostream>

#include "commands.hpp"
#include "dnacnn/report/compare.hpp"

namespace dnacnn::app {

void add_compare(CLI::App& root) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = root.add_subcommand(
      "compare", "Put runs side by side: one HTML page (metrics, overlaid losses, predicted vs actual, errors) "
                 "and their test metrics as TSV on stdout");
  cmd->add_option("runs", o->runs, "Run directories (dnacnn train) or directories of runs")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("-o,--out", o->out, "HTML file to write (or a directory: DIR/report.html)");
  cmd->add_option("--title", o->title, "Page title (default: \"dnacnn compare: <model> vs <model> ...\")");
  cmd->final_callback([o] { std::cout << compare_runs(*o); });
}

}  // namespace dnacnn::app

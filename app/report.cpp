#include <iostream>

#include "commands.hpp"
#include "dnacnn/report/report.hpp"

namespace dnacnn::app {

void add_report(CLI::App& root) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = root.add_subcommand(
      "report", "Write one offline HTML page with the charts and tables of training runs (dnacnn train or demo)");
  cmd->add_option("runs", o->runs, "Run directories, or directories of runs such as dnacnn demo's --out")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("-o,--out", o->out, "HTML file to write (default with one directory: DIR/report.html)");
  cmd->add_option("--title", o->title, "Page title (default: \"dnacnn report: <directory name>\")");
  cmd->final_callback([o] {
    const auto page = write_report(*o);
    std::cout << "Wrote " << page.string() << "\n";
  });
}

}  // namespace dnacnn::app

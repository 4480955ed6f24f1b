// dnacnn.run / dnacnn.train: a command line run in this process by the CLI's own code (app/cli.hpp),
// so every option the CLI has works from Python as a keyword, with the CLI's checks and messages.
#include <string>
#include <vector>

#include "bindings.hpp"
#include "cli.hpp"

namespace dnacnn::app {

// The binary loads libdnacnn.so (LibTorch) on first use; the module links it, so it is loaded already.
void load_torch() {}

}  // namespace dnacnn::app

namespace dnacnn::python {

void bind_cli(py::module_& m) {
  m.def(
      "run_cli",
      [](const std::vector<std::string>& args) {
        std::vector<std::string> argv{"dnacnn"};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> pointers;
        for (std::string& a : argv) pointers.push_back(a.data());
        const py::gil_scoped_release computing;  // Ctrl-C: the CLI's own handler saves and stops train
        const app::CliOutcome outcome = app::run_command_line(static_cast<int>(pointers.size()), pointers.data());
        return std::make_pair(outcome.exit_code, outcome.message);
      },
      py::arg("args"),
      "Runs `dnacnn ARGS...` in this process: (exit code, the CLI's one-line error message or '').");
}

}  // namespace dnacnn::python

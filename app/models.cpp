#include <fmt/format.h>

#include <iostream>

#include "commands.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/models/model_config.hpp"

namespace dnacnn::app {

void add_models(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand("models", "List the model architectures with their hyper-parameters and defaults");
  cmd->final_callback([] {
    for (const ArchitectureInfo& info : architecture_infos()) {
      std::cout << info.name << "\n  " << info.summary << "\n";
      for (const auto& [name, value] : info.defaults) std::cout << fmt::format("  --hparam {}={}\n", name, value);
    }
  });
}

}  // namespace dnacnn::app

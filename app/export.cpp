#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/infer/export.hpp"

namespace dnacnn::app {

struct ExportArgs {
  std::string model;
  std::string torchscript;
};

void add_export(CLI::App& root) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* cmd = root.add_subcommand("export", "Write a trained model in another format (TorchScript)");
  cmd->add_option("--model", a->model, "Model directory (RUN/model)")->required();
  cmd->add_option("--torchscript", a->torchscript,
                  "TorchScript file to write (Python: torch.jit.load(path); input (batch, length, 4) one-hot ACGT)")
      ->required();
  cmd->final_callback([a] {
    load_torch();
    export_torchscript(a->model, a->torchscript);
  });
}

}  // namespace dnacnn::app

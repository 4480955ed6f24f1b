#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/infer/export.hpp"
#include "dnacnn/infer/onnx_export.hpp"

namespace dnacnn::app {

struct ExportArgs {
  std::string model;
  std::string torchscript;
  std::string onnx;
};

void add_export(CLI::App& root) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* cmd = root.add_subcommand("export", "Write a trained model as TorchScript and/or ONNX");
  cmd->add_option("--model", a->model, "Model directory (RUN/model)")->required();
  cmd->add_option("--torchscript", a->torchscript,
                  "TorchScript file to write (Python: torch.jit.load(path); input (batch, length, 4) one-hot ACGT)");
  cmd->add_option("--onnx", a->onnx,
                  "ONNX file to write (onnxruntime: input \"x\" (batch, length, 4) one-hot ACGT, output \"y\")");
  cmd->final_callback([a] {
    if (a->torchscript.empty() && a->onnx.empty()) throw UsageError("give --torchscript FILE, --onnx FILE or both");
    // ONNX first: it needs no LibTorch, and a damaged model fails before LibTorch loads.
    if (!a->onnx.empty()) export_onnx(a->model, a->onnx);
    if (!a->torchscript.empty()) {
      load_torch();
      export_torchscript(a->model, a->torchscript);
    }
  });
}

}  // namespace dnacnn::app

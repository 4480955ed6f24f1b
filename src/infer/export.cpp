#include "dnacnn/infer/export.hpp"

#include <torch/script.h>

#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/models/model_store.hpp"
#include "models/models.hpp"
#include "models/tensors.hpp"

namespace dnacnn {

static std::string attribute_name(std::string name) {
  for (char& c : name)
    if (c == '.') c = '_';
  return name;
}

void export_torchscript(const std::filesystem::path& model_dir, const std::filesystem::path& out) {
  const StoredModel stored = load_model(model_dir);
  // Building the network and loading the weights into it checks every shape against the config.
  SequenceModel model = build_model(stored.config);
  import_weights(*model, stored.weights, (model_dir / "weights.safetensors").string());

  torch::jit::Module module("dnacnn_model");
  for (const auto& item : model->named_parameters(true))
    module.register_parameter(attribute_name(item.key()), item.value().detach().clone(), /*is_buffer=*/false);
  for (const auto& item : model->named_buffers(true))  // batchnorm's running statistics
    module.register_buffer(attribute_name(item.key()), item.value().detach().clone());
  module.register_attribute("dnacnn_config", c10::StringType::get(), nlohmann::json(stored.config).dump());
  const std::string forward = stored.config.binary() ? "def forward(self, x):\n    return torch.sigmoid(self.logits(x))\n"
                                                     : "def forward(self, x):\n    return self.logits(x)\n";
  try {
    module.define(torchscript_logits(stored.config) + forward);
  } catch (const std::exception& e) {  // a bug in an architecture's TorchScript: one line, not a trace
    std::string what = e.what();  // TorchScript's messages may start with an empty line
    what.erase(0, what.find_first_not_of("\n "));
    throw Error("internal error: TorchScript for '" + stored.config.arch + "' does not compile: " +
                what.substr(0, what.find('\n')));
  }
  module.eval();
  // Written beside the target and renamed, like every dnacnn output.
  io::AtomicFile file(out);
  module.save(file.stream());
  file.commit();
}

}  // namespace dnacnn

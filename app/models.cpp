#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/models/architectures.hpp"
#include "dnacnn/models/model_config.hpp"
#include "dnacnn/models/model_spec.hpp"

namespace dnacnn::app {
namespace {

struct ModelsArgs {
  std::string spec;
  std::int64_t length = 0;
  int targets = 1;
  bool summary = false;
  std::vector<std::string> hparams;
  std::int64_t output_length = 0;  // --spec bpnet --output-length N: with BPNet's profile and count heads
};

void list_models() {
  std::cout << "Built-in architectures (--model NAME; --hparam name=value):\n";
  for (const ArchitectureInfo& info : architecture_infos()) {
    std::cout << info.name << "\n  " << info.summary << "\n";
    for (const auto& [name, value] : info.defaults) std::cout << fmt::format("  --hparam {}={}\n", name, value);
  }
  std::cout << "\nZoo (--model NAME; sized for the data's length; print one with `dnacnn models --spec NAME`):\n";
  for (const ZooEntry& zoo : zoo_entries())
    std::cout << fmt::format("{}\n  {}\n  {} (paper: {} bp)\n", zoo.name, zoo.summary, zoo.citation, zoo.paper_length);
  std::cout << "\nAny architecture as data: --model FILE.json (layers: docs/specs.md)\n";
}

// The spec (built-in, zoo or file) at the asked length, or the zoo model's paper length, or 200 bp.
void print_spec(const ModelsArgs& a) {
  std::int64_t length = a.length;
  if (length == 0) {
    length = 200;
    for (const ZooEntry& zoo : zoo_entries())
      if (zoo.name == a.spec) length = zoo.paper_length;
  }
  const bool file = !built_in_architecture(a.spec) && !is_zoo_model(a.spec) && (check_model_name(a.spec), true);
  if (!a.hparams.empty() && !built_in_architecture(a.spec))
    throw UsageError("--hparam goes with linear, cnn or deepcnn; a zoo model or spec file is edited as JSON");
  if (a.output_length > 0 && a.spec != "bpnet")
    throw UsageError("--output-length goes with --spec bpnet (its profile and count heads, as train --profile builds it)");
  const ModelSpec spec = file                  ? read_model_spec(a.spec)
                         : a.output_length > 0 ? bpnet_profile_spec(length, a.output_length)
                         : a.hparams.empty()   ? zoo_spec(a.spec, length)
                                               : built_in_as_spec(make_model_config(a.spec, length, parse_hparams(a.hparams)));
  const std::int64_t parameters = check_spec_shapes(spec, length, a.targets, file ? a.spec : "--spec " + a.spec);
  if (a.summary) {
    std::cout << fmt::format("{} at {} bp, {} target{}\n", spec.name, length, a.targets, a.targets == 1 ? "" : "s")
              << spec_summary(spec, length, a.targets);
    return;
  }
  std::cerr << fmt::format("{}: {} parameters at {} bp with {} target{}\n", a.spec, parameters, length, a.targets,
                           a.targets == 1 ? "" : "s");
  std::cout << model_spec_json(spec).dump(2) << "\n";
}

}  // namespace

void add_models(CLI::App& root) {
  auto a = std::make_shared<ModelsArgs>();
  CLI::App* cmd = root.add_subcommand(
      "models", "List the model architectures and the zoo, or print one as a spec file to start from (--spec NAME)");
  cmd->add_option("--spec", a->spec,
                  "Print this architecture (linear, cnn, deepcnn, a zoo model, or a spec file to check) as a JSON "
                  "spec on stdout, for `train --model FILE.json`");
  cmd->add_option("--hparam", a->hparams, "--spec linear|cnn|deepcnn: hyper-parameters as name=value (repeatable)")
      ->needs("--spec");
  cmd->add_flag("--summary", a->summary,
                "--spec: print its layers with each one's output shape and parameters instead")
      ->needs("--spec");
  cmd->add_option("--length", a->length, "--spec: the input length to size it for (default: its paper's, else 200)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000}))
      ->needs("--spec");
  cmd->add_option("--output-length", a->output_length,
                  "--spec bpnet: with BPNet's profile and count heads over the central N bases, as `train --profile "
                  "--output-length N` builds it")
      ->check(CLI::PositiveNumber)
      ->needs("--spec");
  cmd->add_option("--targets", a->targets, "--spec: outputs, for the parameter count printed on stderr")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str()
      ->needs("--spec");
  cmd->final_callback([a] {
    if (a->spec.empty())
      list_models();
    else
      print_spec(*a);
  });
}

}  // namespace dnacnn::app

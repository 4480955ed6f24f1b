#include <fmt/format.h>

#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/interpret/attribute.hpp"
#include "dnacnn/train/run.hpp"

namespace dnacnn::app {

void add_attribute(CLI::App& root) {
  auto q = std::make_shared<AttributeRequest>();
  auto quiet = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  auto method = std::make_shared<std::string>("ism");
  auto input = std::make_shared<InputArgs>();
  input->table.require_target = false;  // sequences only
  CLI::App* cmd = root.add_subcommand("attribute", "Per-base attribution (ISM, saliency, gradient x input): tables, logos, report");
  cmd->add_option("--model", q->model_dir, "Model directory (RUN/model)")->required();
  cmd->add_option("--in", q->in, "Sequences: FASTA or a TSV/CSV table with a sequence column (plain, gzip or bgzip); - reads standard input")
      ->required();
  add_input_options(*cmd, *input, InputUse::predict);
  add_fit_options(*cmd, q->fit);
  cmd->add_option("--method", *method, "ism: every single-base mutant; saliency: d output / d input; gradxinput")
      ->check(CLI::IsMember({"ism", "saliency", "gradxinput"}));
  cmd->add_option("-o,--out", q->out, "Output directory")->required();
  cmd->add_option("--target", q->target, "Model target to explain (default: the first)");
  cmd->add_option("--logos", q->logos, "Draw logos (and show them in the report) for the first N sequences")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--device", q->device, "cpu, cuda or cuda:N");
  cmd->add_flag("--force", *force, "Overwrite an existing, non-empty --out directory");
  add_quiet_flag(*cmd, *quiet);
  cmd->final_callback([q, quiet, force, method, input, cmd] {
    check_fit_options(*cmd, q->fit);
    load_torch();
    q->table = input->options();
    q->method = parse_attribution_method(*method);
    prepare_output_directory(q->out, *force);
    Progress progress(*quiet);
    const AttributeResult r = run_attribute(*q, progress);
    progress.log(fmt::format("{} attribution of {} sequences in {:.2f} s ({} logos) -> {}", *method, r.sequences,
                             r.seconds, r.logos, q->out.string()));
  });
}

}  // namespace dnacnn::app

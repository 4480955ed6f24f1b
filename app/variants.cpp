#include <fmt/format.h>

#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/genome/variants.hpp"

namespace dnacnn::app {

void add_variants(CLI::App& root) {
  auto q = std::make_shared<VariantsRequest>();
  auto quiet = std::make_shared<bool>(false);
  q->out = "-";
  CLI::App* cmd = root.add_subcommand("variants", "Predicted effects of the SNVs and small indels of a VCF");
  cmd->add_option("--model", q->models, "Model directory (RUN/model), a run, or a folds run (train --folds); several: their mean (an ensemble)")->required();
  cmd->add_option("--vcf", q->vcf, "Variants: VCF (plain or bgzip) or BCF")->required();
  cmd->add_option("--genome", q->genome, "Reference FASTA the VCF refers to, plain or bgzip")->required();
  cmd->add_option("-o,--out", q->out, "Output TSV, '-' for stdout");
  cmd->add_flag("--rc-average", q->rc_average, "Average each prediction with its reverse complement's");
  cmd->add_option("--max-indel", q->max_indel, "Longest REF or ALT allele scored (longer ones are skipped)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--batch-size", q->batch_size, "Variants per forward pass")->check(CLI::PositiveNumber);
  cmd->add_option("--device", q->device, "cpu, cuda or cuda:N");
  add_quiet_flag(*cmd, *quiet);
  cmd->final_callback([q, quiet] {
    load_torch();
    Progress progress(*quiet);
    const VariantsResult r = run_variants(*q, progress);
    progress.log(fmt::format("{} records, {} alleles: {} scored, {} skipped; {} records whose REF differs from the "
                             "genome (ref_match = no)",
                             r.records, r.rows, r.scored, r.skipped, r.ref_mismatches));
  });
}

}  // namespace dnacnn::app

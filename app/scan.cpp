#include <fmt/format.h>

#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/genome/scan.hpp"

namespace dnacnn::app {

void add_scan(CLI::App& root) {
  auto q = std::make_shared<ScanRequest>();
  auto quiet = std::make_shared<bool>(false);
  auto regions = std::make_shared<std::string>();
  auto shard = std::make_shared<std::string>();
  CLI::App* cmd = root.add_subcommand("scan", "Slide a model along a genome (or BED regions): a bedGraph or bigWig track per target");
  cmd->add_option("--model", q->models, "Model directory (RUN/model), a run, or a folds run (train --folds); several: their mean (an ensemble)")->required();
  cmd->add_option("--genome", q->genome, "Reference FASTA, plain or bgzip (.fai built when missing)")->required();
  cmd->add_option("--regions", *regions, "BED file: scan only these regions (default: every sequence)");
  cmd->add_option("--step", q->step,
                  "Bases between window centres (= bedGraph bin width; default 50, a profile model's profile length: "
                  "its windows then tile the genome, each writing its profile's bases)")
      ->check(CLI::PositiveNumber)
      ->default_str("50");  // shown as the default; unset (0), run_scan picks it by the model
  cmd->add_option("-o,--out", q->out,
                  "track.bedGraph or track.bw (bigWig; several targets: track.<target>.bedGraph/.bw), or a .tsv table "
                  "with a column per target")
      ->required();
  cmd->add_flag("--shared-trunk", q->shared_trunk,
                "Profile models: run the trunk once over 64 windows' stretch instead of once per window (about "
                "length / output length times less work; \"same\"-padded trunks such as bpnet then see real bases "
                "where a lone window sees zero padding: see docs/signal.md)");
  cmd->add_flag("--rc-average", q->rc_average, "Average each window's prediction with its reverse complement's");
  cmd->add_option("--batch-size", q->batch_size, "Windows per forward pass")->check(CLI::PositiveNumber);
  add_threads_option(*cmd, q->threads);
  cmd->add_option("--device", q->device, "cpu, cuda or cuda:N");
  cmd->add_option("--shard", *shard,
                  "Scan only genome chunks I, I+N, ... (0-based) into OUT.shard-I-of-N (per output file), for N "
                  "processes or jobs; `dnacnn merge --out OUT` joins them. auto: I/N from RANK/WORLD_SIZE or Slurm");
  add_quiet_flag(*cmd, *quiet);
  cmd->final_callback([q, quiet, regions, shard] {
    load_torch();
    if (!regions->empty()) q->regions = *regions;
    if (!shard->empty()) q->shard = parse_shard(*shard);
    Progress progress(*quiet);
    const ScanResult r = run_scan(*q, progress);
    progress.log(fmt::format("scanned {} bases ({} windows) in {:.2f} s: {:.0f} bases/s -> {}", r.bases, r.windows,
                             r.seconds, static_cast<double>(r.bases) / std::max(r.seconds, 1e-9),
                             r.outputs.size() == 1 ? r.outputs[0].string() : fmt::format("{} files", r.outputs.size())));
  });
}

}  // namespace dnacnn::app

#include <fmt/format.h>

#include "commands.hpp"
#include "dnacnn/core/progress.hpp"
#include "dnacnn/data/shard.hpp"

namespace dnacnn::app {

struct MergeArgs {
  std::string out;
  std::vector<std::string> shards;
  bool quiet = false;
};

void add_merge(CLI::App& root) {
  auto a = std::make_shared<MergeArgs>();
  CLI::App* cmd = root.add_subcommand(
      "merge", "Join the OUT.shard-I-of-N files of predict --shard into OUT, identical to a one-process run");
  cmd->add_option("-o,--out", a->out, "The file to write; its shards are OUT.shard-*-of-N (required)")->required();
  cmd->add_option("shards", a->shards, "Shard files in shard order (default: every OUT.shard-I-of-N, I = 0..N-1)");
  add_quiet_flag(*cmd, a->quiet);
  cmd->final_callback([a] {
    std::vector<std::filesystem::path> files(a->shards.begin(), a->shards.end());
    if (files.empty()) files = find_shards(a->out);
    const MergeStats stats = merge_shards(a->out, files);
    Progress(a->quiet).log(fmt::format("merged {} records from {} shards -> {}", stats.records, stats.shards, a->out));
  });
}

}  // namespace dnacnn::app

#include "dnacnn/shard.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <regex>

#include "dnacnn/error.hpp"
#include "dnacnn/io/atomic_file.hpp"

namespace dnacnn {
namespace fs = std::filesystem;
namespace {

bool parse_int(const std::string& s, int& out) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::stoi(s);
  return true;
}

Shard checked(int index, int count, const std::string& from) {
  if (count < 1 || index < 0 || index >= count)
    throw UsageError(fmt::format("--shard: {} is not a shard I/N with 0 <= I < N", from));
  return {index, count};
}

// The shard the environment names, from the first pair of variables that is set.
Shard shard_from_environment() {
  const auto get = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? v : "";
  };
  const auto pair = [&](const char* i, const char* n, int offset) -> std::optional<Shard> {
    int index = 0, count = 0;
    if (get(i).empty() || get(n).empty()) return std::nullopt;
    if (!parse_int(get(i), index) || !parse_int(get(n), count))
      throw UsageError(fmt::format("--shard auto: {}='{}' and {}='{}' must be whole numbers", i, get(i), n, get(n)));
    return checked(index - offset, count, fmt::format("{}={}, {}={}", i, get(i), n, get(n)));
  };
  if (auto s = pair("RANK", "WORLD_SIZE", 0)) return *s;
  if (auto s = pair("SLURM_PROCID", "SLURM_NTASKS", 0)) return *s;
  int min = 0;
  if (!get("SLURM_ARRAY_TASK_MIN").empty() && !parse_int(get("SLURM_ARRAY_TASK_MIN"), min))
    throw UsageError("--shard auto: SLURM_ARRAY_TASK_MIN must be a whole number");
  if (auto s = pair("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", min)) return *s;
  throw UsageError("--shard auto needs RANK and WORLD_SIZE (dnacnn launch, torchrun), SLURM_PROCID and SLURM_NTASKS "
                   "(srun) or a Slurm job array; or give --shard I/N");
}

}  // namespace

Shard parse_shard(const std::string& text) {
  if (text == "auto") return shard_from_environment();
  const auto slash = text.find('/');
  int index = 0, count = 0;
  if (slash == std::string::npos || !parse_int(text.substr(0, slash), index) || !parse_int(text.substr(slash + 1), count))
    throw UsageError("--shard must be I/N (e.g. 0/4) or auto, got '" + text + "'");
  return checked(index, count, "'" + text + "'");
}

fs::path shard_path(const fs::path& out, const Shard& shard) {
  return fs::path(out.string() + fmt::format(".shard-{}-of-{}", shard.index, shard.count));
}

std::vector<std::int64_t> keep_shard_rows(SequenceData& batch, std::int64_t first_record, const Shard& shard) {
  std::vector<std::int64_t> records;
  std::size_t kept = 0;
  const std::size_t n_targets = batch.has_targets() ? batch.n_targets() : 0;
  for (std::size_t i = 0; i < batch.seqs.size(); ++i) {
    if (!shard.owns(first_record + static_cast<std::int64_t>(i))) continue;
    records.push_back(first_record + static_cast<std::int64_t>(i) + 1);
    if (kept != i) {  // (a self-move would empty the string)
      batch.seqs[kept] = std::move(batch.seqs[i]);
      if (!batch.ids.empty()) batch.ids[kept] = std::move(batch.ids[i]);
    }
    if (!batch.lines.empty()) batch.lines[kept] = batch.lines[i];
    if (!batch.given_split.empty()) batch.given_split[kept] = batch.given_split[i];
    for (std::size_t t = 0; t < n_targets; ++t) batch.targets[kept * n_targets + t] = batch.targets[i * n_targets + t];
    ++kept;
  }
  batch.seqs.resize(kept);
  if (!batch.ids.empty()) batch.ids.resize(kept);
  if (!batch.lines.empty()) batch.lines.resize(kept);
  if (!batch.given_split.empty()) batch.given_split.resize(kept);
  if (n_targets) batch.targets.resize(kept * n_targets);
  return records;
}

std::vector<fs::path> find_shards(const fs::path& out) {
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  const std::regex pattern(std::regex_replace(out.filename().string(), std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                           R"(\.shard-(\d+)-of-(\d+))");
  std::map<int, std::map<int, fs::path>> by_count;  // N -> I -> file
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::smatch m;
    const std::string name = entry.path().filename().string();
    int index = 0, count = 0;
    if (std::regex_match(name, m, pattern) && parse_int(m[1], index) && parse_int(m[2], count))
      by_count[count][index] = entry.path();
  }
  if (by_count.empty()) throw Error("no shard files " + out.string() + ".shard-I-of-N to merge", {out.string()});
  if (by_count.size() > 1)
    throw Error(fmt::format("shard files of {} different shard counts; remove the stale ones", by_count.size()),
                {out.string()});
  const auto& [count, files] = *by_count.begin();
  std::vector<fs::path> ordered;
  for (int i = 0; i < count; ++i) {
    const auto it = files.find(i);
    if (it == files.end())
      throw Error(fmt::format("shard {} of {} is missing ({})", i, count, shard_path(out, {i, count}).string()),
                  {out.string()});
    ordered.push_back(it->second);
  }
  return ordered;
}

MergeStats merge_shards(const fs::path& out, const std::vector<fs::path>& shards) {
  if (shards.empty()) throw UsageError("merge needs at least one shard file");
  // Files named by predict --shard must come in their order: equal counts would not show a swap.
  const std::regex named(R"(.*\.shard-(\d+)-of-(\d+))");
  for (std::size_t s = 0; s < shards.size(); ++s) {
    std::smatch m;
    const std::string name = shards[s].filename().string();
    if (std::regex_match(name, m, named) && (m[1] != std::to_string(s) || m[2] != std::to_string(shards.size())))
      throw UsageError(fmt::format("{} is given as shard {} of {}: list the shard files in order, all of them",
                                   shards[s].string(), s, shards.size()));
  }
  std::vector<std::ifstream> in;
  for (const auto& p : shards) {
    in.emplace_back(p, std::ios::binary);
    if (!in.back()) throw Error("cannot open shard file", {p.string()});
  }
  // The next line of shard s with its newline; false at the end of the file.
  std::vector<long> line_of(shards.size(), 0);
  const auto next = [&](std::size_t s, std::string& line) {
    if (!std::getline(in[s], line)) return false;
    ++line_of[s];
    if (in[s].eof()) throw Error("the last line has no newline (an unfinished shard?)", {shards[s].string(), line_of[s]});
    line += '\n';
    return true;
  };
  io::AtomicFile file(out);
  std::string header, line;
  for (std::size_t s = 0; s < shards.size(); ++s) {
    if (!next(s, line)) throw Error("empty shard file (no header)", {shards[s].string()});
    if (s == 0) header = line;
    if (line != header) throw Error("header differs from " + shards[0].string() + "'s", {shards[s].string(), 1});
  }
  file.stream() << header;
  // Record i is line i / N + 1 of shard i % N: read round by round until the first shard runs out;
  // every later shard must run out in the same round, and none may have lines after it.
  MergeStats stats{0, static_cast<int>(shards.size())};
  for (bool more = true; more;) {
    for (std::size_t s = 0; s < shards.size(); ++s) {
      const bool got = more && next(s, line);
      if (got) {
        file.stream() << line;
        ++stats.records;
      } else if (more) {
        more = false;
      } else if (next(s, line)) {
        throw Error(fmt::format("has more records than shard {} before it: the shards are not from one input split "
                                "{} ways",
                                s - 1, shards.size()),
                    {shards[s].string(), line_of[s]});
      }
    }
    for (std::size_t s = 0; !more && s < shards.size(); ++s)
      if (next(s, line))
        throw Error("has records left after the other shards ended: the shards are not from one input",
                    {shards[s].string(), line_of[s]});
  }
  file.commit();
  return stats;
}

}  // namespace dnacnn

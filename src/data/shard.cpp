#include "dnacnn/data/shard.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <regex>

#include "dnacnn/core/error.hpp"
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

Range share_of(std::int64_t count, int part, int parts) {
  return {count * part / parts, count * (part + 1) / parts};
}

std::vector<std::int64_t> keep_shard_rows(SequenceData& batch, std::int64_t first_record, const Shard& shard) {
  std::vector<std::int64_t> records;
  std::size_t kept = 0;
  const std::size_t n_targets = batch.has_targets() ? batch.n_targets() : 0;
  for (std::size_t i = 0; i < batch.seqs.size(); ++i) {
    if (!shard.owns_record(first_record + static_cast<std::int64_t>(i))) continue;
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

namespace {

// The shard files being merged, read line by line (each line keeps its newline).
class ShardFiles {
 public:
  explicit ShardFiles(const std::vector<fs::path>& paths) : paths_(paths), line_of_(paths.size(), 0) {
    for (const auto& p : paths) {
      in_.emplace_back(p, std::ios::binary);
      if (!in_.back()) throw Error("cannot open shard file", {p.string()});
    }
  }
  std::size_t size() const { return paths_.size(); }
  // The next line of shard s; false at its end.
  bool next(std::size_t s, std::string& line) {
    if (!std::getline(in_[s], line)) return false;
    ++line_of_[s];
    if (in_[s].eof()) throw error(s, "the last line has no newline (an unfinished shard?)");
    line += '\n';
    return true;
  }
  Error error(std::size_t s, const std::string& what) const { return Error(what, {paths_[s].string(), line_of_[s]}); }

 private:
  std::vector<fs::path> paths_;
  std::vector<std::ifstream> in_;
  std::vector<long> line_of_;
};

// predict: records come in blocks of `block`, block b from shard b % N. Reads round by round until
// a shard runs short; every later shard must then be empty in that round, and none may have lines
// after it.
std::int64_t interleave(ShardFiles& files, std::int64_t block, std::ostream& out) {
  std::int64_t records = 0;
  std::string line;
  for (bool more = true; more;) {
    for (std::size_t s = 0; s < files.size(); ++s) {
      std::int64_t taken = 0;
      while (more && taken < block && files.next(s, line)) {
        out << line;
        ++taken;
      }
      if (!more && files.next(s, line))
        throw files.error(s, fmt::format("has more records than shard {} before it: the shards are not from one "
                                         "input split {} ways",
                                         s - 1, files.size()));
      if (more && taken < block) more = false;
      records += taken;
    }
    for (std::size_t s = 0; !more && s < files.size(); ++s)
      if (files.next(s, line)) throw files.error(s, "has records left after the other shards ended: the shards are not from one input");
  }
  return records;
}

// A bedGraph/scan line's place in the genome: (chrom, start), or nullopt when it is not one.
std::optional<std::pair<std::string, std::int64_t>> position_of(const std::string& line) {
  const auto tab1 = line.find('\t');
  const auto tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
  const auto tab3 = tab2 == std::string::npos ? tab2 : line.find_first_of("\t\n", tab2 + 1);
  if (tab3 == std::string::npos) return std::nullopt;
  const std::string start = line.substr(tab1 + 1, tab2 - tab1 - 1), end = line.substr(tab2 + 1, tab3 - tab2 - 1);
  const auto digits = [](const std::string& t) {
    return !t.empty() && t.size() < 19 && t.find_first_not_of("0123456789") == std::string::npos;
  };
  if (!digits(start) || !digits(end)) return std::nullopt;
  return std::make_pair(line.substr(0, tab1), std::stoll(start));
}

// scan: every shard holds whole genome chunks in genome order (name, then start); merged by
// position, as one process writes them. `heads` holds each shard's first line (if any).
std::int64_t merge_by_position(ShardFiles& files, std::vector<std::optional<std::string>> heads, std::ostream& out) {
  using Key = std::pair<std::string, std::int64_t>;
  std::vector<std::optional<Key>> keys(files.size());
  const auto key_of = [&](std::size_t s) {
    const auto k = position_of(*heads[s]);
    if (!k) throw files.error(s, "not a chrom<TAB>start<TAB>end line");
    if (keys[s] && !(*keys[s] < *k)) throw files.error(s, "out of genome order (sort -k1,1 -k2,2n): not a scan shard");
    keys[s] = k;
  };
  for (std::size_t s = 0; s < files.size(); ++s)
    if (heads[s]) key_of(s);
  std::int64_t records = 0;
  for (;;) {
    std::optional<std::size_t> first;
    for (std::size_t s = 0; s < files.size(); ++s)
      if (heads[s] && (!first || *keys[s] < *keys[*first])) first = s;
    if (!first) return records;
    out << *heads[*first];
    ++records;
    std::string line;
    if (files.next(*first, line)) {
      heads[*first] = line;
      key_of(*first);
    } else {
      heads[*first].reset();
    }
  }
}

}  // namespace

MergeStats merge_shards(const fs::path& out, const std::vector<fs::path>& shards, std::int64_t block) {
  if (shards.empty()) throw UsageError("merge needs at least one shard file");
  // Files named by --shard must come in their order: equal counts would not show a swap.
  const std::regex named(R"(.*\.shard-(\d+)-of-(\d+))");
  for (std::size_t s = 0; s < shards.size(); ++s) {
    std::smatch m;
    const std::string name = shards[s].filename().string();
    if (std::regex_match(name, m, named) && (m[1] != std::to_string(s) || m[2] != std::to_string(shards.size())))
      throw UsageError(fmt::format("{} is given as shard {} of {}: list the shard files in order, all of them",
                                   shards[s].string(), s, shards.size()));
  }
  ShardFiles files(shards);
  std::vector<std::optional<std::string>> heads(shards.size());
  bool header = false;  // predict's tables and scan's .tsv have one; bedGraph tracks do not
  for (std::size_t s = 0; s < shards.size(); ++s) {
    std::string line;
    if (files.next(s, line)) heads[s] = line;
    header = header || (heads[s] && !position_of(*heads[s]));
  }
  io::AtomicFile file(out);
  MergeStats stats{0, static_cast<int>(shards.size())};
  if (header) {
    for (std::size_t s = 0; s < shards.size(); ++s) {
      if (!heads[s]) throw files.error(s, "empty shard file (no header)");
      if (*heads[s] != *heads[0]) throw files.error(s, "header differs from " + shards[0].string() + "'s");
    }
    file.stream() << *heads[0];
  }
  if (header && !heads[0]->starts_with("chrom\tstart\tend\t")) {
    stats.records = interleave(files, block, file.stream());
  } else {
    if (header)  // the scan table's rows come after its header
      for (std::size_t s = 0; s < shards.size(); ++s) {
        std::string line;
        heads[s] = files.next(s, line) ? std::optional<std::string>(line) : std::nullopt;
      }
    stats.records = merge_by_position(files, std::move(heads), file.stream());
  }
  file.commit();
  return stats;
}

}  // namespace dnacnn

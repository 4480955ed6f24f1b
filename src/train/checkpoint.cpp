#include "core/json_get.hpp"
#include "dnacnn/train/checkpoint.hpp"

#include <cmath>
#include <limits>

#include "dnacnn/core/error.hpp"

namespace dnacnn {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Bumped when the layout changes: an older checkpoint is refused rather than misread.
constexpr int kCheckpointVersion = 2;
constexpr const char* kWeightsPrefix = "weights/";
constexpr const char* kOptimizerPrefix = "optimizer/";
constexpr const char* kBestPrefix = "best/";

namespace {

// JSON has no NaN (the validation loss of a run without a validation split): null stands for it.
json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double number_from(const json& j) { return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>(); }

json state_json(const TrainCheckpoint& s) {
  json history = json::array();
  for (const EpochRecord& e : s.history)
    history.push_back({e.epoch, number_or_null(e.train_loss), number_or_null(e.val_loss), e.seconds,
                       number_or_null(e.lr), number_or_null(e.val.r2), number_or_null(e.val.pearson),
                       number_or_null(e.val.auroc), number_or_null(e.val.auprc)});
  return {{"next_epoch", s.next_epoch},
          {"batch_offset", s.batch_offset},
          {"partial_sse", number_or_null(s.partial_sse)},
          {"partial_seconds", s.partial_seconds},
          {"batch_rng", s.batch_rng},
          {"rc_rng", s.rc_rng},
          {"torch_rng", s.torch_rng},
          {"history", history},
          {"train_seconds", s.train_seconds},
          {"engine", engine_name(s.engine)},
          {"optimizer_steps", s.optimizer_steps},
          {"policy", s.policy}};
}

// An epoch as state_json writes it; checkpoints from before schedules have only the first four.
EpochRecord epoch_from(const json& e) {
  EpochRecord r;
  r.epoch = json_get::get<int>(e.at(0));
  r.train_loss = number_from(e.at(1));
  r.val_loss = number_from(e.at(2));
  r.seconds = e.at(3).get<double>();
  if (e.size() >= 9) {
    r.lr = number_from(e.at(4));
    r.val = {number_from(e.at(5)), number_from(e.at(6)), number_from(e.at(7)), number_from(e.at(8))};
  }
  return r;
}

void state_from(const json& j, TrainCheckpoint& s) {
  s.next_epoch = json_get::get<int>(j.at("next_epoch"));
  s.batch_offset = json_get::get<std::int64_t>(j.at("batch_offset"));
  s.partial_sse = number_from(j.at("partial_sse"));
  s.partial_seconds = j.at("partial_seconds").get<double>();
  s.batch_rng = json_get::get<std::array<std::uint64_t, 4>>(j.at("batch_rng"));
  s.rc_rng = json_get::get<std::array<std::uint64_t, 4>>(j.at("rc_rng"));
  s.torch_rng = j.at("torch_rng").get<std::string>();
  for (const json& e : j.at("history")) s.history.push_back(epoch_from(e));
  s.train_seconds = j.at("train_seconds").get<double>();
  s.engine = parse_engine(j.at("engine").get<std::string>());
  s.optimizer_steps = json_get::get<long>(j.at("optimizer_steps"));
  s.policy = j.value("policy", json());
}

json job_json(const TrainJob& job) {
  return {{"options", job.options},
          {"table", job.table},
          {"intervals", job.intervals},
          {"data", job.data.string()},
          {"data_md5", job.data_md5},
          {"name", job.name},
          {"command_line", job.command_line},
          {"rule", job.rule}};
}

TrainJob job_from(const json& j) {
  TrainJob job;
  json_get::get_to(j.at("options"), job.options);
  json_get::get_to(j.at("table"), job.table);
  json_get::get_to(j.at("intervals"), job.intervals);
  job.data = j.at("data").get<std::string>();
  job.data_md5 = j.at("data_md5").get<std::string>();
  job.name = j.at("name").get<std::string>();
  job.command_line = j.at("command_line").get<std::string>();
  job.rule = j.value("rule", nlohmann::json());
  return job;
}

}  // namespace

fs::path checkpoint_path(const fs::path& run_dir) { return run_dir / "checkpoint.safetensors"; }

void write_checkpoint(const fs::path& run_dir, const Checkpoint& c) {
  std::vector<io::NamedTensor> tensors;
  for (const auto& t : c.state.weights) tensors.push_back({kWeightsPrefix + t.name, t.shape, t.values});
  for (const auto& t : c.state.optimizer) tensors.push_back({kOptimizerPrefix + t.name, t.shape, t.values});
  for (const auto& t : c.state.best_weights) tensors.push_back({kBestPrefix + t.name, t.shape, t.values});
  io::write_safetensors(checkpoint_path(run_dir), tensors,
                        {{"format", "dnacnn-checkpoint"},
                         {"version", std::to_string(kCheckpointVersion)},
                         {"job", job_json(c.job).dump()},
                         {"state", state_json(c.state).dump()}});
}

Checkpoint read_checkpoint(const fs::path& run_dir) {
  const fs::path path = checkpoint_path(run_dir);
  std::error_code ec;
  if (!fs::is_directory(run_dir, ec)) throw Error("no such run directory", {run_dir.string()});
  if (!fs::exists(path, ec))
    throw Error("no checkpoint to resume from (not a dnacnn train run, or it stopped before training began)",
                {path.string()});
  std::map<std::string, std::string> meta;
  const std::vector<io::NamedTensor> tensors = io::read_safetensors(path, &meta);
  const auto fail = [&](const std::string& what) { return Error("invalid checkpoint: " + what, {path.string()}); };
  if (meta["format"] != "dnacnn-checkpoint") throw fail("not a dnacnn checkpoint");
  if (meta["version"] != std::to_string(kCheckpointVersion))
    throw fail("version '" + meta["version"] + "' is not supported by this build");
  Checkpoint c;
  try {
    c.job = job_from(json::parse(meta["job"]));
    state_from(json::parse(meta["state"]), c.state);
  } catch (const json::exception& e) {
    throw fail(std::string("damaged state (") + e.what() + ")");
  } catch (const UsageError& e) {  // a name no option takes (e.g. "engine": "gpu")
    throw fail(std::string("damaged state (") + e.what() + ")");
  }
  for (const auto& t : tensors) {
    const std::string_view name = t.name;
    if (name.starts_with(kWeightsPrefix))
      c.state.weights.push_back({t.name.substr(std::string_view(kWeightsPrefix).size()), t.shape, t.values});
    else if (name.starts_with(kOptimizerPrefix))
      c.state.optimizer.push_back({t.name.substr(std::string_view(kOptimizerPrefix).size()), t.shape, t.values});
    else if (name.starts_with(kBestPrefix))
      c.state.best_weights.push_back({t.name.substr(std::string_view(kBestPrefix).size()), t.shape, t.values});
    else
      throw fail("unexpected tensor '" + t.name + "'");
  }
  if (c.state.next_epoch < 1 || c.state.batch_offset < 0 || c.state.weights.empty())
    throw fail("inconsistent training position");
  return c;
}

void remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".") && name.find(".tmp-") != std::string::npos && entry.is_regular_file(ec))
      fs::remove(entry.path(), ec);
  }
}

Checkpointer::Checkpointer(fs::path run_dir, TrainJob job, std::optional<TrainCheckpoint> resume)
    : run_dir_(std::move(run_dir)), job_(std::move(job)), resume_(std::move(resume)) {}

Checkpointer::~Checkpointer() {
  if (writing_.valid()) writing_.wait();
}

void Checkpointer::save(TrainCheckpoint state) const {
  flush();
  writing_ = std::async(std::launch::async, [dir = run_dir_, c = Checkpoint{job_, std::move(state)}] {
    write_checkpoint(dir, c);
  });
}

void Checkpointer::flush() const {
  if (writing_.valid()) writing_.get();
}

}  // namespace dnacnn

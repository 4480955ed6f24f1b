#include "dnacnn/train/run.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/models/model_store.hpp"

namespace dnacnn {

namespace fs = std::filesystem;

void prepare_output_directory(const fs::path& dir, bool force) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) throw Error("exists and is not a directory", {dir.string()});
  if (fs::is_directory(dir, ec) && !fs::is_empty(dir, ec) && !force)
    throw Error("output directory exists and is not empty; choose another --out or add --force", {dir.string()},
                kExitUsageError);
  io::ensure_directory(dir);
}

// run.json's and metrics.json's "params": the options as checkpoints store them (one serialiser),
// with the engine that trained, the model's size, and its hyper-parameters inline.
static nlohmann::json params_json(const TrainOptions& o, const TrainResult& r) {
  nlohmann::json p = o;
  for (const char* internal : {"hparams", "label", "pos_weight", "pad"}) p.erase(internal);
  p["engine"] = engine_name(r.engine);
  p["length"] = r.config.length;
  p["parameters"] = r.parameters;
  if (o.task == Task::binary) p["pos_weight"] = o.pos_weight;
  if (!o.pad.empty()) p["pad"] = o.pad;
  p.update(hparams_json(r.config.hparams));
  return p;
}

nlohmann::json model_metrics_json(const TrainOptions& options, const TrainResult& result) {
  const auto split_scores = [&](const TrainResult::TargetScores& s) {
    return nlohmann::json{{"test", s.test}, {"val", s.val}, {"train", s.train}};
  };
  nlohmann::json j = result.per_target.empty()
                         ? nlohmann::json{{"test", result.test}, {"val", result.val}, {"train", result.train}}
                         : split_scores(result.per_target[0]);
  j.update({{"train_seconds", result.train_seconds},
                      {"epochs", static_cast<int>(result.history.size())},
                      {"status", status_name(result.status)},
                      {"task", task_name(result.config.task)},
                      {"params", params_json(options, result)}});
  if (result.per_target.size() > 1) {  // several targets: each one's scores; the first's are also above
    for (std::size_t t = 0; t < result.per_target.size(); ++t)
      j["per_target"][result.config.targets[t]] = split_scores(result.per_target[t]);
  }
  if (!result.profile.empty()) {  // profile models: the shape per split and track (counts are above)
    for (std::size_t t = 0; t < result.profile.size(); ++t) {
      const std::string& track = result.config.targets[t];
      // A split with no rows (no --val-chroms, say) is left out rather than scored as zeros.
      if (result.profile[t].test.n > 0) j["profile"]["test"][track] = result.profile[t].test;
      if (result.profile[t].val.n > 0) j["profile"]["val"][track] = result.profile[t].val;
      if (result.profile[t].train.n > 0) j["profile"]["train"][track] = result.profile[t].train;
    }
    j["count_weight"] = result.count_weight;
  }
  if (result.status == RunStatus::diverged) j["diverged_epoch"] = result.diverged_epoch;
  if (!result.history.empty()) {
    j["final_train_loss"] = result.history.back().train_loss;
    j["final_val_loss"] = result.history.back().val_loss;
  }
  // The epoch with the best --monitor value (0: no validation split), and whose weights the model holds.
  j["monitor"] = monitor_name(options.stopping.monitor);
  j["best_epoch"] = result.best_epoch;
  j["model_epoch"] = result.model_epoch;
  j["stopped_early"] = result.stopped_early;
  return j;
}

static std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.7g}", v) : "NA"; }

// The first four columns as before schedules; then each epoch's learning rate and the task's
// validation scores (binary: AUROC and AUPRC; regression: R² and Pearson).
static void write_history(const fs::path& path, const TrainResult& r) {
  io::AtomicFile f(path);
  const bool binary = r.config.task == Task::binary;
  f.stream() << "epoch\ttrain_loss\tval_loss\tseconds\tlr\t" << (binary ? "val_auroc\tval_auprc" : "val_r2\tval_pearson")
             << '\n';
  for (const auto& e : r.history)
    f.stream() << fmt::format("{}\t{}\t{}\t{:.4f}\t{}\t{}\t{}\n", e.epoch, number(e.train_loss), number(e.val_loss),
                              e.seconds, number(e.lr), number(binary ? e.val.auroc : e.val.r2),
                              number(binary ? e.val.auprc : e.val.pearson));
  f.commit();
}

static void write_predictions(const fs::path& path, const SequenceData& data, const TrainResult& r) {
  io::AtomicFile f(path);
  const bool ids = !data.ids.empty();
  // actual/predicted: the first target; with several targets, <target>_actual/<target>_predicted for each.
  const std::size_t n_targets = r.config.targets.size();
  f.stream() << (ids ? "id\t" : "") << "seq\tsplit\tactual\tpredicted";
  if (n_targets > 1)
    for (const auto& t : r.config.targets) f.stream() << '\t' << t << "_actual\t" << t << "_predicted";
  f.stream() << '\n';
  std::string line;
  for (std::size_t i = 0; i < data.seqs.size(); ++i) {
    line.clear();
    if (ids) line += data.ids[i] + '\t';
    fmt::format_to(std::back_inserter(line), "{}\t{}\t{}\t{}", data.seqs[i], split_name(r.split_of_row[i]),
                   data.target(i), number(r.predictions[i * n_targets]));
    if (n_targets > 1)
      for (std::size_t t = 0; t < n_targets; ++t)
        fmt::format_to(std::back_inserter(line), "\t{}\t{}", data.target(i, t), number(r.predictions[i * n_targets + t]));
    line += '\n';
    f.stream() << line;
  }
  f.commit();
}

// Long format, one line per example region, track and base: what the report plots.
static void write_profile_examples(const fs::path& path, const std::vector<ProfileExample>& examples) {
  io::AtomicFile f(path);
  f.stream() << "id\tsplit\ttarget\toffset\tobserved\tpredicted\n";
  for (const ProfileExample& e : examples)
    for (std::size_t i = 0; i < e.observed.size(); ++i)
      f.stream() << fmt::format("{}\t{}\t{}\t{}\t{}\t{}\n", e.id, e.split, e.target, i, number(e.observed[i]),
                                number(e.predicted[i]));
  f.commit();
}

void write_run(const fs::path& dir, const std::string& name, const SequenceData& data, const TrainOptions& options,
               const TrainResult& result, const RunContext& context) {
  io::ensure_directory(dir);
  save_model(dir / "model", {result.config, result.weights});
  write_history(dir / "history.tsv", result);
  write_predictions(dir / "predictions.tsv", data, result);
  if (!result.profile_examples.empty()) write_profile_examples(dir / "profile_examples.tsv", result.profile_examples);
  const nlohmann::json metrics = {{"models", {{name, model_metrics_json(options, result)}}}};
  io::write_file_atomically(dir / "metrics.json", metrics.dump(2) + "\n");

  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  nlohmann::json run = {{"name", name},
                        {"dnacnn_version", DNACNN_VERSION},
                        {"command", context.command_line},
                        {"finished", fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(now))},
                        {"data",
                         {{"source", data.source},
                          {"rows", data.size()},
                          {"length", result.config.length},
                          {"target", data.target_names.empty() ? "" : data.target_names[0]},
                          {"targets", data.target_names},
                          {"split", data.given_split.empty() ? "random" : "given"},
                          {"cropped", data.cropped},
                          {"padded", data.padded}}},
                        {"params", params_json(options, result)}};
  if (!context.data_path.empty()) {
    run["data"]["path"] = context.data_path.string();
    run["data"]["md5"] = file_md5(context.data_path);
  }
  if (!context.rule.is_null()) run["rule"] = context.rule;
  if (!context.input.is_null()) run["input"] = context.input;  // for train --config
  io::write_file_atomically(dir / "run.json", run.dump(2) + "\n");
}

}  // namespace dnacnn

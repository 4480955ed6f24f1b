#include "dnacnn/train/folds.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"

namespace dnacnn {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path fold_dir(const fs::path& run, int fold) { return run / fmt::format("fold-{}", fold); }

std::vector<int> folds_of_rows(const SequenceData& data, const TrainOptions& options) {
  const FoldOptions& folds = options.folds;
  if (folds.by == FoldBy::random) return random_folds(data.size(), folds.count, options.split_seed);
  if (data.ids.empty())
    throw Error("--fold-by chrom needs each row's chromosome: ids 'chr:start-end' as BED input gives them", {data.source});
  std::vector<std::string> chroms;
  chroms.reserve(data.ids.size());
  for (const auto& id : data.ids) chroms.emplace_back(chromosome_of_id(id));
  return chromosome_folds(chroms, folds.count);
}

void write_folds_plan(const fs::path& run, const SequenceData& data, const TrainOptions& options) {
  const std::vector<int> fold_of_row = folds_of_rows(data, options);
  const int k = options.folds.count;
  std::vector<std::int64_t> rows(static_cast<std::size_t>(k), 0);
  std::vector<std::set<std::string>> chroms(static_cast<std::size_t>(k));
  for (std::size_t i = 0; i < fold_of_row.size(); ++i) {
    ++rows[static_cast<std::size_t>(fold_of_row[i])];
    if (options.folds.by == FoldBy::chrom)
      chroms[static_cast<std::size_t>(fold_of_row[i])].emplace(chromosome_of_id(data.ids[i]));
  }
  json plan = {{"folds", k}, {"fold_by", fold_by_name(options.folds.by)}, {"split_seed", options.split_seed}};
  for (int f = 0; f < k; ++f) {
    json fold = {{"dir", fold_dir("", f).string()},
                 {"model", (fold_dir("", f) / "model").string()},
                 {"test_fold", f},
                 {"val_fold", (f + 1) % k},
                 {"test_rows", rows[static_cast<std::size_t>(f)]}};
    if (options.folds.by == FoldBy::chrom) fold["test_chroms"] = chroms[static_cast<std::size_t>(f)];
    plan["models"].push_back(fold);
  }
  io::write_file_atomically(run / "folds.json", plan.dump(2) + "\n");
}

CrossValidation cross_validate(const SequenceData& data, const std::vector<TrainResult>& folds) {
  const std::size_t n_targets = data.n_targets();
  const bool binary = folds.front().config.binary();
  CrossValidation cv;
  std::vector<std::vector<float>> pooled_actual(n_targets), pooled_predicted(n_targets);
  for (const TrainResult& fold : folds) {
    std::vector<Scores> scores;
    for (std::size_t t = 0; t < n_targets; ++t) {
      std::vector<float> actual, predicted;
      for (std::size_t i = 0; i < data.seqs.size(); ++i) {
        if (fold.split_of_row[i] != Split::test) continue;
        actual.push_back(data.target(i, t));
        predicted.push_back(fold.predictions[i * n_targets + t]);
      }
      pooled_actual[t].insert(pooled_actual[t].end(), actual.begin(), actual.end());
      pooled_predicted[t].insert(pooled_predicted[t].end(), predicted.begin(), predicted.end());
      scores.push_back(score_predictions(actual, predicted, binary));
    }
    cv.per_fold.push_back(std::move(scores));
  }
  for (std::size_t t = 0; t < n_targets; ++t)
    cv.pooled.push_back(score_predictions(pooled_actual[t], pooled_predicted[t], binary));
  return cv;
}

// Mean and (sample) standard deviation over the folds of every number in their scores.
static std::pair<json, json> fold_spread(const std::vector<json>& scores) {
  json mean = json::object(), sd = json::object();
  for (const auto& [key, value] : scores.front().items()) {
    if (!value.is_number() || key == "n" || key == "positives") continue;
    double sum = 0, squares = 0;
    std::size_t n = 0;
    for (const json& s : scores) {
      if (!s.contains(key) || !s[key].is_number()) continue;
      const double v = s[key].get<double>();
      if (!std::isfinite(v)) continue;
      sum += v;
      squares += v * v;
      ++n;
    }
    if (n == 0) continue;
    const double m = sum / static_cast<double>(n);
    mean[key] = m;
    sd[key] = n > 1 ? std::sqrt(std::max(0.0, (squares - static_cast<double>(n) * m * m) / static_cast<double>(n - 1))) : 0.0;
  }
  return {mean, sd};
}

static json target_cv_json(const CrossValidation& cv, std::size_t t) {
  std::vector<json> folds;
  for (const auto& fold : cv.per_fold) folds.push_back(fold[t]);
  const auto [mean, sd] = fold_spread(folds);
  return {{"test", cv.pooled[t]}, {"fold_test", folds}, {"fold_mean", mean}, {"fold_sd", sd}};
}

static void write_out_of_fold_predictions(const fs::path& path, const SequenceData& data,
                                          const std::vector<TrainResult>& folds) {
  const std::vector<std::string>& targets = folds.front().config.targets;
  const std::size_t n_targets = targets.size();
  io::AtomicFile f(path);
  const bool ids = !data.ids.empty();
  f.stream() << (ids ? "id\t" : "") << "seq\tfold\tactual\tpredicted";
  if (n_targets > 1)
    for (const auto& t : targets) f.stream() << '\t' << t << "_actual\t" << t << "_predicted";
  f.stream() << '\n';
  std::string line;
  for (std::size_t i = 0; i < data.seqs.size(); ++i) {
    std::size_t k = 0;
    while (k + 1 < folds.size() && folds[k].split_of_row[i] != Split::test) ++k;
    const float* predicted = &folds[k].predictions[i * n_targets];
    line.clear();
    if (ids) line += data.ids[i] + '\t';
    fmt::format_to(std::back_inserter(line), "{}\t{}\t{}\t{:.7g}", data.seqs[i], k, data.target(i), predicted[0]);
    if (n_targets > 1)
      for (std::size_t t = 0; t < n_targets; ++t)
        fmt::format_to(std::back_inserter(line), "\t{}\t{:.7g}", data.target(i, t), predicted[t]);
    line += '\n';
    f.stream() << line;
  }
  f.commit();
}

// Fold 0's run.json without its fold index: `train --config RUN/run.json` trains every fold again.
static void write_ensemble_run_json(const fs::path& run) {
  std::ifstream in(fold_dir(run, 0) / "run.json");
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("params")) throw Error("fold 0's run.json is missing or damaged", {run.string()});
  j["params"].erase("fold");
  io::write_file_atomically(run / "run.json", j.dump(2) + "\n");
}

void write_folds_run(const fs::path& run, const std::string& name, const SequenceData& data,
                     const TrainOptions& options, const std::vector<TrainResult>& folds, const CrossValidation& cv) {
  json model = target_cv_json(cv, 0);
  const std::vector<std::string>& targets = folds.front().config.targets;
  if (targets.size() > 1)
    for (std::size_t t = 0; t < targets.size(); ++t) model["per_target"][targets[t]] = target_cv_json(cv, t);
  model["folds"] = options.folds.count;
  model["fold_by"] = fold_by_name(options.folds.by);
  model["task"] = task_name(folds.front().config.task);
  double seconds = 0;
  for (const auto& f : folds) seconds += f.train_seconds;
  model["train_seconds"] = seconds;
  for (std::size_t k = 0; k < folds.size(); ++k) model["models"].push_back((fold_dir("", static_cast<int>(k)) / "model").string());
  const json metrics = {{"models", {{name, model}}}};
  io::write_file_atomically(run / "metrics.json", metrics.dump(2) + "\n");
  write_out_of_fold_predictions(run / "predictions.tsv", data, folds);
  write_ensemble_run_json(run);
}

}  // namespace dnacnn

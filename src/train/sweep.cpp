#include "dnacnn/train/sweep.hpp"

#include <fmt/format.h>

#include <filesystem>

#include <cmath>
#include <map>

#include "dnacnn/models/architectures.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/report/report.hpp"

namespace dnacnn {

namespace {

std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : "NA"; }

void write_sweep_table(const std::filesystem::path& path, const std::vector<SweepRow>& rows) {
  std::string tsv =
      "run\tmodel\toptimizer\tlr\tbatch_size\tepochs\tstatus\tdiverged_epoch\tfinal_train_loss\tfinal_val_loss\t"
      "test_r2\ttest_mse\tseconds\n";
  for (const SweepRow& r : rows) {
    const TrainResult& t = r.result;
    const double train_loss = t.history.empty() ? NAN : t.history.back().train_loss;
    const double val_loss = t.history.empty() ? NAN : t.history.back().val_loss;
    tsv += fmt::format("{}\t{}\t{}\t{:g}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.3f}\n", r.run, r.options.arch,
                       optimizer_name(r.options.optimizer), r.options.lr, r.options.batch_size, r.options.epochs,
                       status_name(t.status), t.status == RunStatus::diverged ? std::to_string(t.diverged_epoch) : "NA", number(train_loss),
                       number(val_loss), number(t.test.r2), number(t.test.mse), t.train_seconds);
  }
  io::write_file_atomically(path, tsv);
}

// --hparam values apply to the models that take them (filters to cnn, not to linear); one that
// no model of the sweep takes is a typo.
std::map<std::string, double> hparams_for(const std::string& arch, const std::map<std::string, double>& all) {
  std::map<std::string, double> taken;
  for (const auto& [name, value] : all)
    if (model_hparam_defaults(arch).contains(name)) taken[name] = value;
  return taken;
}

void check_hparams_used(const SweepGrid& grid, const std::map<std::string, double>& all) {
  for (const auto& [name, value] : all) {
    bool used = false;
    for (const std::string& m : grid.models) used = used || model_hparam_defaults(m).contains(name);
    if (!used) throw UsageError(fmt::format("no model of the sweep takes the hyper-parameter '{}'", name));
  }
}

}  // namespace

std::vector<TrainOptions> sweep_combinations(const SweepGrid& grid, const TrainOptions& base) {
  if (grid.models.empty() || grid.lrs.empty() || grid.optimizers.empty() || grid.batch_sizes.empty() ||
      grid.epochs.empty())
    throw UsageError("a sweep needs at least one model, learning rate, optimizer, batch size and epoch count");
  check_hparams_used(grid, base.hparams);
  std::vector<TrainOptions> all;
  for (const std::string& model : grid.models)
    for (const std::string& optimizer : grid.optimizers)
      for (const double lr : grid.lrs)
        for (const int batch_size : grid.batch_sizes)
          for (const int epochs : grid.epochs) {
            TrainOptions o = base;
            o.arch = model;
            o.optimizer = parse_optimizer(optimizer);
            o.lr = lr;
            o.batch_size = batch_size;
            o.epochs = epochs;
            o.hparams = hparams_for(model, base.hparams);
            o.label = sweep_run_name(o);
            all.push_back(std::move(o));
          }
  return all;
}

std::string sweep_run_name(const TrainOptions& o) {
  // A spec file's stem ("specs/net.json" -> net): run names are directory names.
  return fmt::format("{}_{}_lr{:g}_bs{}_e{}", std::filesystem::path(o.arch).stem().string(), optimizer_name(o.optimizer),
                     o.lr, o.batch_size, o.epochs);
}

void check_sweep(const SequenceData& data, const SweepGrid& grid, const TrainOptions& base) {
  for (const TrainOptions& o : sweep_combinations(grid, base)) check_training_fits(data, o);
}

std::vector<SweepRow> run_sweep(const SequenceData& data, const SweepGrid& grid, const TrainOptions& base,
                                const std::filesystem::path& dir, const RunContext& context, Progress& progress) {
  check_sweep(data, grid, base);
  const std::vector<TrainOptions> combinations = sweep_combinations(grid, base);
  std::vector<SweepRow> rows;
  nlohmann::json metrics = {{"models", nlohmann::json::object()}};
  for (std::size_t i = 0; i < combinations.size(); ++i) {
    const TrainOptions& options = combinations[i];
    SweepRow row{sweep_run_name(options), options, {}};
    row.result = train_model(data, options, progress);
    write_run(dir / row.run, row.run, data, options, row.result, context);
    metrics["models"][row.run] = model_metrics_json(options, row.result);
    progress.log(fmt::format("[{}/{}] {}: {}, test R^2 {}, {:.2f} s", i + 1, combinations.size(), row.run,
                             row.result.status == RunStatus::diverged
                                 ? fmt::format("diverged at epoch {}", row.result.diverged_epoch)
                                 : "ok",
                             number(row.result.test.r2), row.result.train_seconds));
    row.result.weights.clear();  // a big sweep keeps only what sweep.tsv needs
    row.result.predictions.clear();
    row.result.split_of_row.clear();
    rows.push_back(std::move(row));
    write_sweep_table(dir / "sweep.tsv", rows);  // a sweep stopped half-way still has its table
  }
  io::write_file_atomically(dir / "metrics.json", metrics.dump(2) + "\n");
  write_report(dir);
  return rows;
}

}  // namespace dnacnn

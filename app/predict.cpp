#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include "commands.hpp"
#include "torch_library.hpp"
#include "dnacnn/core/device.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/infer/predict.hpp"
#include "dnacnn/core/progress.hpp"

namespace dnacnn::app {

struct PredictArgs {
  std::vector<std::filesystem::path> models;
  std::string in;
  std::string out = "-";
  InputArgs input;
  PredictFileOptions predict;
  int threads = 1;
  std::string device = "cpu";
  std::string shard;  // I/N or auto
  std::string windows_out;
  bool quiet = false;
};

void add_predict(CLI::App& root) {
  auto a = std::make_shared<PredictArgs>();
  a->input.table.require_target = false;
  CLI::App* cmd = root.add_subcommand("predict", "Predict targets for every sequence of a table or FASTA file (streamed)");
  cmd->add_option("--model", a->models, "Model directory (RUN/model), a run, or a folds run (train --folds); several: their mean (an ensemble)")->required();
  cmd->add_option("--in", a->in, "TSV/CSV with a sequence column, or FASTA (plain, gzip or bgzip); targets are ignored; - reads standard input (TSV unless --format)")
      ->required();
  cmd->add_option("-o,--out", a->out, "Output TSV: id, then one column per target; '-' for stdout");
  add_input_options(*cmd, a->input, InputUse::predict);
  add_fit_options(*cmd, a->predict.fit, &a->windows_out);
  cmd->add_flag("--with-seq", a->predict.with_seq, "Add a seq column after the id");
  cmd->add_flag("--rc-average", a->predict.rc_average, "Average the predictions for each sequence and its reverse complement");
  cmd->add_option("--batch-size", a->predict.batch_size, "Sequences read and predicted at a time")->check(CLI::PositiveNumber);
  add_threads_option(*cmd, a->threads);
  cmd->add_option("--device", a->device, "cpu, cuda or cuda:N");
  cmd->add_option("--shard", a->shard,
                  "Predict only records I, I+N, I+2N, ... (0-based) into OUT.shard-I-of-N, for N processes or jobs; "
                  "`dnacnn merge --out OUT` joins them. auto: I/N from RANK/WORLD_SIZE or Slurm's variables");
  add_quiet_flag(*cmd, a->quiet);
  cmd->final_callback([a, cmd] {
    check_fit_options(*cmd, a->predict.fit);
    load_torch();
    PredictFileOptions options = a->predict;
    std::string out = a->out;
    if (!a->shard.empty()) {
      if (out == "-") throw UsageError("--shard writes OUT.shard-I-of-N: give --out OUT");
      options.shard = parse_shard(a->shard);
      out = shard_path(out, options.shard).string();
    }
    set_thread_count(a->threads);
    const Predictor predictor = Predictor::load(a->models, a->device);
    options.input = a->input.options();
    // Open the output first: an unwritable --out should fail before the work, not after it.
    std::optional<io::AtomicFile> file, windows;
    if (out != "-") file.emplace(out);
    if (!a->windows_out.empty()) {
      windows.emplace(a->windows_out);
      options.windows_out = &windows->stream();
    }
    Progress progress(a->quiet);
    const PredictFileStats stats = predict_file(predictor, a->in, options, file ? file->stream() : std::cout, progress);
    if (!file) {
      std::cout.flush();
    } else {
      file->commit();
    }
    if (windows) windows->commit();
    if (options.fit.fit == Fit::windows)
      progress.log(fmt::format("--fit windows: {} windows of {} bp, {} per sequence", stats.windows,
                               predictor.config().length, aggregate_name(options.fit.aggregate)));
    if (stats.cropped + stats.padded > 0)
      progress.log(fmt::format("fitted to the model's {} bp: {} sequences centre-cropped, {} N-padded",
                               predictor.config().length, stats.cropped, stats.padded));
    progress.log(fmt::format("predicted {} sequences in {:.3f} s ({:.0f} seq/s)", stats.rows, stats.seconds,
                             static_cast<double>(stats.rows) / std::max(stats.seconds, 1e-9)));
  });
}

}  // namespace dnacnn::app

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>

#include "commands.hpp"
#include "dnacnn/device.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/predict.hpp"
#include "dnacnn/progress.hpp"

namespace dnacnn::app {

struct PredictArgs {
  std::string model;
  std::string in;
  std::string out = "-";
  TableOptions table{.require_target = false};
  int threads = 1;
  int batch_size = 4096;
  std::string device = "cpu";
  bool quiet = false;
};

// id (when the input has one), seq, then one column per model target.
static void write_predictions(std::ostream& out, const SequenceData& data, const ModelConfig& config,
                              const std::vector<float>& values) {
  const bool ids = !data.ids.empty();
  out << (ids ? "id\t" : "") << "seq";
  for (const auto& t : config.targets) out << '\t' << t;
  out << '\n';
  const std::size_t n_targets = config.targets.size();
  std::string line;
  for (std::size_t i = 0; i < data.seqs.size(); ++i) {
    line.clear();
    if (ids) line += data.ids[i] + '\t';
    line += data.seqs[i];
    for (std::size_t t = 0; t < n_targets; ++t) fmt::format_to(std::back_inserter(line), "\t{:.7g}", values[i * n_targets + t]);
    line += '\n';
    out << line;
  }
}

void add_predict(CLI::App& root) {
  auto a = std::make_shared<PredictArgs>();
  CLI::App* cmd = root.add_subcommand("predict", "Predict targets for every sequence of a table");
  cmd->add_option("--model", a->model, "Model directory (RUN/model)")->required();
  cmd->add_option("--in", a->in, "Table with a sequence column (targets, if any, are ignored)")->required();
  cmd->add_option("-o,--out", a->out, "Output TSV, '-' for stdout");
  cmd->add_option("--seq-col", a->table.seq_col, "Column holding the sequences");
  cmd->add_option("--batch-size", a->batch_size, "Sequences per forward pass")->check(CLI::PositiveNumber);
  add_threads_option(*cmd, a->threads);
  cmd->add_option("--device", a->device, "cpu, cuda or cuda:N");
  add_quiet_flag(*cmd, a->quiet);
  cmd->final_callback([a] {
    set_thread_count(a->threads);
    const Predictor predictor = Predictor::load(a->model, a->device);
    const SequenceData data = read_sequence_table(a->in, a->table);
    // Open the output first: an unwritable --out should fail before the work, not after it.
    std::optional<io::AtomicFile> file;
    if (a->out != "-") file.emplace(a->out);
    const auto start = std::chrono::steady_clock::now();
    const std::vector<float> values = predictor.predict(data, a->batch_size);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_predictions(file ? file->stream() : std::cout, data, predictor.config(), values);
    if (!file) {
      std::cout.flush();
    } else {
      file->commit();
    }
    Progress(a->quiet).log(fmt::format("predicted {} sequences in {:.3f} s ({:.0f} seq/s)", data.size(), seconds,
                                       static_cast<double>(data.size()) / std::max(seconds, 1e-9)));
  });
}

}  // namespace dnacnn::app

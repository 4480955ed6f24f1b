#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "dnacnn/device.hpp"
#include "dnacnn/predict.hpp"

namespace dnacnn::app {

struct EvaluateArgs {
  std::string model;
  std::string data;
  TableOptions table;
  IntervalDataOptions intervals;
  int threads = 1;
  std::string device = "cpu";
};

void add_evaluate(CLI::App& root) {
  auto a = std::make_shared<EvaluateArgs>();
  CLI::App* cmd = root.add_subcommand("evaluate", "Score a trained model on a labelled table: JSON on stdout");
  cmd->add_option("--model", a->model, "Model directory (RUN/model)")->required();
  cmd->add_option("--data", a->data, "Table with sequences and targets (or --bed)");
  cmd->add_option("--seq-col", a->table.seq_col, "Column holding the sequences");
  cmd->add_option("--target-col", a->table.target_col,
                  "Column holding the targets (default: the first other column); with --bed a BED column number "
                  "or name (score, signalValue, ...)");
  add_interval_options(*cmd, a->intervals, false);
  add_threads_option(*cmd, a->threads);
  cmd->add_option("--device", a->device, "cpu, cuda or cuda:N");
  cmd->final_callback([a] {
    set_thread_count(a->threads);
    const Predictor predictor = Predictor::load(a->model, a->device);
    IntervalDataOptions intervals = a->intervals;
    intervals.length = predictor.config().length;  // intervals are resized to the model's input
    const SequenceData data = read_input_data(a->data, a->table, intervals);
    nlohmann::json j = evaluate(predictor, data);
    j["model"] = a->model;
    j["data"] = a->data.empty() ? intervals.beds.front().string() : a->data;
    std::cout << j.dump(2) << std::endl;
  });
}

}  // namespace dnacnn::app

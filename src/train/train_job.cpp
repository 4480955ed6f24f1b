#include "dnacnn/train/train_job.hpp"

#include "dnacnn/train/distributed.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/core/interrupt.hpp"
#include "dnacnn/report/report.hpp"
#include "dnacnn/train/run.hpp"

namespace dnacnn {

TrainResult run_train_job(const std::filesystem::path& out, const TrainJob& job, const SequenceData& data,
                          std::optional<TrainCheckpoint> resume, Progress& progress, Communicator* comm,
                          const std::string& device) {
  const Checkpointer checkpointer(out, job, std::move(resume));
  TrainResult result;
  {
    const InterruptScope interrupts;  // Ctrl-C: save after the current batch and stop
    TrainOptions options = job.options;
    if (!device.empty()) options.device = device;
    result = train_model(data, options, progress, &checkpointer, comm);
  }
  if (!writes_outputs(comm)) return result;
  const nlohmann::json input = {{"table", job.table}, {"intervals", job.intervals}};
  write_run(out, job.name, data, job.options, result, {job.command_line, job.data, job.rule, input});
  write_report(out);  // RUN/report.html
  return result;
}

}  // namespace dnacnn

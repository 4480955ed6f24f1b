// What changes from epoch to epoch of a run: the learning rate (--lr-schedule, --warmup-epochs)
// and when to stop (--patience, --min-delta, --monitor). Torch-free: both are plain arithmetic on
// the epoch number and the validation history, so the fused and LibTorch engines share them and a
// checkpoint can carry their state as JSON.
#pragma once
#include <limits>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace dnacnn {

// The rate of each epoch; see docs/training.md for the formulas. The rate is set before an epoch
// and holds for all its batches (schedulers stepped once per epoch, as in PyTorch's examples).
enum class LrSchedule { constant, step, cosine, plateau, onecycle };
LrSchedule parse_lr_schedule(std::string_view name);
std::string_view lr_schedule_name(LrSchedule schedule);

// The validation value early stopping and the plateau schedule watch: the loss is minimised,
// R² (regression) and AUROC (binary) are maximised.
enum class Monitor { val_loss, val_r2, val_auroc };
Monitor parse_monitor(std::string_view name);
std::string_view monitor_name(Monitor monitor);
inline bool maximised(Monitor monitor) { return monitor != Monitor::val_loss; }

struct ScheduleOptions {
  LrSchedule kind = LrSchedule::constant;
  int warmup_epochs = 0;        // linear ramp before the schedule proper
  int step_size = 10;           // step: epochs between decays
  double gamma = 0.1;           // step: factor of each decay
  double min_lr = 0;            // cosine: the floor it anneals to; plateau: the lowest rate
  double plateau_factor = 0.1;  // plateau: factor of each reduction
  int plateau_patience = 10;    // plateau: epochs without improvement before a reduction
  double onecycle_pct = 0.3;    // onecycle: share of the epochs spent rising to --lr
};

struct EarlyStopOptions {
  int patience = 0;  // epochs without improvement before stopping; 0: never stop early
  double min_delta = 0;  // an improvement is a change by more than this in the monitor's good direction
  Monitor monitor = Monitor::val_loss;
};

// The best value seen of a monitored quantity, and how long ago it was. NaN values never improve.
struct ImprovementTracker {
  double best = std::numeric_limits<double>::quiet_NaN();
  int best_epoch = 0;  // 0: nothing finite seen yet
  int bad_epochs = 0;  // epochs since best_epoch (or since the start)
  // Records `epoch`'s value; true when it is an improvement (then it is the new best).
  bool observe(double value, int epoch, bool maximise, double min_delta);
};
void to_json(nlohmann::json& j, const ImprovementTracker& t);
void from_json(const nlohmann::json& j, ImprovementTracker& t);

// The learning rate of each epoch of a run of `epochs` epochs at base rate `base_lr`.
class LrScheduler {
 public:
  LrScheduler(const ScheduleOptions& options, double base_lr, int epochs);
  // The rate for `epoch` (1-based), before it runs.
  double rate(int epoch) const;
  // After `epoch`, its monitored validation value (the plateau schedule reacts to it).
  void observe(int epoch, double monitored, bool maximise, double min_delta);
  // For checkpoints: what observe() has accumulated; the rest follows from the epoch number.
  nlohmann::json state() const;
  void restore(const nlohmann::json& state);

 private:
  double scheduled(int t, int span) const;  // the schedule proper at its epoch t of span
  ScheduleOptions options_;
  double base_;
  int epochs_;
  double plateau_lr_;
  ImprovementTracker plateau_;
};

}  // namespace dnacnn

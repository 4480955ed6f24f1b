#include "core/json_get.hpp"
#include "dnacnn/train/schedule.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "dnacnn/core/enum_names.hpp"

namespace dnacnn {
namespace {

constexpr std::array<std::string_view, 5> kScheduleNames{"constant", "step", "cosine", "plateau", "onecycle"};
constexpr std::array<std::string_view, 3> kMonitorNames{"val_loss", "val_r2", "val_auroc"};

// PyTorch's OneCycleLR defaults: it starts at max_lr / 25 and ends 10^4 times lower still.
constexpr double kOneCycleDiv = 25, kOneCycleFinalDiv = 1e4;

// From `start` at pct 0 to `end` at pct 1 along half a cosine (PyTorch's _annealing_cos).
double cosine_anneal(double start, double end, double pct) {
  return end + (start - end) / 2 * (std::cos(std::numbers::pi * pct) + 1);
}

// OneCycleLR (two phases, cosine annealing) at step k of `total`: up from max/25 to max over the
// first pct_start of the steps, then down to max/25/10^4. A phase of no length ends where it starts
// (PyTorch divides by zero there).
double one_cycle(double max_lr, double pct_start, int k, int total) {
  const double initial = max_lr / kOneCycleDiv, final_lr = initial / kOneCycleFinalDiv;
  const double rise_end = pct_start * total - 1, fall_end = total - 1;
  const auto fraction = [](double step, double from, double to) { return to > from ? (step - from) / (to - from) : 1.0; };
  if (k <= rise_end) return cosine_anneal(initial, max_lr, fraction(k, 0, rise_end));
  return cosine_anneal(max_lr, final_lr, fraction(k, rise_end, fall_end));
}

}  // namespace

LrSchedule parse_lr_schedule(std::string_view name) {
  return parse_enum<LrSchedule>(name, kScheduleNames, "--lr-schedule");
}
std::string_view lr_schedule_name(LrSchedule schedule) { return enum_name(schedule, kScheduleNames); }
Monitor parse_monitor(std::string_view name) { return parse_enum<Monitor>(name, kMonitorNames, "--monitor"); }
std::string_view monitor_name(Monitor monitor) { return enum_name(monitor, kMonitorNames); }

bool ImprovementTracker::observe(double value, int epoch, bool maximise, double min_delta) {
  const bool improved = std::isfinite(value) && (best_epoch == 0 || (maximise ? value > best + min_delta
                                                                              : value < best - min_delta));
  if (!improved) {
    ++bad_epochs;
    return false;
  }
  best = value;
  best_epoch = epoch;
  bad_epochs = 0;
  return true;
}

// JSON has no NaN: a tracker that has seen nothing finite stores null.
void to_json(nlohmann::json& j, const ImprovementTracker& t) {
  j = {{"best", t.best_epoch > 0 ? nlohmann::json(t.best) : nlohmann::json(nullptr)},
       {"best_epoch", t.best_epoch},
       {"bad_epochs", t.bad_epochs}};
}

void from_json(const nlohmann::json& j, ImprovementTracker& t) {
  t = {};
  if (!j.at("best").is_null()) json_get::get_to(j.at("best"), t.best);
  json_get::get_to(j.at("best_epoch"), t.best_epoch);
  json_get::get_to(j.at("bad_epochs"), t.bad_epochs);
}

LrScheduler::LrScheduler(const ScheduleOptions& options, double base_lr, int epochs)
    : options_(options), base_(base_lr), epochs_(epochs), plateau_lr_(base_lr) {}

double LrScheduler::scheduled(int t, int span) const {
  switch (options_.kind) {
    case LrSchedule::constant: return base_;
    case LrSchedule::step: return base_ * std::pow(options_.gamma, (t - 1) / options_.step_size);
    case LrSchedule::cosine:
      return cosine_anneal(base_, options_.min_lr, static_cast<double>(t - 1) / static_cast<double>(span));
    case LrSchedule::plateau: return plateau_lr_;
    case LrSchedule::onecycle: return one_cycle(base_, options_.onecycle_pct, t - 1, span);
  }
  return base_;
}

double LrScheduler::rate(int epoch) const {
  const int warmup = options_.warmup_epochs;
  // Linear warm-up, reaching the base rate at the first epoch after it.
  if (epoch <= warmup) return base_ * epoch / (warmup + 1);
  return scheduled(epoch - warmup, std::max(1, epochs_ - warmup));
}

void LrScheduler::observe(int epoch, double monitored, bool maximise, double min_delta) {
  if (options_.kind != LrSchedule::plateau || epoch <= options_.warmup_epochs) return;
  // ReduceLROnPlateau: a reduction once more than `patience` epochs passed without improvement.
  if (plateau_.observe(monitored, epoch, maximise, min_delta) || plateau_.bad_epochs <= options_.plateau_patience)
    return;
  plateau_lr_ = std::max(plateau_lr_ * options_.plateau_factor, options_.min_lr);
  plateau_.bad_epochs = 0;
}

nlohmann::json LrScheduler::state() const { return {{"plateau_lr", plateau_lr_}, {"plateau", plateau_}}; }

void LrScheduler::restore(const nlohmann::json& state) {
  if (state.is_null()) return;  // a checkpoint from before schedules: a constant rate
  json_get::get_to(state.at("plateau_lr"), plateau_lr_);
  json_get::get_to(state.at("plateau"), plateau_);
}

}  // namespace dnacnn

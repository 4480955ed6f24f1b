// The notebook's three exercises, as the demo runs them (each is also a command of its own:
// simulate --rule, sweep, train --model deepcnn and compare).
#pragma once
#include <filesystem>
#include <iosfwd>

#include "dnacnn/core/progress.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {

// What the exercises share with the demo: threads, device, epochs of the notebook models.
struct ExerciseSettings {
  int epochs = 50;
  int threads = 1;
  std::string device = "cpu";
  std::string command_line;
};

// The demo's better model (Q3): one convolution, max+mean pooling (presence and amount of each
// feature), a small dense head, Adam. bins = 3 pools each third of the sequence separately, so
// it also sees where a motif sits (Q1's positional rule); bins = 1 pools globally.
TrainOptions better_model_options(const ExerciseSettings& settings, int bins = 1);

// Q1: data scored by the `positional` rule, the linear model, the notebook's CNN and the better
// model trained on it; writes DIR (a directory of runs with about.json) and prints a summary.
void run_positional_exercise(const std::filesystem::path& dir, const ExerciseSettings& settings, std::ostream& out,
                             Progress& progress);

// Q2: the learning-rate sweep (0.001 ... 0.1) of the linear model and the CNN on `data`, read from `data_path`.
void run_lr_sweep_exercise(const SequenceData& data, const std::filesystem::path& data_path, const std::filesystem::path& dir,
                           const ExerciseSettings& settings, std::ostream& out, Progress& progress);

}  // namespace dnacnn

// The training loop's view of an engine. The loop (train_model.cpp) owns the epochs, the batch
// order and reverse-complement flips, checkpoints, interrupts, the history and divergence; an
// engine runs batches, validation and predictions, and keeps its optimiser's state. Two engines:
// the fused CPU engine (train/fused/, the notebook's small models) and the LibTorch engine
// (train/torch/, every architecture; one process, a thread team or a rank of a group).
// Adding an engine: implement this interface and teach choose_engine (engine_select.hpp, in train.cpp) when it applies.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnacnn/data/dataset.hpp"
#include "dnacnn/data/split.hpp"
#include "dnacnn/train/checkpoint.hpp"
#include "dnacnn/train/train.hpp"

namespace dnacnn {

class Communicator;

// Rows a run trains or validates on, as every engine's models read them: base codes and targets.
struct TrainingRows {
  BaseCodes codes;
  std::vector<float> targets;  // rows x targets, row-major
  std::vector<float> profiles;  // profile models: rows x targets x profile length (else empty)
  std::int64_t rows() const { return codes.rows; }
};
TrainingRows training_rows(const SequenceData& data, std::int64_t length, const std::vector<std::int64_t>& rows);

// What a run trains on, fixed before its first batch and shared by the loop and the engine.
struct TrainSetup {
  const SequenceData& data;
  const TrainOptions& options;
  ModelConfig config;
  SplitIndices split;
  std::int64_t n_targets = 0;
  TrainingRows train, val;  // split.train's and split.val's rows, in that order
  double count_weight = 0;  // profile models: λ of the count loss (--count-weight, or from the data)
  std::int64_t train_rows() const { return static_cast<std::int64_t>(split.train.size()); }
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual EngineKind kind() const = 0;

  // Starts an epoch over the training rows in `order` (positions in split.train); rows whose
  // `flip` is set are reverse-complemented. `loss_sum`: what an interrupted epoch had summed.
  virtual void begin_epoch(int epoch, const std::vector<std::int64_t>& order, const std::vector<bool>& flip,
                           double loss_sum) = 0;
  // One optimiser step on positions [begin, begin + rows) of the epoch's order. Returns the
  // interrupt signal that this process (with ranks: any rank) received, 0 for none.
  virtual int step(std::int64_t begin, std::int64_t rows) = 0;
  // The loss summed over this epoch's batches so far, in the engine's units (checkpoints keep it).
  virtual double loss_sum() const = 0;
  // The finished epoch's training loss: per row, mean over the targets.
  virtual double epoch_loss() const = 0;
  // The rate of the following steps (set before each epoch by the schedule).
  virtual void set_learning_rate(double lr) = 0;
  // At the current parameters: the mean loss over the validation rows (NaN without any) and the
  // model's raw outputs for them (val rows x targets, row-major; with ranks, every rank gets all).
  struct Validation {
    double loss = 0;
    std::vector<float> outputs;
  };
  virtual Validation validate() = 0;
  // The model's raw outputs (logits for binary tasks) for every row of the data: rows x targets.
  virtual std::vector<float> predict_all() = 0;

  // The optimiser's state for a checkpoint, and back. Weights travel through the model: sync first.
  virtual void save_optimizer(TrainCheckpoint& state) = 0;
  virtual void restore_optimizer(const TrainCheckpoint& state, const std::string& source) = 0;
  // Brings the model's parameters up to date (the fused engine trains its own copy of them).
  virtual void sync_model() = 0;
  // The other way: the engine continues from the model's parameters (set from outside, e.g. the
  // best epoch's weights at the end of an early-stopped run).
  virtual void reload_model() = 0;
};

}  // namespace dnacnn

// Ctrl-C (SIGINT) and SIGTERM during long work: the first signal asks the work to stop at its next
// safe point (train: after the current batch, once the checkpoint is saved); a second one ends the
// process at once, as usual.
#pragma once

namespace dnacnn {

// Catches SIGINT and SIGTERM while it lives; the previous handlers come back afterwards.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

// The signal that asked to stop (SIGINT, SIGTERM), or 0. Cheap enough to poll after every batch.
int interrupt_requested();

// Exit code for a stop caused by `signal`: 128 + the signal number (130 for Ctrl-C), as shells report it.
int interrupted_exit_code(int signal);

}  // namespace dnacnn

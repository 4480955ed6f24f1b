#include "dnacnn/core/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace dnacnn {
namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler may only touch lock-free atomics");

struct sigaction g_previous_int, g_previous_term;

extern "C" void on_signal(int signal) {
  g_signal.store(signal, std::memory_order_relaxed);
  // A second Ctrl-C should not have to wait for the batch: back to the default (terminate).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(signal, &dfl, nullptr);
}

}  // namespace

InterruptScope::InterruptScope() {
  g_signal.store(0);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
  g_signal.store(0);  // a request belongs to the work this scope covered
}

int interrupt_requested() { return g_signal.load(std::memory_order_relaxed); }

int interrupted_exit_code(int signal) { return 128 + signal; }

}  // namespace dnacnn

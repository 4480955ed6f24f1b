#include "dnacnn/train/launch.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "dnacnn/core/error.hpp"

extern char** environ;

namespace dnacnn {
namespace {

std::atomic<int> g_forward{0};
extern "C" void on_launch_signal(int signal) { g_forward.store(signal, std::memory_order_relaxed); }

// A port nobody listens on now (the kernel's choice), for rank 0's rendezvous.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error(std::string("launch: cannot open a socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) throw Error(std::string("launch: cannot find a free port: ") + std::strerror(errno));
  return ntohs(addr.sin_port);
}

// The environment of rank `rank`: ours without torchrun's variables, then this rank's.
std::vector<std::string> rank_environment(int rank, int nproc, int port) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    const std::string name = kv.substr(0, kv.find('='));
    if (name != "MASTER_ADDR" && name != "MASTER_PORT" && name != "WORLD_SIZE" && name != "RANK" &&
        name != "LOCAL_RANK" && name != "LOCAL_WORLD_SIZE")
      env.push_back(kv);
  }
  for (const auto& kv : {fmt::format("MASTER_ADDR=127.0.0.1"), fmt::format("MASTER_PORT={}", port),
                         fmt::format("WORLD_SIZE={}", nproc), fmt::format("RANK={}", rank),
                         fmt::format("LOCAL_RANK={}", rank), fmt::format("LOCAL_WORLD_SIZE={}", nproc)})
    env.push_back(kv);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> p;
  for (auto& s : strings) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

// Everything is prepared before fork(): the child only calls async-signal-safe functions.
pid_t spawn(const std::string& exe, std::vector<std::string> argv, std::vector<std::string> env) {
  std::vector<char*> args = pointers(argv), envp = pointers(env);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("launch: cannot start a rank: ") + std::strerror(errno));
  if (pid == 0) {
    // Its own process group: a terminal's Ctrl-C reaches the ranks once, through launch. And it
    // goes when launch goes, even when launch is killed.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    ::execve(exe.c_str(), args.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

std::string how_it_ended(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with code {}", WEXITSTATUS(status));
  return fmt::format("was killed by signal {} ({})", WTERMSIG(status), ::strsignal(WTERMSIG(status)));
}

}  // namespace

void launch_local(const LaunchOptions& o) {
  if (o.nproc < 1) throw UsageError("--nproc must be at least 1");
  if (o.command.empty()) throw UsageError("launch needs a dnacnn command after --, e.g. -- train --distributed ...");
  char exe[4096];
  const ssize_t len = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0) throw Error("launch: cannot find the dnacnn binary (/proc/self/exe)");
  exe[len] = '\0';
  const int port = o.master_port > 0 ? o.master_port : free_port();

  struct sigaction action {}, old_int{}, old_term{};
  action.sa_handler = on_launch_signal;
  sigemptyset(&action.sa_mask);
  g_forward.store(0);
  ::sigaction(SIGINT, &action, &old_int);
  ::sigaction(SIGTERM, &action, &old_term);

  std::vector<pid_t> ranks;
  for (int r = 0; r < o.nproc; ++r) {
    std::vector<std::string> argv{"dnacnn"};
    argv.insert(argv.end(), o.command.begin(), o.command.end());
    ranks.push_back(spawn(exe, std::move(argv), rank_environment(r, o.nproc, port)));
  }
  const auto signal_all = [&](int signal) {
    for (pid_t p : ranks)
      if (p > 0) ::kill(p, signal);
  };
  using Clock = std::chrono::steady_clock;
  int live = o.nproc, interrupted = 0;
  std::string failure;
  int failure_code = 0;
  Clock::time_point stop_deadline = Clock::time_point::max();
  while (live > 0) {
    if (const int s = g_forward.exchange(0)) {
      interrupted = s;
      signal_all(s);
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      for (std::size_t r = 0; r < ranks.size(); ++r) {
        if (ranks[r] != pid) continue;
        ranks[r] = -1;
        --live;
        const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!ok && failure.empty() && !interrupted) {
          failure = fmt::format("rank {} (pid {}) {}", r, pid, how_it_ended(status));
          failure_code = WIFEXITED(status) ? WEXITSTATUS(status) : kExitDataError;
          signal_all(SIGTERM);
          stop_deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(o.grace * 1000));
        }
      }
      continue;
    }
    if (Clock::now() > stop_deadline) {
      signal_all(SIGKILL);
      stop_deadline = Clock::time_point::max();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  if (interrupted)
    throw Error(fmt::format("interrupted: passed {} on to the {} ranks", ::strsignal(interrupted), o.nproc), {},
                128 + interrupted);
  if (!failure.empty())
    throw Error(fmt::format("{}; stopped the other {} rank(s)", failure, o.nproc - 1), {}, failure_code);
}

}  // namespace dnacnn

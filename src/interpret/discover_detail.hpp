// The stages of `dnacnn discover` (seqlets.cpp, patterns.cpp), shared with discover.cpp.
#pragma once
#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

#include "dnacnn/interpret/discover.hpp"

namespace dnacnn::discover_detail {

inline int thread_count(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// f(begin, end, slice) on `threads` contiguous slices of 0..n (in this thread when one suffices).
template <class F>
void parallel_for(std::size_t n, int threads, F&& f) {
  const std::size_t t = std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), std::max<std::size_t>(n, 1));
  if (t <= 1) {
    f(std::size_t{0}, n, std::size_t{0});
    return;
  }
  std::vector<std::thread> team;
  for (std::size_t k = 0; k < t; ++k) team.emplace_back([&f, k, t, n] { f(n * k / t, n * (k + 1) / t, k); });
  for (std::thread& th : team) th.join();
}

// Window and flank as used: sequences shorter than two windows (the notebook's 8-mers) get a
// window of half their length and a flank of half the window, so each still holds two seqlets.
struct Geometry {
  int window = 21, flank = 10;
  int span() const { return window + 2 * flank; }
};
Geometry effective_geometry(const AttributionSet& set, const DiscoverOptions& options);

struct SeqletCalls {
  SeqletStats stats;
  std::vector<Seqlet> pos, neg;  // strongest first
};
SeqletCalls call_seqlets(const AttributionSet& set, const Geometry& g, const DiscoverOptions& options);

// Patterns of one sign from its seqlets (unnamed, largest first).
std::vector<Pattern> cluster_patterns(const AttributionSet& set, const std::vector<Seqlet>& seqlets, int sign,
                                      const Geometry& g, const DiscoverOptions& options);

}  // namespace dnacnn::discover_detail

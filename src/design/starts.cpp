// Random starting sequences that already satisfy the design constraints (so every round of a
// search, the first included, holds them).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "dnacnn/core/error.hpp"
#include "dnacnn/design/objective.hpp"

namespace dnacnn {

namespace {

constexpr int kDraws = 1000;  // per sequence before the constraints are declared unmeetable

std::uint8_t draw_base(Rng& rng, double gc) {
  const double u = rng.uniform();
  if (u < gc / 2) return 1;   // C
  if (u < gc) return 2;       // G
  return u < gc + (1 - gc) / 2 ? 0 : 3;  // A, T
}

// Flips random bases between the AT and GC classes until the GC count is in range.
void repair_gc(std::vector<std::uint8_t>& s, const DesignConstraints& c, Rng& rng) {
  if (!c.gc_range) return;
  const auto n = static_cast<double>(s.size());
  const auto lo = static_cast<int>(std::ceil(c.gc_range->first * n - 1e-9));
  const auto hi = static_cast<int>(std::floor(c.gc_range->second * n + 1e-9));
  int gc = gc_count(s);
  for (int guard = 0; (gc < lo || gc > hi) && guard < 100 * static_cast<int>(s.size()); ++guard) {
    const std::size_t p = rng.below(s.size());
    const bool is_gc = s[p] == 1 || s[p] == 2;
    if (gc < lo && !is_gc) {
      s[p] = static_cast<std::uint8_t>(1 + rng.below(2));
      ++gc;
    } else if (gc > hi && is_gc) {
      s[p] = static_cast<std::uint8_t>(rng.below(2) ? 3 : 0);
      --gc;
    }
  }
}

// The first occurrence of a forbidden motif: (start, length), or length 0.
std::pair<std::size_t, std::size_t> first_forbidden(const std::vector<std::uint8_t>& s, const DesignConstraints& c) {
  for (std::size_t at = 0; at < s.size(); ++at)
    for (const std::string& m : c.forbid_both) {
      if (at + m.size() > s.size()) continue;
      std::size_t j = 0;
      while (j < m.size() && "ACGT"[s[at + j]] == m[j]) ++j;
      if (j == m.size()) return {at, m.size()};
    }
  return {0, 0};
}

// Changes one base of each forbidden occurrence within its GC class (A<->T, C<->G), which keeps
// the GC count; gives up after a bounded number of tries.
void repair_forbidden(std::vector<std::uint8_t>& s, const DesignConstraints& c, Rng& rng) {
  for (int guard = 0; guard < 20 * static_cast<int>(s.size()); ++guard) {
    const auto [at, size] = first_forbidden(s, c);
    if (size == 0) return;
    const std::size_t q = at + rng.below(size);
    s[q] = static_cast<std::uint8_t>(3 - s[q]);
  }
}

}  // namespace

std::vector<std::vector<std::uint8_t>> random_starts(std::int64_t n, std::int64_t length, double gc,
                                                     const DesignConstraints& c, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<std::uint8_t>> out;
  for (std::int64_t i = 0; i < n; ++i) {
    std::vector<std::uint8_t> s(static_cast<std::size_t>(length));
    int draw = 0;
    for (; draw < kDraws; ++draw) {
      for (auto& b : s) b = draw_base(rng, gc);
      repair_gc(s, c, rng);
      repair_forbidden(s, c, rng);
      if (constraint_violation(c, s).empty()) break;
    }
    if (draw == kDraws)
      throw UsageError(fmt::format("no random sequence of {} bases met the constraints in {} draws ({}): "
                                   "loosen --gc-range or --forbid",
                                   length, kDraws, constraint_violation(c, s)));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace dnacnn

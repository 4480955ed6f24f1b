// A small seeded generator whose streams are identical on every platform and compiler
// (std::shuffle and std::*_distribution are not), so that runs are reproducible everywhere.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

namespace dnacnn {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next();                     // xoshiro256**
  std::uint64_t below(std::uint64_t bound);  // uniform in [0, bound), unbiased
  double uniform();                          // [0, 1)
  double normal();                           // standard normal (Box-Muller)

  // The whole state, for checkpoints: a generator restored from it continues the same stream.
  using State = std::array<std::uint64_t, 4>;
  State state() const { return {s_[0], s_[1], s_[2], s_[3]}; }
  void set_state(const State& s) {
    for (int i = 0; i < 4; ++i) s_[i] = s[static_cast<std::size_t>(i)];
  }

 private:
  std::uint64_t s_[4];
};

// 0..n-1 in a seeded random order (Fisher-Yates).
std::vector<std::int64_t> shuffled_indices(std::int64_t n, Rng& rng);

}  // namespace dnacnn

// A small seeded generator whose streams are identical on every platform and compiler
// (std::shuffle and std::*_distribution are not), so that runs are reproducible everywhere.
#pragma once
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

 private:
  std::uint64_t s_[4];
};

// 0..n-1 in a seeded random order (Fisher-Yates).
std::vector<std::int64_t> shuffled_indices(std::int64_t n, Rng& rng);

}  // namespace dnacnn

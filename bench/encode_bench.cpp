// One-hot encoding throughput (bases per second into float32), single thread.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "dnacnn/encode.hpp"
#include "dnacnn/random.hpp"

namespace {

std::string random_sequence(std::size_t n) {
  dnacnn::Rng rng(7);
  std::string s(n, 'A');
  for (auto& c : s) c = "ACGTN"[rng.below(100) < 1 ? 4 : rng.below(4)];
  return s;
}

void BM_OneHotEncode(benchmark::State& state) {
  const auto length = static_cast<std::size_t>(state.range(0));
  const std::string seq = random_sequence(length);
  std::vector<float> out(length * 4);
  for (auto _ : state) {
    benchmark::DoNotOptimize(dnacnn::one_hot_encode(seq, out.data()));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * length));  // bytes = bases
  state.counters["Mbp/s"] = benchmark::Counter(static_cast<double>(state.iterations() * length) / 1e6,
                                               benchmark::Counter::kIsRate);
}
BENCHMARK(BM_OneHotEncode)->Arg(200)->Arg(1 << 20)->Arg(16 << 20);

}  // namespace

BENCHMARK_MAIN();

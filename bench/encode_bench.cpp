// One-hot encoding throughput (bases per second into float32), single thread: short reads, and
// 100 Mbp (a small chromosome) encoded whole into one array, or window by window into a reused
// cache-sized buffer as a scanning pipeline does.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dnacnn/data/encode.hpp"
#include "dnacnn/core/random.hpp"

namespace {

constexpr std::int64_t kGenomeSized = 100'000'000;
constexpr std::size_t kWindow = 65536;  // 1 MiB of float32 output: stays in L2

const std::string& random_sequence(std::size_t n) {
  static std::string s;
  if (s.size() != n) {
    dnacnn::Rng rng(7);
    s.assign(n, 'A');
    for (auto& c : s) c = "ACGTN"[rng.below(100) < 1 ? 4 : rng.below(4)];
  }
  return s;
}

void count_bases(benchmark::State& state, std::size_t length) {
  const auto bases = static_cast<double>(state.iterations()) * static_cast<double>(length);
  state.SetBytesProcessed(static_cast<std::int64_t>(bases));  // bytes = bases
  state.counters["Mbp/s"] = benchmark::Counter(bases / 1e6, benchmark::Counter::kIsRate);
}

void BM_OneHotEncode(benchmark::State& state) {
  const auto length = static_cast<std::size_t>(state.range(0));
  const std::string& seq = random_sequence(length);
  std::vector<float> out(length * 4);
  for (auto _ : state) {
    benchmark::DoNotOptimize(dnacnn::one_hot_encode(seq, out.data()));
    benchmark::ClobberMemory();
  }
  count_bases(state, length);
}
BENCHMARK(BM_OneHotEncode)->Arg(200)->Arg(1 << 20)->Arg(kGenomeSized)->Unit(benchmark::kMillisecond);

void BM_OneHotEncodeWindows(benchmark::State& state) {
  const auto length = static_cast<std::size_t>(state.range(0));
  const std::string_view seq = random_sequence(length);
  std::vector<float> out(kWindow * 4);
  for (auto _ : state) {
    for (std::size_t start = 0; start < length; start += kWindow) {
      benchmark::DoNotOptimize(dnacnn::one_hot_encode(seq.substr(start, kWindow), out.data()));
      benchmark::ClobberMemory();
    }
  }
  count_bases(state, length);
}
BENCHMARK(BM_OneHotEncodeWindows)->Arg(kGenomeSized)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

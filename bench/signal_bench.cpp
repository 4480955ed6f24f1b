// bigWig target extraction throughput: read_signal_targets (what train --bigwig --target sum does)
// over the windows of a BED file, one thread. Prints JSON: windows, seconds, windows_per_s.
// Usage: dnacnn_signal_bench TRACK.bw WINDOWS.bed GENOME
#include <chrono>
#include <cstdio>
#include <exception>

#include "dnacnn/data/signal.hpp"
#include "dnacnn/io/bed.hpp"
#include "dnacnn/io/genome.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s TRACK.bw WINDOWS.bed GENOME\n", argv[0]);
    return 2;
  }
  try {
    const dnacnn::io::Genome genome(argv[3]);
    std::vector<dnacnn::Interval> windows;
    for (const auto& r : dnacnn::io::read_bed(argv[2])) windows.push_back({r.chrom, r.start, r.end});
    const auto start = std::chrono::steady_clock::now();
    const auto targets = dnacnn::read_signal_targets({{"track", argv[1]}}, windows, dnacnn::SignalAggregate::sum, 0, genome);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double total = 0;
    for (float v : targets.values) total += v;
    std::printf("{\"windows\": %zu, \"seconds\": %.4f, \"windows_per_s\": %.0f, \"total\": %.1f}\n", windows.size(),
                seconds, static_cast<double>(windows.size()) / seconds, total);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}

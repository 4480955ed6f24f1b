// Test inputs for the genome commands: a small multi-chromosome genome (bgzipped and indexed with
// htslib, or plain), and a linear model with known weights whose predictions a test can compute.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dnacnn::test {

namespace fs = std::filesystem;

struct TestGenome {
  fs::path fasta;
  std::map<std::string, std::string> seqs;  // as Genome::fetch returns them: upper case, N for non-ACGT
  std::vector<std::pair<std::string, std::string>> written;  // in file order, as written (case, IUPAC)
};

// chr1 (2,000 bp), chr2 (1,200 bp), chr3 (700 bp: a run of N, soft-masked lower case and an IUPAC
// R), random bases from `seed`, in 60-column lines. `bgzip` writes genome.fa.gz in BGZF.
TestGenome write_test_genome(const fs::path& dir, bool bgzip = true, std::uint64_t seed = 5);
void write_bgzf(const fs::path& path, std::string_view content);

// A UCSC .2bit file of `seqs` as faToTwoBit writes it: N blocks for runs of anything but ACGT,
// mask blocks for lower case. version 1 has 64-bit offsets; `swapped` writes the other byte order.
void write_two_bit(const fs::path& path, const std::vector<std::pair<std::string, std::string>>& seqs,
                   int version = 0, bool swapped = false);

// A linear model (the `linear` architecture) with seeded weights, saved as <dir>/config.json +
// weights.safetensors. predict() is what the model must output: bias + sum of w[4i + base].
struct LinearModel {
  fs::path dir;
  std::int64_t length = 0;
  std::vector<float> w;  // 4 * length, position-major (A, C, G, T)
  float bias = 0;
  double predict(std::string_view seq) const;  // N contributes nothing
  double weight(std::int64_t pos, char base) const;
};
LinearModel write_linear_model(const fs::path& dir, std::int64_t length, std::uint64_t seed,
                               const std::string& task = "regression");

}  // namespace dnacnn::test

#include "genome_fixture.hpp"

#include <htslib/bgzf.h>

#include <stdexcept>

#include "dnacnn/core/random.hpp"
#include "test_support.hpp"

namespace dnacnn::test {

void write_bgzf(const fs::path& path, std::string_view content) {
  BGZF* fp = bgzf_open(path.c_str(), "w");
  if (!fp || bgzf_write(fp, content.data(), content.size()) < 0 || bgzf_close(fp) < 0)
    throw std::runtime_error("cannot write " + path.string());
}

TestGenome write_test_genome(const fs::path& dir, bool bgzip, std::uint64_t seed) {
  Rng rng(seed);
  const auto random_bases = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += "ACGT"[rng.below(4)];
    return s;
  };
  std::vector<std::pair<std::string, std::string>> written{
      {"chr1", random_bases(2000)}, {"chr2", random_bases(1200)}, {"chr3", random_bases(700)}};
  std::string& chr3 = written[2].second;
  for (std::size_t i = 100; i < 150; ++i) chr3[i] = 'N';
  for (std::size_t i = 200; i < 260; ++i) chr3[i] = static_cast<char>(chr3[i] | 0x20);  // soft-masked
  chr3[300] = 'R';
  std::string text;
  TestGenome g;
  for (const auto& [name, seq] : written) {
    text += ">" + name + " test sequence\n";
    for (std::size_t i = 0; i < seq.size(); i += 60) text += seq.substr(i, 60) + "\n";
    std::string norm = seq;
    for (char& c : norm) {
      c = static_cast<char>(c & ~0x20);
      if (c != 'A' && c != 'C' && c != 'G' && c != 'T') c = 'N';
    }
    g.seqs[name] = norm;
  }
  g.fasta = dir / (bgzip ? "genome.fa.gz" : "genome.fa");
  if (bgzip)
    write_bgzf(g.fasta, text);
  else
    write_file(g.fasta, text);
  return g;
}

}  // namespace dnacnn::test

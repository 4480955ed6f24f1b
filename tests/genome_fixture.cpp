#include "genome_fixture.hpp"

#include <htslib/bgzf.h>

#include <stdexcept>

#include "dnacnn/model_store.hpp"
#include "dnacnn/random.hpp"
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

double LinearModel::weight(std::int64_t pos, char base) const {
  const std::string_view acgt = "ACGT";
  const auto c = acgt.find(base);
  return c == std::string_view::npos ? 0.0 : w[static_cast<std::size_t>(4 * pos) + c];
}

double LinearModel::predict(std::string_view seq) const {
  double sum = bias;
  for (std::size_t i = 0; i < seq.size(); ++i) sum += weight(static_cast<std::int64_t>(i), seq[i]);
  return sum;
}

LinearModel write_linear_model(const fs::path& dir, std::int64_t length, std::uint64_t seed, const std::string& task) {
  Rng rng(seed);
  LinearModel m;
  m.dir = dir;
  m.length = length;
  for (std::int64_t i = 0; i < 4 * length; ++i) m.w.push_back(static_cast<float>(rng.uniform() * 2 - 1));
  m.bias = 0.25f;
  StoredModel stored;
  stored.config.arch = "linear";
  stored.config.length = length;
  stored.config.task = task;
  stored.weights = {{"lin.weight", {1, 4 * length}, m.w}, {"lin.bias", {1}, {m.bias}}};
  save_model(dir, stored);
  return m;
}

}  // namespace dnacnn::test

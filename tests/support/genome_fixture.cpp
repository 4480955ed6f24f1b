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
  g.written = written;
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

namespace {

// Runs of positions where `inside` holds, as (start, size) pairs.
template <class Pred>
std::vector<std::pair<std::uint32_t, std::uint32_t>> runs(const std::string& seq, Pred inside) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  for (std::size_t i = 0; i < seq.size();) {
    if (!inside(seq[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < seq.size() && inside(seq[j])) ++j;
    out.emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j - i));
    i = j;
  }
  return out;
}

}  // namespace

void write_two_bit(const fs::path& path, const std::vector<std::pair<std::string, std::string>>& seqs, int version,
                   bool swapped) {
  std::string out;
  const auto put32 = [&](std::uint32_t v) {
    if (swapped) v = __builtin_bswap32(v);
    out.append(reinterpret_cast<const char*>(&v), 4);
  };
  const auto put64 = [&](std::uint64_t v) {
    if (swapped) v = __builtin_bswap64(v);
    out.append(reinterpret_cast<const char*>(&v), 8);
  };
  const auto is_acgt = [](char c) { return std::string_view("ACGTacgt").find(c) != std::string_view::npos; };
  // Records first, to know their offsets.
  std::vector<std::string> records;
  for (const auto& [name, seq] : seqs) {
    std::string saved;
    std::swap(saved, out);
    put32(static_cast<std::uint32_t>(seq.size()));
    for (const auto& blocks : {runs(seq, [&](char c) { return !is_acgt(c); }),
                               runs(seq, [](char c) { return c >= 'a' && c <= 'z'; })}) {
      put32(static_cast<std::uint32_t>(blocks.size()));
      for (const auto& b : blocks) put32(b.first);
      for (const auto& b : blocks) put32(b.second);
    }
    put32(0);  // reserved
    for (std::size_t i = 0; i < seq.size(); i += 4) {
      unsigned char byte = 0;
      for (std::size_t k = 0; k < 4; ++k) {
        const char c = i + k < seq.size() ? static_cast<char>(seq[i + k] & ~0x20) : 'T';
        const unsigned code = c == 'C' ? 1 : c == 'A' ? 2 : c == 'G' ? 3 : 0;  // T (and N) = 0
        byte = static_cast<unsigned char>(byte | code << (6 - 2 * k));
      }
      out.push_back(static_cast<char>(byte));
    }
    records.push_back(out);
    out = saved;
  }
  put32(0x1A412743);
  put32(static_cast<std::uint32_t>(version));
  put32(static_cast<std::uint32_t>(seqs.size()));
  put32(0);
  std::uint64_t offset = 16;
  for (const auto& [name, seq] : seqs) offset += 1 + name.size() + (version == 1 ? 8 : 4);
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    out.push_back(static_cast<char>(seqs[i].first.size()));
    out += seqs[i].first;
    if (version == 1)
      put64(offset);
    else
      put32(static_cast<std::uint32_t>(offset));
    offset += records[i].size();
  }
  for (const auto& r : records) out += r;
  write_file(path, out);
}

}  // namespace dnacnn::test

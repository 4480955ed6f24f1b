#include "dnacnn/io/genome.hpp"

#include "dnacnn/io/table.hpp"
#include "io/twobit.hpp"

#include <htslib/bgzf.h>
#include <htslib/faidx.h>

#include <algorithm>
#include <cctype>
#include <htslib/hts_log.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <vector>
#include <cstdlib>
#include <unordered_map>

namespace dnacnn::io {

struct Genome::Impl {
  std::unique_ptr<TwoBitFile> two_bit;  // a .2bit genome; otherwise FASTA through faidx
  faidx_t* fai = nullptr;
  std::unordered_map<std::string, std::int64_t> lengths;
  ~Impl() {
    if (fai) fai_destroy(fai);
  }
};

namespace {

// htslib can index bgzip but not plain gzip; say so instead of its generic failure. Returns
// whether the file is bgzip-compressed.
bool check_compression(const std::string& path) {
  BGZF* fp = bgzf_open(path.c_str(), "r");
  if (!fp) throw Error("cannot open the genome FASTA", {path});
  const int kind = bgzf_compression(fp);
  bgzf_close(fp);
  if (kind == 1)
    throw Error("is compressed with gzip, which cannot be indexed; recompress it with bgzip "
                "(zcat FILE | bgzip > FILE.bgz) or decompress it",
                {path});
  return kind == 2;
}

char normalised_base(char c) {
  switch (c) {
    case 'A': case 'a': return 'A';
    case 'C': case 'c': return 'C';
    case 'G': case 'g': return 'G';
    case 'T': case 't': return 'T';
    default: return 'N';
  }
}

// htslib divides by an index line's bases per line and trusts its offsets: a .fai that another tool
// wrote wrongly, or one htslib built from a FASTA whose lines it could not measure, must be
// refused before the first fetch (a division by zero inside htslib otherwise).
void check_index(const std::string& fai_path, std::uintmax_t fasta_bytes, bool compressed) {
  std::ifstream in(fai_path);
  std::string line;
  for (long number = 1; std::getline(in, line); ++number) {
    std::vector<std::string_view> f;
    split_fields(line, '\t', f);
    std::int64_t v[4] = {};
    bool ok = f.size() >= 5;
    for (std::size_t i = 0; ok && i < 4; ++i) {
      const auto [end, ec] = std::from_chars(f[i + 1].data(), f[i + 1].data() + f[i + 1].size(), v[i]);
      ok = ec == std::errc() && end == f[i + 1].data() + f[i + 1].size() && v[i] >= 0;
    }
    const auto [length, offset, line_bases, line_bytes] = v;
    ok = ok && (length == 0 || (line_bases > 0 && line_bytes >= line_bases));
    // htslib ends a name at any whitespace or NUL and reads the rest as the next fields:
    // "chr\f61\t3\t0..." would give it 0 bases per line (found by the fuzz smoke test), and
    // "chr\0" "6-1\t3..." an offset of 2^64 - 1, whose failed seek leaks htslib's BGZF when the index is
    // closed (found by a campaign). No indexer writes such a name.
    ok = ok && std::none_of(f[0].begin(), f[0].end(),
                            [](char c) { return c == '\0' || std::isspace(static_cast<unsigned char>(c)); });
    // The last base's byte must lie inside the file (bgzip offsets are uncompressed: not checked).
    // (in 128 bits: the fields of a damaged index can be anything up to 2^63)
    ok = ok && (compressed || length == 0 ||
                static_cast<__int128>(offset) + static_cast<__int128>((length - 1) / line_bases) * line_bytes +
                        (length - 1) % line_bases <
                    static_cast<__int128>(fasta_bytes));
    if (!ok)
      throw Error("is not a valid index of this FASTA (name, length, offset, bases and bytes per line); delete it "
                  "and dnacnn rebuilds it, or run samtools faidx",
                  {fai_path, number});
  }
}

}  // namespace

Genome::Genome(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()), path_(path.string()) {
  hts_set_log_level(HTS_LOG_OFF);  // our errors say what went wrong, in one line
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw Error("no such genome FASTA file", {path_});
  if (is_two_bit(path)) {
    impl_->two_bit = std::make_unique<TwoBitFile>(path);
    for (const std::string& name : impl_->two_bit->names()) {
      impl_->lengths[name] = impl_->two_bit->length(name);
      names_.push_back(name);
    }
    if (names_.empty()) throw Error("the 2bit genome has no sequences", {path_});
    return;
  }
  const bool bgzipped = check_compression(path_);
  // An index older than the FASTA describes another file: rebuild it rather than read wrong bases.
  const std::filesystem::path fai = path_ + ".fai";
  if (std::filesystem::exists(fai, ec) && std::filesystem::last_write_time(fai, ec) < std::filesystem::last_write_time(path, ec) &&
      fai_build3(path_.c_str(), nullptr, nullptr) != 0)
    throw Error("its index " + fai.string() + " is older than the FASTA and cannot be rebuilt", {path_});
  impl_->fai = fai_load3(path_.c_str(), nullptr, nullptr, FAI_CREATE);
  if (!impl_->fai)
    throw Error("cannot read or index the genome FASTA (is it FASTA, and can its .fai index be written "
                "beside it? samtools faidx builds one)",
                {path_});
  check_index(fai.string(), std::filesystem::file_size(path, ec), bgzipped);
  const int n = faidx_nseq(impl_->fai);
  for (int i = 0; i < n; ++i) {
    std::string name = faidx_iseq(impl_->fai, i);
    const std::int64_t length = faidx_seq_len(impl_->fai, name.c_str());  // int in htslib 1.16: enough for any chromosome
    // htslib ends a name at any whitespace, so a .fai line "chr1\f-1\t..." reads as chr1 of length
    // -1 (found by the fuzz smoke test): what htslib understood is checked too.
    if (length < 0)
      throw Error("is not a valid index of this FASTA (sequence '" + printable_excerpt(name) +
                      "' has no length); delete it and dnacnn rebuilds it, or run samtools faidx",
                  {fai.string()});
    impl_->lengths[name] = length;
    names_.push_back(std::move(name));
  }
  if (names_.empty()) throw Error("the genome FASTA has no sequences", {path_});
}

Genome::~Genome() = default;
Genome::Genome(Genome&&) noexcept = default;
Genome& Genome::operator=(Genome&&) noexcept = default;

std::filesystem::path Genome::fingerprint_file() const {
  return impl_->two_bit ? std::filesystem::path(path_) : std::filesystem::path(path_ + ".fai");
}

bool Genome::contains(std::string_view name) const { return impl_->lengths.count(std::string(name)) > 0; }

std::int64_t Genome::length(const std::string& name, const SourceLocation& where) const {
  const auto it = impl_->lengths.find(name);
  if (it != impl_->lengths.end()) return it->second;
  std::string known;
  for (std::size_t i = 0; i < names_.size() && i < 5; ++i) known += (i ? ", " : "") + names_[i];
  if (names_.size() > 5) known += ", ...";
  throw Error("sequence '" + name + "' is not in the genome " + path_ + " (it has " + known + ")", where);
}

std::string Genome::fetch(const std::string& name, std::int64_t start, std::int64_t end) const {
  const std::int64_t len = length(name);
  std::string out(static_cast<std::size_t>(std::max<std::int64_t>(end - start, 0)), 'N');
  const std::int64_t from = std::max<std::int64_t>(start, 0), to = std::min(end, len);
  if (from >= to) return out;
  if (impl_->two_bit) {
    const std::string bases = impl_->two_bit->fetch(name, from, to);
    std::copy(bases.begin(), bases.end(), out.begin() + (from - start));
    return out;
  }
  hts_pos_t got = 0;
  char* bases = faidx_fetch_seq64(impl_->fai, name.c_str(), from, to - 1, &got);
  if (!bases || got != to - from) {
    std::free(bases);
    throw Error("cannot read " + name + ":" + std::to_string(from) + "-" + std::to_string(to) +
                    " (truncated or changed since it was indexed? delete the .fai and retry)",
                {path_});
  }
  for (hts_pos_t i = 0; i < got; ++i) out[static_cast<std::size_t>(from - start + i)] = normalised_base(bases[i]);
  std::free(bases);
  return out;
}

double gc_fraction(std::string_view seq) {
  std::size_t gc = 0, acgt = 0;
  for (char c : seq) {
    if (c == 'N') continue;
    ++acgt;
    gc += (c == 'G' || c == 'C');
  }
  return acgt ? static_cast<double>(gc) / static_cast<double>(acgt) : 0.0;
}

double n_fraction(std::string_view seq) {
  if (seq.empty()) return 0;
  return static_cast<double>(std::count(seq.begin(), seq.end(), 'N')) / static_cast<double>(seq.size());
}

}  // namespace dnacnn::io

#include "dnacnn/io/bigwig.hpp"

#include <bigWig.h>
#include <fmt/format.h>
#include <libdeflate.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/genome.hpp"

namespace dnacnn::io {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kBigWigMagic = 0x888FFC26;

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { bwInit(1 << 17); });  // curl's buffer (remote files); local files need none
}

std::uint32_t swapped(std::uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xFF00) | ((v << 8) & 0xFF0000) | (v << 24);
}

}  // namespace

bool is_bigwig(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::uint32_t magic = 0;
  if (!in.read(reinterpret_cast<char*>(&magic), sizeof magic)) return false;
  return magic == kBigWigMagic || swapped(magic) == kBigWigMagic;
}

struct BigWigReader::Impl {
  bigWigFile_t* fp = nullptr;
  std::unordered_map<std::string, std::int64_t> lengths;
  ~Impl() {
    if (fp) bwClose(fp);
  }
};

BigWigReader::BigWigReader(const fs::path& path) : impl_(std::make_unique<Impl>()), path_(path.string()) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw Error("no such bigWig file", {path_});
  // libBigWig prints to stderr and may misread what is not a bigWig: look at the signature first.
  if (!is_bigwig(path)) throw Error("not a bigWig file (no bigWig signature at its start)", {path_});
  init_library();
  impl_->fp = bwOpen(path_.c_str(), nullptr, "r");
  if (!impl_->fp || !impl_->fp->cl || !impl_->fp->hdr)
    throw Error("cannot read this bigWig file's header (truncated or damaged?)", {path_});
  const chromList_t* cl = impl_->fp->cl;
  for (std::int64_t i = 0; i < cl->nKeys; ++i) {
    chroms_.push_back({cl->chrom[i], static_cast<std::int64_t>(cl->len[i])});
    impl_->lengths[chroms_.back().name] = chroms_.back().length;
  }
}

BigWigReader::~BigWigReader() = default;
BigWigReader::BigWigReader(BigWigReader&&) noexcept = default;
BigWigReader& BigWigReader::operator=(BigWigReader&&) noexcept = default;

bool BigWigReader::contains(const std::string& chrom) const { return impl_->lengths.count(chrom) > 0; }

std::int64_t BigWigReader::length(const std::string& chrom) const {
  const auto it = impl_->lengths.find(chrom);
  return it == impl_->lengths.end() ? -1 : it->second;
}

void BigWigReader::raw_values(const std::string& chrom, std::int64_t start, std::int64_t end, float* out) const {
  std::fill(out, out + (end - start), 0.0f);
  if (end <= start) return;
  bwOverlappingIntervals_t* o =
      bwGetOverlappingIntervals(impl_->fp, chrom.c_str(), static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end));
  if (!o) throw Error(fmt::format("cannot read {}:{}-{} (damaged file?)", chrom, start, end), {path_});
  for (std::uint32_t i = 0; i < o->l; ++i) {
    const std::int64_t s = std::max<std::int64_t>(o->start[i], start), e = std::min<std::int64_t>(o->end[i], end);
    std::fill(out + std::min(s, e) - start, out + e - start, o->value[i]);
  }
  bwDestroyOverlappingIntervals(o);
}

void BigWigReader::values(const std::string& chrom, std::int64_t start, std::int64_t end, float* out,
                          ZeroFill& fill) const {
  const std::int64_t width = end - start;
  std::fill(out, out + width, 0.0f);
  const std::int64_t chrom_length = length(chrom);
  if (chrom_length < 0) {
    fill.missing_chrom += width;
    return;
  }
  const std::int64_t from = std::max<std::int64_t>(start, 0), to = std::min(end, chrom_length);
  fill.off_end += width - std::max<std::int64_t>(to - from, 0);
  if (to <= from) return;
  raw_values(chrom, from, to, out + (from - start));
  for (std::int64_t p = from; p < to; ++p)
    if (std::isnan(out[p - start])) ++fill.nan, out[p - start] = 0.0f;
}

void BigWigReader::check_sizes(const Genome& genome) const {
  for (const ChromSize& c : chroms_) {
    if (!genome.contains(c.name)) continue;
    const std::int64_t expected = genome.length(c.name);
    if (expected != c.length)
      throw Error(fmt::format("chromosome '{}' is {} bp here but {} bp in the genome {}: another assembly?", c.name,
                              c.length, expected, genome.path()),
                  {path_});
  }
}

std::vector<ChromSize> bigwig_chroms(const Genome& genome) {
  std::vector<ChromSize> chroms;
  for (const auto& name : genome.names()) chroms.push_back({name, genome.length(name)});
  std::sort(chroms.begin(), chroms.end(), [](const ChromSize& a, const ChromSize& b) { return a.name < b.name; });
  return chroms;
}

// Intervals of the current chromosome, handed to libBigWig in blocks.
struct BigWigWriter::Impl {
  bigWigFile_t* fp = nullptr;
  std::size_t chrom = 0;       // index into chroms_ of the intervals being gathered
  bool chrom_started = false;  // the chromosome's first block went to libBigWig (later ones append)
  std::vector<std::uint32_t> starts, ends;
  std::vector<float> values;
  std::unordered_map<std::string, std::size_t> index;
  ~Impl() {
    if (fp) bwClose(fp);
  }
};

BigWigWriter::BigWigWriter(fs::path path, std::vector<ChromSize> chroms)
    : impl_(std::make_unique<Impl>()), path_(std::move(path)), chroms_(std::move(chroms)) {
  // A pipe or a terminal cannot seek; a file under /dev/shm can (found when the fuzz targets wrote there).
  std::error_code ec;
  const auto kind = fs::status(path_, ec).type();
  if (path_ == "-" || kind == fs::file_type::fifo || kind == fs::file_type::character || kind == fs::file_type::block ||
      kind == fs::file_type::socket)
    throw UsageError("a bigWig file is written with seeks: give a file name, not " + path_.string());
  if (fs::is_directory(path_)) throw Error("is a directory, not a file", {path_.string()});
  if (chroms_.empty()) throw Error("no chromosomes to write", {path_.string()});
  const fs::path dir = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  std::string temp_name = ".";  // built piecewise: GCC 12 warns (-Wrestrict) on "." + string + ...
  temp_name += path_.filename().string();
  temp_name += ".tmp-" + std::to_string(::getpid());
  temp_ = dir / temp_name;
  init_library();
  std::vector<const char*> names;
  std::vector<std::uint32_t> lengths;
  for (std::size_t i = 0; i < chroms_.size(); ++i) {
    if (chroms_[i].length > std::numeric_limits<std::uint32_t>::max())
      throw Error(fmt::format("sequence '{}' is {} bp: bigWig holds up to 4 Gbp per sequence", chroms_[i].name,
                              chroms_[i].length),
                  {path_.string()});
    names.push_back(chroms_[i].name.c_str());
    lengths.push_back(static_cast<std::uint32_t>(chroms_[i].length));
    impl_->index[chroms_[i].name] = i;
  }
  // libBigWig prints and may crash when it cannot create the file: try it first.
  std::FILE* probe = std::fopen(temp_.c_str(), "wb");
  if (!probe) throw Error("cannot write here (missing directory or no permission)", {path_.string()});
  std::fclose(probe);
  impl_->fp = bwOpen(temp_.c_str(), nullptr, "w");
  if (!impl_->fp) throw Error("cannot write here (missing directory or no permission)", {path_.string()});
  impl_->fp->cl = bwCreateChromList(names.data(), lengths.data(), static_cast<std::int64_t>(names.size()));
  if (bwCreateHdr(impl_->fp, 10) || !impl_->fp->cl || bwWriteHdr(impl_->fp))
    throw Error("cannot write the bigWig header (disk full?)", {path_.string()});
}

BigWigWriter::~BigWigWriter() {
  if (committed_) return;
  impl_.reset();
  std::error_code ec;
  fs::remove(temp_, ec);
}

void BigWigWriter::add(const std::string& chrom, std::int64_t start, std::int64_t end, float value) {
  const auto it = impl_->index.find(chrom);
  if (it == impl_->index.end()) throw std::logic_error("bigWig: chromosome '" + chrom + "' is not in the header");
  Impl& w = *impl_;
  if (it->second != w.chrom || !w.starts.empty()) {
    if (it->second < w.chrom || (it->second == w.chrom && !w.ends.empty() && start < w.ends.back()))
      throw std::logic_error(fmt::format("bigWig: {}:{} added out of order", chrom, start));
  }
  if (it->second != w.chrom) {
    flush(true);
    w.chrom = it->second;
    w.chrom_started = false;
  }
  if (end > chroms_[w.chrom].length || start < 0 || end <= start)
    throw std::logic_error(fmt::format("bigWig: {}:{}-{} is outside the sequence", chrom, start, end));
  if (!w.ends.empty() && w.ends.back() == start && w.values.back() == value) {
    w.ends.back() = static_cast<std::uint32_t>(end);
    return;
  }
  w.starts.push_back(static_cast<std::uint32_t>(start));
  w.ends.push_back(static_cast<std::uint32_t>(end));
  w.values.push_back(value);
  if (w.starts.size() >= (1u << 16)) flush(false);
}

void BigWigWriter::flush(bool all) {
  Impl& w = *impl_;
  // Unless `all`, the last interval stays: the next one may extend it.
  const std::size_t n = all ? w.starts.size() : w.starts.size() - std::min<std::size_t>(w.starts.size(), 1);
  if (n == 0) return;
  int rc = 0;
  if (!w.chrom_started) {
    std::vector<const char*> names(n, chroms_[w.chrom].name.c_str());
    rc = bwAddIntervals(w.fp, names.data(), w.starts.data(), w.ends.data(), w.values.data(), static_cast<std::uint32_t>(n));
    w.chrom_started = true;
  } else {
    rc = bwAppendIntervals(w.fp, w.starts.data(), w.ends.data(), w.values.data(), static_cast<std::uint32_t>(n));
  }
  if (rc) throw Error("cannot write bigWig intervals (disk full?)", {path_.string()});
  w.starts.erase(w.starts.begin(), w.starts.begin() + static_cast<std::ptrdiff_t>(n));
  w.ends.erase(w.ends.begin(), w.ends.begin() + static_cast<std::ptrdiff_t>(n));
  w.values.erase(w.values.begin(), w.values.begin() + static_cast<std::ptrdiff_t>(n));
}

void BigWigWriter::commit() {
  Impl& w = *impl_;
  // libBigWig cannot index a file without data: an empty track holds one 0 (what no data means).
  if (w.starts.empty() && !w.chrom_started && w.chrom == 0) add(chroms_[0].name, 0, 1, 0.0f);
  flush(true);
  bwClose(w.fp);  // writes the last block, the index and the zoom levels
  w.fp = nullptr;
  std::error_code ec;
  if (!fs::exists(temp_, ec)) throw Error("write failed (disk full?)", {path_.string()});
  fs::rename(temp_, path_, ec);
  if (ec) throw Error("cannot rename finished file into place: " + ec.message(), {path_.string()});
  committed_ = true;
}

}  // namespace dnacnn::io

// libBigWig compresses every data and zoom block with zlib's compress() at level 6, which took 3/4
// of `coverage`'s time. This definition, exported by the dnacnn binary (built with
// ENABLE_EXPORTS), is the one libBigWig's call binds to: the same zlib stream from libdeflate at
// level 1, about ten times as fast, files a little larger. Nothing else in the process calls
// compress() (htslib has its own deflate calls); where this is not exported, zlib's runs instead.
extern "C" int compress(Bytef* dest, uLongf* dest_len, const Bytef* source, uLong source_len) {
  thread_local std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> compressor(
      libdeflate_alloc_compressor(1), libdeflate_free_compressor);
  if (compressor) {
    const std::size_t n = libdeflate_zlib_compress(compressor.get(), source, source_len, dest, *dest_len);
    if (n > 0) {
      *dest_len = static_cast<uLongf>(n);
      return Z_OK;
    }
  }
  return compress2(dest, dest_len, source, source_len, Z_DEFAULT_COMPRESSION);
}

#include "dnacnn/io/vcf.hpp"

#include <fmt/format.h>
#include <htslib/hts_log.h>
#include <htslib/vcf.h>

#include "dnacnn/core/error.hpp"

namespace dnacnn::io {

struct VcfReader::Impl {
  htsFile* file = nullptr;
  bcf_hdr_t* header = nullptr;
  bcf1_t* record = nullptr;
  ~Impl() {
    if (record) bcf_destroy(record);
    if (header) bcf_hdr_destroy(header);
    if (file) hts_close(file);
  }
};

VcfReader::VcfReader(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()), path_(path.string()) {
  hts_set_log_level(HTS_LOG_OFF);  // our errors say what went wrong, in one line
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw Error("no such VCF file", {path_});
  impl_->file = hts_open(path_.c_str(), "r");
  if (!impl_->file) throw Error("cannot open the VCF", {path_});
  const htsFormat* format = hts_get_format(impl_->file);
  if (format->category != variant_data) throw Error("not a VCF or BCF file", {path_});
  impl_->header = bcf_hdr_read(impl_->file);
  if (!impl_->header) throw Error("cannot read the VCF header (it must start with ##fileformat=VCF and have a #CHROM line)", {path_});
  impl_->record = bcf_init();
}

VcfReader::~VcfReader() = default;

bool VcfReader::next(VcfRecord& out) {
  bcf1_t* rec = impl_->record;
  const int status = bcf_read(impl_->file, impl_->header, rec);
  if (status == -1) return false;
  ++count_;
  const std::string where = "record " + std::to_string(count_);
  // A contig or tag missing from the header is only a warning: htslib adds it and parses the record.
  const int errors = rec->errcode & ~(BCF_ERR_CTG_UNDEF | BCF_ERR_TAG_UNDEF);
  if (status < -1 || errors) {
    std::string what = "malformed";
    if (errors & BCF_ERR_NCOLS) what = "malformed: too few columns";
    else if (errors & BCF_ERR_CHAR) what = "malformed: invalid character";
    else if (errors & BCF_ERR_TAG_INVALID) what = "malformed: an INFO or FORMAT field does not match its header";
    else if (errors & BCF_ERR_LIMITS) what = "beyond htslib's limits";
    throw Error(fmt::format("record {} is {} (htslib error code {})", count_, what, errors), {path_});
  }
  if (bcf_unpack(rec, BCF_UN_STR) < 0) throw Error(where + " cannot be unpacked", {path_});
  if (rec->pos < 0) throw Error(where + " has no valid POS (a whole number from 1)", {path_});
  out.chrom = bcf_seqname_safe(impl_->header, rec);
  // htslib accepts an empty CHROM column as a contig named ""; no genome has one.
  if (out.chrom.empty()) throw Error(where + " has an empty CHROM column", {path_});
  out.pos = rec->pos + 1;
  out.id = rec->d.id ? rec->d.id : ".";
  out.number = count_;
  out.alts.clear();
  if (rec->n_allele < 1) throw Error(where + " has no REF allele", {path_});
  out.ref = rec->d.allele[0];
  for (int i = 1; i < rec->n_allele; ++i) out.alts.emplace_back(rec->d.allele[i]);
  if (out.alts.empty()) out.alts.emplace_back(".");  // a record without ALT: reported, not dropped
  return true;
}

}  // namespace dnacnn::io

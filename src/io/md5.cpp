#include "dnacnn/io/md5.hpp"

#include <htslib/hts.h>

#include <fstream>
#include <vector>

namespace dnacnn {
namespace {

// Feeds `feed(ctx)`'s bytes through MD5; "" when htslib cannot start one or `feed` fails.
template <typename Feed>
std::string md5_of(Feed feed) {
  hts_md5_context* ctx = hts_md5_init();
  if (!ctx) return "";
  if (!feed(ctx)) {
    hts_md5_destroy(ctx);
    return "";
  }
  unsigned char digest[16];
  hts_md5_final(digest, ctx);
  hts_md5_destroy(ctx);
  char hex[33];
  hts_md5_hex(hex, digest);
  return hex;
}

}  // namespace

std::string file_md5(const std::filesystem::path& path) {
  return md5_of([&](hts_md5_context* ctx) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::vector<char> buf(1 << 20);
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
      hts_md5_update(ctx, buf.data(), static_cast<unsigned long>(in.gcount()));
    return true;
  });
}

std::string text_md5(std::string_view text) {
  return md5_of([&](hts_md5_context* ctx) {
    hts_md5_update(ctx, text.data(), static_cast<unsigned long>(text.size()));
    return true;
  });
}

}  // namespace dnacnn

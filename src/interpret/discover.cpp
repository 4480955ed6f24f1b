#include "dnacnn/interpret/discover.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/io/motif_formats.hpp"
#include "interpret/discover_detail.hpp"
#include "interpret/discover_output.hpp"

namespace dnacnn {

namespace fs = std::filesystem;

void DiscoverOptions::validate() const {
  const auto require = [](bool ok, const std::string& what) {
    if (!ok) throw UsageError(what);
  };
  require(window >= 1, "--window must be at least 1");
  require(flank >= 0, "--flank must be 0 or more");
  require(target_fdr > 0 && target_fdr < 1, "--fdr must be between 0 and 1");
  require(min_passing >= 0 && min_passing <= max_passing && max_passing <= 1,
          "--min-passing and --max-passing must satisfy 0 <= min <= max <= 1");
  require(max_seqlets >= 1, "--max-seqlets must be at least 1");
  require(sample >= 2, "--sample must be at least 2");
  require(similarity > -1 && similarity < 1, "--similarity must be between -1 and 1");
  require(min_seqlets >= 1, "--min-seqlets must be at least 1");
  require(trim >= 0 && trim <= 1, "--trim must be between 0 and 1");
  require(merge > -1 && merge <= 1, "--merge must be between -1 and 1");
  require(threads >= 0, "--threads must be 0 or more");
}

Motif Pattern::motif() const { return Motif{name, consensus, pwm, static_cast<long>(members.size())}; }

DiscoverResult discover_patterns(const AttributionSet& set, const DiscoverOptions& options, Progress& progress) {
  options.validate();
  DiscoverResult r;
  if (set.size() == 0) return r;
  const discover_detail::Geometry g = discover_detail::effective_geometry(set, options);
  progress.update(fmt::format("discover: seqlets in {} sequences", set.size()));
  const discover_detail::SeqletCalls calls = discover_detail::call_seqlets(set, g, options);
  r.stats = calls.stats;
  for (int sign : {1, -1}) {
    progress.update(fmt::format("discover: clustering {} {} seqlets", sign > 0 ? calls.pos.size() : calls.neg.size(),
                                sign > 0 ? "positive" : "negative"));
    std::vector<Pattern> found = discover_detail::cluster_patterns(set, sign > 0 ? calls.pos : calls.neg, sign, g, options);
    for (std::size_t k = 0; k < found.size(); ++k) {
      found[k].name = fmt::format("{}_pattern_{}", sign > 0 ? "pos" : "neg", k);
      r.patterns.push_back(std::move(found[k]));
    }
  }
  return r;
}

}  // namespace dnacnn

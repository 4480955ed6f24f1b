// attribute --bigwig: per-base values of genomic regions (each sequence's attributions at its
// coordinates) as one bigWig track over a genome, for a genome browser or pyBigWig.
#pragma once
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dnacnn/data/intervals.hpp"

namespace dnacnn {

namespace io {
class Genome;
}

// "chr1:100-300" (as read_interval_data and attribute --bed write ids) -> {chr1, 100, 300}; the
// chromosome is what comes before the last ':' (names may hold ':'); nullopt for anything else.
std::optional<Interval> parse_interval_id(const std::string& id);

// Writes `out` (bigWig over the genome's chromosomes) from `regions`, region i's per-base values
// given by values(i) (end - start of them). Where regions overlap, each base takes the value of
// the region whose centre is nearest it (equally near: the one that starts first, then the one
// given first), so no two entries overlap. Bases off a chromosome's ends, on sequences the genome
// lacks, and NaN values are left out (no data). values(i) is called at most once per region, in genome
// order, and only the regions overlapping the current base are held.
struct RegionTrackStats {
  std::int64_t bases = 0;       // written
  std::int64_t overlapped = 0;  // bases covered by more than one region
};
RegionTrackStats write_region_track(const std::filesystem::path& out, const io::Genome& genome,
                                    const std::vector<Interval>& regions,
                                    const std::function<std::vector<float>(std::size_t)>& values);

}  // namespace dnacnn

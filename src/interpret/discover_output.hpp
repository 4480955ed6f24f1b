// What `dnacnn discover` writes: tables, MEME file, logos, discover.json and the report.
#pragma once
#include "dnacnn/interpret/discover.hpp"

namespace dnacnn::discover_detail {

void write_discover_outputs(const DiscoverRequest& request, const AttributionSet& set, const DiscoverSummary& summary);

}  // namespace dnacnn::discover_detail

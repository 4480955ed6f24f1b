// Sequence logos and weight heatmaps as standalone SVG (no fonts needed: letters are paths).
#pragma once
#include <string>
#include <vector>

#include "dnacnn/interpret/motifs.hpp"

namespace dnacnn {

// How a logo's axes are drawn: long sequences need narrow columns and sparse position labels,
// attribution scores ticks finer than whole units.
struct LogoAxis {
  double column_width = 36;  // pixels per position
  double tick_step = 1;      // y axis tick spacing
  int label_every = 1;       // number every n-th position
};

// The axis of a per-base score logo of `length` positions spanning lo..hi: columns narrow enough
// for the page, about four ticks, every 10th position numbered on long sequences.
LogoAxis score_logo_axis(std::size_t length, double lo, double hi);

// Letter heights per column (A, C, G, T), stacked smallest at the bottom; negative heights stack
// downwards from zero. y_min..y_max is the axis range, y_label its title.
std::string logo_svg(const std::vector<Column>& heights, double y_min, double y_max, const std::string& y_label,
                     const std::string& title, const LogoAxis& axis = {});

// The information-content logo of a PFM: height of each letter = p x column IC, axis 0-2 bits.
std::string information_logo_svg(const Motif& motif, const std::string& title);

// Titles are escaped, so any name can be shown.
// A filter's raw weights (rows A, C, G, T; columns positions) on a blue-white-red scale centred on 0.
std::string weight_heatmap_svg(const ConvFilters& conv, std::int64_t filter, const std::string& title);

}  // namespace dnacnn

#include "dnacnn/interpret/logos.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "report/html.hpp"

namespace dnacnn {

using report::escape_html;

namespace {

// Block letters in a 100 x 100 box (y down), filled with the even-odd rule.
constexpr const char* kGlyph[4] = {
    "M0 100L40 0H60L100 100H78L69 76H31L22 100ZM38 58H62L50 26Z",                      // A
    "M93 26A50 50 0 1 0 93 74L76 65A31 32 0 1 1 76 35Z",                                // C
    "M93 26A50 50 0 1 0 96 62L96 46H54V60H78A31 32 0 1 1 76 35Z",                      // G
    "M0 0H100V18H59V100H41V18H0Z",                                                       // T
};
constexpr const char* kColour[4] = {"#109648", "#255C99", "#F7B32B", "#D62839"};  // A, C, G, T

constexpr double kPlotHeight = 120, kLeft = 44, kTop = 24, kBottom = 30;

}  // namespace

LogoAxis score_logo_axis(std::size_t length, double lo, double hi) {
  // A tick spacing of 1, 2 or 5 x 10^k giving about four ticks over the span.
  const double raw = std::max(hi - lo, 1e-12) / 4, magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double m : {5.0, 2.0, 1.0})
    if (raw <= m * magnitude) step = m * magnitude;
  LogoAxis axis;
  axis.column_width = std::clamp(1600.0 / static_cast<double>(std::max<std::size_t>(length, 1)), 4.0, 36.0);
  axis.tick_step = step;
  axis.label_every = length > 40 ? 10 : 1;
  return axis;
}

std::string logo_svg(const std::vector<Column>& heights, double y_min, double y_max, const std::string& y_label,
                     const std::string& title, const LogoAxis& axis) {
  const double column_width = axis.column_width;
  const double width = kLeft + column_width * static_cast<double>(heights.size()) + 10;
  const double height = kTop + kPlotHeight + kBottom;
  const double span = y_max > y_min ? y_max - y_min : 1;
  const auto y_of = [&](double v) { return kTop + (y_max - v) / span * kPlotHeight; };
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n<title>{}</title>\n"
      "<text x=\"{:.0f}\" y=\"15\" font-size=\"12\" font-weight=\"bold\">{}</text>\n",
      width, height, width, height, escape_html(title), kLeft, escape_html(title));
  // Axis with ticks every axis.tick_step units.
  s += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{0}\" y2=\"{2:.1f}\" stroke=\"#333\"/>\n", kLeft - 4,
                   y_of(y_max), y_of(y_min));
  const double step = axis.tick_step > 0 ? axis.tick_step : 1;
  for (double k = std::ceil(y_min / step - 1e-9); k * step <= y_max + 1e-9 * step; k += 1) {
    const double t = k * step + 0.0;  // no "-0"
    s += fmt::format("<line x1=\"{:.0f}\" y1=\"{:.1f}\" x2=\"{:.0f}\" y2=\"{:.1f}\" stroke=\"#333\"/>"
                     "<text x=\"{:.0f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                     kLeft - 8, y_of(t), kLeft - 4, y_of(t), kLeft - 10, y_of(t) + 4, fmt::format("{:.4g}", t));
  }
  s += fmt::format("<text transform=\"translate(12 {:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                   kTop + kPlotHeight / 2, escape_html(y_label));
  if (y_min < 0)
    s += fmt::format("<line x1=\"{:.0f}\" y1=\"{:.1f}\" x2=\"{:.0f}\" y2=\"{:.1f}\" stroke=\"#999\"/>\n", kLeft,
                     y_of(0), width - 10, y_of(0));
  for (std::size_t i = 0; i < heights.size(); ++i) {
    const double x = kLeft + column_width * static_cast<double>(i);
    std::array<int, 4> order{0, 1, 2, 3};
    std::sort(order.begin(), order.end(),
              [&](int a, int b) { return std::fabs(heights[i][a]) < std::fabs(heights[i][b]); });
    double up = 0, down = 0;
    for (int b : order) {
      const double h = heights[i][static_cast<std::size_t>(b)];
      if (std::fabs(h) < 1e-6) continue;
      const double base = h > 0 ? up : down;
      const double top = base + h;
      (h > 0 ? up : down) = top;
      const double y = y_of(std::max(base, top));
      const double px = std::fabs(h) / span * kPlotHeight;
      s += fmt::format("<path d=\"{}\" fill=\"{}\" fill-rule=\"evenodd\" transform=\"translate({:.2f} {:.2f}) "
                       "scale({:.4f} {:.4f})\"><title>{}: {:.3f}</title></path>\n",
                       kGlyph[b], kColour[b], x + 1, y, (column_width - 2) / 100, px / 100, "ACGT"[b], h);
    }
    if ((i + 1) % static_cast<std::size_t>(std::max(axis.label_every, 1)) == 0 || axis.label_every <= 1)
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">{}</text>\n", x + column_width / 2,
                       kTop + kPlotHeight + 16, i + 1);
  }
  return s + "</svg>\n";
}

std::string information_logo_svg(const Motif& motif, const std::string& title) {
  const std::vector<double> ic = information_content(motif.probs);
  std::vector<Column> heights;
  for (std::size_t i = 0; i < motif.probs.size(); ++i) {
    Column c{};
    for (int b = 0; b < 4; ++b) c[static_cast<std::size_t>(b)] = motif.probs[i][static_cast<std::size_t>(b)] * ic[i];
    heights.push_back(c);
  }
  return logo_svg(heights, 0, 2, "bits", title);
}

std::string weight_heatmap_svg(const ConvFilters& conv, std::int64_t filter, const std::string& title) {
  constexpr double cell = 28, left = 24, top = 24;
  double max_abs = 1e-12;
  for (int c = 0; c < 4; ++c)
    for (std::int64_t j = 0; j < conv.width; ++j) max_abs = std::max(max_abs, std::fabs(double(conv.w(filter, c, j))));
  const double width = left + cell * static_cast<double>(conv.width) + 10, height = top + 4 * cell + 24;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n<title>{}</title>\n"
      "<text x=\"{:.0f}\" y=\"15\" font-size=\"12\" font-weight=\"bold\">{}</text>\n",
      width, height, width, height, escape_html(title), left, escape_html(title));
  for (int c = 0; c < 4; ++c) {
    const double y = top + cell * c;
    s += fmt::format("<text x=\"8\" y=\"{:.1f}\">{}</text>\n", y + cell / 2 + 4, "ACGT"[c]);
    for (std::int64_t j = 0; j < conv.width; ++j) {
      const double w = conv.w(filter, c, j), t = std::fabs(w) / max_abs;
      // White at 0, fading into red (positive) or blue (negative) with |w| / max |w|.
      const auto lerp = [t](int to) { return static_cast<int>(std::lround(255 + (to - 255) * t)); };
      const std::string colour = w >= 0 ? fmt::format("rgb({},{},{})", lerp(214), lerp(40), lerp(57))
                                        : fmt::format("rgb({},{},{})", lerp(37), lerp(92), lerp(153));
      s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#fff\">"
                       "<title>{} at {}: {:.4f}</title></rect>\n",
                       left + cell * static_cast<double>(j), y, cell, cell, colour, "ACGT"[c], j + 1, w);
    }
  }
  for (std::int64_t j = 0; j < conv.width; ++j)
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">{}</text>\n",
                     left + cell * (static_cast<double>(j) + 0.5), top + 4 * cell + 16, j + 1);
  return s + "</svg>\n";
}

}  // namespace dnacnn

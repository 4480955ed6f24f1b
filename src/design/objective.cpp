// Parsing the design objective ("t1 - 0.5*t2") and the constraints, and checking them on codes.
#include "dnacnn/design/objective.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "dnacnn/core/enum_names.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/design/design.hpp"
#include "dnacnn/data/encode.hpp"
#include "dnacnn/data/sequence.hpp"

namespace dnacnn {

namespace {

constexpr std::array<std::string_view, 3> kMethods{"evolve", "beam", "gradient"};
constexpr std::array<std::string_view, 2> kRelaxations{"gumbel", "straight-through"};

}  // namespace

DesignMethod parse_design_method(std::string_view name) { return parse_enum<DesignMethod>(name, kMethods, "--method"); }
std::string_view design_method_name(DesignMethod method) { return enum_name(method, kMethods); }
Relaxation parse_relaxation(std::string_view name) { return parse_enum<Relaxation>(name, kRelaxations, "--relax"); }
std::string_view relaxation_name(Relaxation relaxation) { return enum_name(relaxation, kRelaxations); }

namespace {

struct ObjectiveParser {
  std::string_view text;
  const std::vector<std::string>& targets;
  std::size_t at = 0;

  [[noreturn]] void fail(const std::string& what) const {
    throw UsageError(fmt::format("--objective '{}': {}", text, what));
  }
  void skip_space() {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  }
  std::optional<double> number() {
    skip_space();
    if (at >= text.size() || !(std::isdigit(static_cast<unsigned char>(text[at])) || text[at] == '.')) return std::nullopt;
    const std::string rest(text.substr(at));
    char* end = nullptr;
    const double v = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str() || !std::isfinite(v)) fail("bad number at column " + std::to_string(at + 1));
    at += static_cast<std::size_t>(end - rest.c_str());
    return v;
  }
  // The longest target name at the cursor, or an error naming the word there.
  std::optional<std::size_t> name() {
    skip_space();
    std::optional<std::size_t> best;
    for (std::size_t t = 0; t < targets.size(); ++t)
      if (text.substr(at, targets[t].size()) == targets[t] && (!best || targets[t].size() > targets[*best].size()))
        best = t;
    if (best) {
      at += targets[*best].size();
      return best;
    }
    if (at >= text.size() || !(std::isalpha(static_cast<unsigned char>(text[at])) || text[at] == '_')) return std::nullopt;
    std::size_t end = at;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_' || text[end] == '.'))
      ++end;
    if (end == at) return std::nullopt;
    std::string known;
    for (const auto& t : targets) known += (known.empty() ? "" : ", ") + t;
    throw UsageError(fmt::format("--objective: unknown target '{}' (the model's targets: {})", text.substr(at, end - at), known));
  }
  bool eat(char c) {
    skip_space();
    if (at < text.size() && text[at] == c) {
      ++at;
      return true;
    }
    return false;
  }
  // [number [*]] name [* number] | number
  void term(double sign, Objective& o) {
    double coef = sign;
    const std::optional<double> lead = number();
    if (lead) coef *= *lead;
    const bool star = lead && eat('*');
    const std::optional<std::size_t> t = name();
    if (!t) {
      if (!lead || star) fail("expected a target name at column " + std::to_string(at + 1));
      o.offset += coef;
      return;
    }
    if (eat('*')) {
      const std::optional<double> trail = number();
      if (!trail) fail("expected a number after '*' at column " + std::to_string(at + 1));
      coef *= *trail;
    }
    o.weights[*t] += coef;
  }
};

}  // namespace

bool Objective::single_target() const {
  if (offset != 0) return false;
  int ones = 0;
  for (double w : weights) {
    if (w == 1) ++ones;
    else if (w != 0) return false;
  }
  return ones == 1;
}

Objective parse_objective(std::string_view text, const std::vector<std::string>& targets) {
  Objective o;
  o.weights.assign(targets.size(), 0.0);
  o.text = std::string(text);
  ObjectiveParser p{text, targets};
  p.skip_space();
  if (p.at == text.size()) p.fail("empty");
  double sign = p.eat('-') ? -1 : (p.eat('+'), 1);
  for (;;) {
    p.term(sign, o);
    p.skip_space();
    if (p.at == text.size()) break;
    if (p.eat('+')) sign = 1;
    else if (p.eat('-')) sign = -1;
    else p.fail(fmt::format("unexpected '{}' at column {}", text[p.at], p.at + 1));
  }
  if (std::all_of(o.weights.begin(), o.weights.end(), [](double w) { return w == 0; }))
    p.fail("names no target with a non-zero weight");
  return o;
}

double Goal::score(double s) const { return probability ? 1.0 / (1.0 + std::exp(-s)) : s; }

double Goal::fitness(double score) const {
  switch (goal) {
    case DesignGoal::maximize: return score;
    case DesignGoal::minimize: return -score;
    case DesignGoal::target: return -(score - target) * (score - target);
  }
  return score;
}

std::vector<bool> DesignConstraints::frozen_mask(std::int64_t length) const {
  std::vector<bool> frozen(static_cast<std::size_t>(length), false);
  for (const auto& [b, e] : keep)
    for (std::int64_t p = b; p < std::min(e, length); ++p) frozen[static_cast<std::size_t>(p)] = true;
  return frozen;
}

std::pair<double, double> parse_gc_range(std::string_view text) {
  const auto comma = text.find(',');
  const auto value = [&](std::string_view part) {
    const std::string s(part);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
      throw UsageError(fmt::format("--gc-range takes LO,HI (fractions, e.g. 0.35,0.65), got '{}'", text));
    return v;
  };
  if (comma == std::string_view::npos)
    throw UsageError(fmt::format("--gc-range takes LO,HI (fractions, e.g. 0.35,0.65), got '{}'", text));
  const double lo = value(text.substr(0, comma)), hi = value(text.substr(comma + 1));
  if (lo < 0 || hi > 1 || lo > hi)
    throw UsageError(fmt::format("--gc-range needs 0 <= LO <= HI <= 1, got '{}'", text));
  return {lo, hi};
}

void set_forbidden(DesignConstraints& c, const std::vector<std::string>& motifs) {
  for (std::string m : motifs) {
    std::transform(m.begin(), m.end(), m.begin(), [](char ch) { return static_cast<char>(std::toupper(static_cast<unsigned char>(ch))); });
    if (m.empty() || m.find_first_not_of("ACGT") != std::string::npos)
      throw UsageError(fmt::format("--forbid takes motifs of A, C, G and T, got '{}'", m));
    c.forbid.push_back(m);
    c.forbid_both.push_back(m);
    const std::string rc = reverse_complement(m);
    if (rc != m) c.forbid_both.push_back(rc);
  }
}

std::pair<std::int64_t, std::int64_t> parse_keep(std::string_view text, std::int64_t length) {
  const auto colon = text.find(':');
  const auto whole = [&](std::string_view part) -> std::int64_t {
    if (part.empty() || part.size() > 12 || part.find_first_not_of("0123456789") != std::string_view::npos) return -1;
    return std::stoll(std::string(part));
  };
  const std::int64_t b = colon == std::string_view::npos ? -1 : whole(text.substr(0, colon));
  const std::int64_t e = colon == std::string_view::npos ? -1 : whole(text.substr(colon + 1));
  if (b < 1 || e < b)
    throw UsageError(fmt::format("--keep takes START:END (1-based, inclusive, START <= END), got '{}'", text));
  if (e > length)
    throw UsageError(fmt::format("--keep {}: the sequences have {} bases", text, length));
  return {b - 1, e};
}

std::string gc_range_impossible(std::pair<double, double> range, std::int64_t length) {
  const auto [lo, hi] = range;
  const double n = static_cast<double>(length);
  // The smallest GC count with count/length >= lo (with a tolerance for 0.35 * 20 = 6.999...).
  const auto k = static_cast<std::int64_t>(std::ceil(lo * n - 1e-9));
  if (k <= length && static_cast<double>(k) / n <= hi + 1e-12) return "";
  return fmt::format("--gc-range {},{}: no sequence of {} bases has a GC fraction in it (the nearest are {:.4g} and {:.4g})",
                     lo, hi, length, static_cast<double>(k - 1) / n, static_cast<double>(k) / n);
}

int gc_count(std::span<const std::uint8_t> codes) {
  int n = 0;
  for (std::uint8_t c : codes) n += c == 1 || c == 2;
  return n;
}

namespace {

bool matches_at(std::span<const std::uint8_t> codes, std::int64_t at, const std::string& motif) {
  for (std::size_t j = 0; j < motif.size(); ++j)
    if ("ACGTN"[std::min<int>(codes[static_cast<std::size_t>(at) + j], 4)] != motif[j]) return false;
  return true;
}

}  // namespace

bool forbidden_near(const DesignConstraints& c, std::span<const std::uint8_t> codes, std::int64_t pos) {
  const auto length = static_cast<std::int64_t>(codes.size());
  for (const std::string& m : c.forbid_both) {
    const auto k = static_cast<std::int64_t>(m.size());
    for (std::int64_t at = std::max<std::int64_t>(0, pos - k + 1); at <= std::min(pos, length - k); ++at)
      if (matches_at(codes, at, m)) return true;
  }
  return false;
}

std::string constraint_violation(const DesignConstraints& c, std::span<const std::uint8_t> codes,
                                 std::span<const std::uint8_t> start) {
  const auto length = static_cast<std::int64_t>(codes.size());
  if (c.gc_range) {
    const double gc = static_cast<double>(gc_count(codes)) / static_cast<double>(length);
    if (gc < c.gc_range->first - 1e-9 || gc > c.gc_range->second + 1e-9)
      return fmt::format("GC {:.3g} outside --gc-range {},{}", gc, c.gc_range->first, c.gc_range->second);
  }
  for (const std::string& m : c.forbid_both)
    for (std::int64_t at = 0; at + static_cast<std::int64_t>(m.size()) <= length; ++at)
      if (matches_at(codes, at, m)) return fmt::format("contains forbidden {} at {}", m, at + 1);
  if (!start.empty() && c.max_edits >= 0) {
    std::int64_t edits = 0;
    for (std::size_t i = 0; i < codes.size(); ++i) edits += codes[i] != start[i];
    if (edits > c.max_edits) return fmt::format("{} edits, more than --max-edits {}", edits, c.max_edits);
  }
  return "";
}

std::string codes_to_string(std::span<const std::uint8_t> codes) {
  std::string s(codes.size(), 'N');
  for (std::size_t i = 0; i < codes.size(); ++i) s[i] = "ACGTN"[std::min<int>(codes[i], 4)];
  return s;
}

}  // namespace dnacnn

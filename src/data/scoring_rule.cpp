#include "dnacnn/data/scoring_rule.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <optional>
#include <nlohmann/json.hpp>

#include "dnacnn/core/error.hpp"

namespace dnacnn {

namespace {

using json = nlohmann::json;

bool same_base(char a, char b) {
  return std::toupper(static_cast<unsigned char>(a)) == std::toupper(static_cast<unsigned char>(b));
}

// The occurrence of `m` in `seq` that counts (largest |effect|), or nullptr when there is none.
// Motifs match either case, as base scores do ("tataaaaa" scores like "TATAAAAA").
struct Occurrence {
  double effect = 0;
  const ScoringRule::Zone* zone = nullptr;  // nullptr: outside every zone
};
std::optional<Occurrence> counted_occurrence(const ScoringRule::Motif& m, std::string_view seq) {
  if (m.pattern.empty() || m.pattern.size() > seq.size()) return std::nullopt;
  const double starts = static_cast<double>(seq.size() - m.pattern.size() + 1);
  std::optional<Occurrence> best;
  for (auto it = seq.begin();; ++it) {
    it = std::search(it, seq.end(), m.pattern.begin(), m.pattern.end(), same_base);
    if (it == seq.end()) break;
    const double where = static_cast<double>(it - seq.begin()) / starts;
    Occurrence o{m.effect, nullptr};
    for (const ScoringRule::Zone& z : m.zones)
      if (where >= z.from && where < z.to) {
        o = {z.effect, &z};
        break;
      }
    if (!best || std::abs(o.effect) > std::abs(best->effect)) best = o;
    if (m.zones.empty()) break;  // position-independent: the first occurrence says it all
  }
  return best;
}

double number(const json& j, const char* key, double fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_number() || !std::isfinite(j[key].get<double>()))
    throw Error(fmt::format("{}: \"{}\" must be a finite number", where, key));
  return j[key].get<double>();
}

std::string text(const json& j, const char* key, std::string fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_string()) throw Error(fmt::format("{}: \"{}\" must be a string", where, key));
  return j[key].get<std::string>();
}

std::string zone_name(const ScoringRule::Zone& z) {
  if (!z.name.empty()) return z.name;
  return fmt::format("{:g}-{:g}%", 100 * z.from, 100 * z.to);
}

}  // namespace

ScoringRule ScoringRule::positional() {
  ScoringRule r;
  r.name = "positional";
  r.motifs = {{"TAT", 5, {{0, 1.0 / 3, 20, "first third"}}}, {"GCG", 0, {{2.0 / 3, 1, -10, "last third"}}}};
  return r;
}

double ScoringRule::score(std::string_view seq) const {
  if (seq.empty()) return 0;
  const double mean_base = (base_scores[0] + base_scores[1] + base_scores[2] + base_scores[3]) / 4;
  double sum = 0;
  for (char c : seq) {
    switch (c) {
      case 'A': case 'a': sum += base_scores[0]; break;
      case 'C': case 'c': sum += base_scores[1]; break;
      case 'G': case 'g': sum += base_scores[2]; break;
      case 'T': case 't': sum += base_scores[3]; break;
      default: sum += mean_base;
    }
  }
  double s = sum / static_cast<double>(seq.size());
  for (const Motif& m : motifs)
    if (const auto o = counted_occurrence(m, seq)) s += o->effect;
  return s;
}

std::string ScoringRule::motif_group(std::string_view seq) const {
  std::string group;
  for (const Motif& m : motifs) {
    const auto o = counted_occurrence(m, seq);
    if (!o || o->effect == 0) continue;
    group += (group.empty() ? "" : " + ") + m.pattern;
    if (o->zone) group += "@" + zone_name(*o->zone);
  }
  return group.empty() ? "none" : group;
}

ScoringRule scoring_rule_from_json(const json& j, const std::string& source) {
  if (!j.is_object()) throw Error("a scoring rule must be a JSON object", {source});
  ScoringRule rule;
  rule.name = text(j, "name", std::filesystem::path(source).stem().string(), "the rule");
  if (j.contains("base_scores")) {
    const json& b = j["base_scores"];
    if (!b.is_object()) throw Error("\"base_scores\" must be an object like {\"A\": 20, \"C\": 17, ...}", {source});
    for (const auto& [key, value] : b.items())
      if (key.size() != 1 || std::string_view("ACGT").find(key[0]) == std::string_view::npos)
        throw Error(fmt::format("base_scores: unknown base \"{}\" (use A, C, G, T)", key), {source});
    for (int i = 0; i < 4; ++i) {
      const std::string base(1, "ACGT"[i]);
      rule.base_scores[static_cast<std::size_t>(i)] = number(b, base.c_str(), rule.base_scores[static_cast<std::size_t>(i)], "base_scores");
    }
  }
  if (j.contains("motifs")) {
    if (!j["motifs"].is_array()) throw Error("\"motifs\" must be an array", {source});
    rule.motifs.clear();
    int index = 0;
    for (const json& m : j["motifs"]) {
      const std::string where = fmt::format("motif {}", ++index);
      if (!m.is_object() || !m.contains("pattern") || !m["pattern"].is_string())
        throw Error(where + ": needs a \"pattern\" string", {source});
      ScoringRule::Motif motif{m["pattern"].get<std::string>(), number(m, "effect", 0, where), {}};
      if (motif.pattern.empty() || motif.pattern.find_first_not_of("ACGTacgt") != std::string::npos)
        throw Error(fmt::format("{}: pattern \"{}\" must be one or more of A, C, G, T", where, motif.pattern), {source});
      for (char& c : motif.pattern) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (m.contains("zones")) {
        if (!m["zones"].is_array()) throw Error(where + ": \"zones\" must be an array", {source});
        for (const json& z : m["zones"]) {
          if (!z.is_object()) throw Error(where + ": each zone must be an object", {source});
          ScoringRule::Zone zone{number(z, "from", 0, where), number(z, "to", 1, where), number(z, "effect", 0, where),
                                 text(z, "name", "", where)};
          if (!(zone.from >= 0 && zone.from < zone.to && zone.to <= 1))
            throw Error(where + ": a zone needs 0 <= from < to <= 1 (fractions of the start positions)", {source});
          motif.zones.push_back(zone);
        }
      }
      rule.motifs.push_back(std::move(motif));
    }
  }
  return rule;
}

json scoring_rule_to_json(const ScoringRule& rule) {
  json motifs = json::array();
  for (const auto& m : rule.motifs) {
    json jm = {{"pattern", m.pattern}, {"effect", m.effect}};
    if (!m.zones.empty()) {
      jm["zones"] = json::array();
      for (const auto& z : m.zones) jm["zones"].push_back({{"from", z.from}, {"to", z.to}, {"effect", z.effect}, {"name", zone_name(z)}});
    }
    motifs.push_back(std::move(jm));
  }
  const auto& b = rule.base_scores;
  return {{"name", rule.name}, {"base_scores", {{"A", b[0]}, {"C", b[1]}, {"G", b[2]}, {"T", b[3]}}}, {"motifs", motifs}};
}

std::filesystem::path rule_sidecar_path(const std::filesystem::path& data) {
  std::filesystem::path p = data;
  for (const char* ext : {".gz", ".bgz"})
    if (p.extension() == ext) p.replace_extension();
  for (const char* ext : {".tsv", ".csv", ".txt"})
    if (p.extension() == ext) p.replace_extension();
  return p.string() + ".rule.json";
}

ScoringRule load_scoring_rule(const std::string& name_or_path) {
  if (name_or_path == "notebook") return ScoringRule::notebook();
  if (name_or_path == "positional") return ScoringRule::positional();
  std::ifstream in(name_or_path, std::ios::binary);
  if (!in || std::filesystem::is_directory(name_or_path))
    throw UsageError(fmt::format("--rule: '{}' is neither a preset ({}) nor a readable JSON file", name_or_path,
                                 kScoringRulePresets));
  json j;
  try {
    j = json::parse(in);
  } catch (const json::parse_error& e) {
    throw Error(fmt::format("not valid JSON (byte {})", e.byte), {name_or_path});
  } catch (const json::exception& e) {  // e.g. a number too large for a double (found by make fuzz)
    throw Error(std::string("not valid JSON: ") + e.what(), {name_or_path});
  }
  return scoring_rule_from_json(j, name_or_path);
}

}  // namespace dnacnn

namespace dnacnn {

std::optional<ScoringRule> rule_of_data(const std::filesystem::path& data, const std::string& given) {
  if (!given.empty()) return load_scoring_rule(given);
  const std::filesystem::path sidecar = rule_sidecar_path(data);
  std::error_code ec;
  if (std::filesystem::is_regular_file(sidecar, ec)) return load_scoring_rule(sidecar.string());
  return std::nullopt;
}

}  // namespace dnacnn

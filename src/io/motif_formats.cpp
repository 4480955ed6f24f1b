#include "dnacnn/io/motif_formats.hpp"

#include <fmt/format.h>

#include <cmath>

#include "dnacnn/core/error.hpp"
#include "dnacnn/io/atomic_file.hpp"
#include "dnacnn/io/line_reader.hpp"
#include "dnacnn/io/table.hpp"

namespace dnacnn::io {

std::string format_meme(const std::vector<Motif>& motifs) {
  std::string s =
      "MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\n"
      "Background letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n";
  for (const Motif& m : motifs) {
    s += "MOTIF " + m.id + (m.name.empty() ? "" : " " + m.name) + "\n";
    s += fmt::format("letter-probability matrix: alength= 4 w= {} nsites= {} E= 0\n", m.width(), m.nsites);
    for (const Column& c : m.probs) s += fmt::format(" {:.6f}\t{:.6f}\t{:.6f}\t{:.6f}\n", c[0], c[1], c[2], c[3]);
    s += "\n";
  }
  return s;
}

void write_meme(const std::filesystem::path& path, const std::vector<Motif>& motifs) {
  write_file_atomically(path, format_meme(motifs));
}

namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '[' || line[i] == ']')) ++i;
    const std::size_t start = i;
    while (i < line.size() && !(line[i] == ' ' || line[i] == '\t' || line[i] == '[' || line[i] == ']')) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

double number_at(std::string_view w, const LineReader& in) {
  const auto v = parse_finite_float(w);
  if (!v || *v < 0)
    throw Error("expected a non-negative number, found '" + printable_excerpt(w) + "'", {in.path(), in.line_number()});
  return *v;
}

// Scales each column to sum 1; an all-zero column becomes uniform.
void normalise(std::vector<Column>& cols) {
  for (Column& c : cols) {
    const double total = c[0] + c[1] + c[2] + c[3];
    for (double& v : c) v = total > 0 ? v / total : 0.25;
  }
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<Motif> read_meme(LineReader& in) {
  std::vector<Motif> motifs;
  std::string_view line;
  while (in.next(line)) {
    line = trimmed(line);
    if (line.starts_with("ALPHABET=") && trimmed(line.substr(9)) != "ACGT")
      throw Error("only the DNA alphabet ACGT is supported", {in.path(), in.line_number()});
    if (line.starts_with("MOTIF")) {
      const auto w = words(line);
      if (w.size() < 2) throw Error("MOTIF line without an id", {in.path(), in.line_number()});
      Motif m;
      m.id = std::string(w[1]);
      if (w.size() > 2) m.name = std::string(w[2]);
      motifs.push_back(std::move(m));
      continue;
    }
    if (!line.starts_with("letter-probability matrix")) continue;
    if (motifs.empty() || !motifs.back().probs.empty())
      throw Error("letter-probability matrix outside a MOTIF block", {in.path(), in.line_number()});
    Motif& m = motifs.back();
    double width = -1;
    const auto w = words(line);
    for (std::size_t i = 0; i + 1 < w.size(); ++i) {
      if (w[i] == "w=") width = number_at(w[i + 1], in);
      if (w[i] == "nsites=") {
        const double nsites = number_at(w[i + 1], in);
        if (nsites > 1e15) throw Error("nsites= is out of range", {in.path(), in.line_number()});
        m.nsites = static_cast<long>(nsites);
      }
      if (w[i] == "alength=" && w[i + 1] != "4")
        throw Error("alength must be 4 (ACGT)", {in.path(), in.line_number()});
    }
    if (width < 1 || width > 10000) throw Error("matrix needs a width w= between 1 and 10000", {in.path(), in.line_number()});
    for (long r = 0; r < static_cast<long>(width); ++r) {
      if (!in.next(line)) throw Error("file ends inside the matrix of " + m.id, {in.path(), in.line_number()});
      const auto v = words(line);
      if (v.size() != 4)
        throw Error(fmt::format("matrix row needs 4 numbers, found {}", v.size()), {in.path(), in.line_number()});
      m.probs.push_back({number_at(v[0], in), number_at(v[1], in), number_at(v[2], in), number_at(v[3], in)});
    }
    normalise(m.probs);
  }
  for (const Motif& m : motifs)
    if (m.probs.empty()) throw Error("motif " + m.id + " has no letter-probability matrix", {in.path()});
  return motifs;
}

std::vector<Motif> read_jaspar(LineReader& in, std::string_view first_line) {
  std::vector<Motif> motifs;
  std::string_view line = first_line;
  std::vector<std::vector<double>> rows;
  const auto finish = [&] {
    if (motifs.empty()) return;
    Motif& m = motifs.back();
    if (rows.size() != 4) throw Error("JASPAR motif " + m.id + " needs 4 rows (A, C, G, T)", {in.path(), in.line_number()});
    for (const auto& r : rows)
      if (r.size() != rows[0].size() || r.empty())
        throw Error("JASPAR motif " + m.id + " has rows of different lengths", {in.path(), in.line_number()});
    for (std::size_t j = 0; j < rows[0].size(); ++j) m.probs.push_back({rows[0][j], rows[1][j], rows[2][j], rows[3][j]});
    const double sites = rows[0][0] + rows[1][0] + rows[2][0] + rows[3][0];
    m.nsites = sites < 1e15 ? static_cast<long>(std::lround(sites)) : 0;
    normalise(m.probs);
    rows.clear();
  };
  do {
    line = trimmed(line);
    if (line.empty()) continue;
    if (line.front() == '>') {
      finish();
      const auto w = words(line.substr(1));
      if (w.empty()) throw Error("'>' without a motif id", {in.path(), in.line_number()});
      Motif m;
      m.id = std::string(w[0]);
      if (w.size() > 1) m.name = std::string(w[1]);
      motifs.push_back(std::move(m));
      continue;
    }
    if (motifs.empty()) throw Error("expected a '>ID name' line", {in.path(), in.line_number()});
    auto w = words(line);
    if (!w.empty() && w[0].size() == 1 && std::string_view("ACGT").find(w[0][0]) != std::string_view::npos) {
      if (static_cast<std::size_t>(std::string_view("ACGT").find(w[0][0])) != rows.size())
        throw Error("rows must come in the order A, C, G, T", {in.path(), in.line_number()});
      w.erase(w.begin());
    }
    std::vector<double> row;
    for (auto x : w) row.push_back(number_at(x, in));
    if (rows.size() == 4) throw Error("more than 4 rows in motif " + motifs.back().id, {in.path(), in.line_number()});
    rows.push_back(std::move(row));
  } while (in.next(line));
  finish();
  return motifs;
}

}  // namespace

std::vector<Motif> read_motif_file(const std::filesystem::path& path) {
  LineReader in(path);
  std::string_view line;
  while (in.next(line)) {
    const std::string_view t = trimmed(line);
    if (t.empty()) continue;
    std::vector<Motif> motifs;
    if (t.starts_with("MEME version"))
      motifs = read_meme(in);
    else if (t.front() == '>')
      motifs = read_jaspar(in, t);
    else
      throw Error("not a motif file: expected 'MEME version 4' (MEME) or '>ID name' (JASPAR)", {in.path(), in.line_number()});
    if (motifs.empty()) throw Error("no motifs in the file", {in.path()});
    return motifs;
  }
  throw Error("empty motif file", {in.path()});
}

}  // namespace dnacnn::io

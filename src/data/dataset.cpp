#include "dnacnn/data/dataset.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "data/checked_sequence.hpp"
#include "dnacnn/data/encode.hpp"
#include "dnacnn/core/enum_names.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/io/sequence_reader.hpp"

namespace dnacnn {

namespace {
constexpr std::array<std::string_view, 3> kPadNames{"left", "right", "both"};
}  // namespace

Pad parse_pad(const std::string& name) { return parse_enum<Pad>(name, kPadNames, "--pad"); }
std::string_view pad_name(Pad p) { return enum_name(p, kPadNames); }

std::string fit_length(std::string_view seq, std::int64_t length, Pad pad) {
  const auto n = static_cast<std::int64_t>(seq.size());
  if (n >= length) return std::string(seq.substr(static_cast<std::size_t>((n - length) / 2), static_cast<std::size_t>(length)));
  const std::int64_t missing = length - n;
  const std::int64_t left = pad == Pad::left ? missing : pad == Pad::right ? 0 : missing / 2;
  std::string out(static_cast<std::size_t>(left), 'N');
  out += seq;
  out.append(static_cast<std::size_t>(missing - left), 'N');
  return out;
}

std::vector<float> SequenceData::target_column(std::size_t t) const {
  std::vector<float> out(seqs.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = target(i, t);
  return out;
}

std::int64_t SequenceData::common_length() const {
  if (seqs.empty()) throw Error("no sequences", {source});
  std::map<std::size_t, std::size_t> counts;
  for (const auto& s : seqs) ++counts[s.size()];
  if (counts.size() == 1) return static_cast<std::int64_t>(counts.begin()->first);
  std::string found;
  int shown = 0;
  for (const auto& [len, n] : counts) {
    if (shown++ == 5) {
      found += ", ...";
      break;
    }
    found += (found.empty() ? "" : ", ") + std::to_string(len) + " bp (" + std::to_string(n) + " rows)";
  }
  // Locate the first row whose length differs from the first row's.
  std::size_t odd = 1;
  while (seqs[odd].size() == seqs[0].size()) ++odd;
  throw Error("sequences have different lengths: " + found + "; give --length L to centre-crop or N-pad them to L " +
                  "bases (e.g. --length " + std::to_string(counts.rbegin()->first) + "); this row has " +
                  std::to_string(seqs[odd].size()) + " bp, the first " + std::to_string(seqs[0].size()) + " bp",
              {source, lines.size() > odd ? lines[odd] : 0});
}

std::string checked_sequence(std::string_view seq, const SourceLocation& first) {
  if (seq.empty()) throw Error("empty sequence", first);
  const std::size_t bad = find_invalid_base(seq);
  if (bad != kAllValid) {
    throw Error("invalid base " + describe_char(seq[bad]) + " in sequence (allowed: A, C, G, T, N)",
                {first.file, first.line, first.column + static_cast<long>(bad)});
  }
  std::string s(seq);
  for (char& c : s) c = static_cast<char>(c & ~0x20);  // validated letters: clear the lowercase bit
  return s;
}

std::string input_format(const std::filesystem::path& path, const std::string& format) {
  if (format != "auto") {
    if (format != "tsv" && format != "csv" && format != "fasta")
      throw UsageError("--format must be auto, tsv, csv or fasta, got '" + format + "'");
    return format;
  }
  std::filesystem::path p = path;
  if (p.extension() == ".gz" || p.extension() == ".bgz") p = p.stem();
  const std::string ext = p.extension().string();
  if (ext == ".fa" || ext == ".fasta" || ext == ".fna" || ext == ".fas") return "fasta";
  return ext == ".csv" ? "csv" : "tsv";
}

// Ids name rows in every output (predictions, error analysis): each must be unique.
static void check_unique_ids(const SequenceData& data) {
  std::unordered_map<std::string_view, std::size_t> first_row;
  first_row.reserve(data.ids.size());
  for (std::size_t i = 0; i < data.ids.size(); ++i) {
    const auto [first, inserted] = first_row.emplace(data.ids[i], i);
    if (inserted) continue;
    const long line = i < data.lines.size() ? data.lines[i] : 0;
    const long first_line = first->second < data.lines.size() ? data.lines[first->second] : 0;
    throw Error("duplicate id '" + printable_excerpt(data.ids[i]) + "' (first on line " + std::to_string(first_line) + ")",
                {data.source, line});
  }
}

SequenceData read_sequence_table(const std::filesystem::path& path, const TableOptions& options) {
  io::SequenceReader reader(path, options);
  SequenceData data, batch;
  data.source = reader.source();
  constexpr std::int64_t kBatch = 1 << 16;
  while (reader.read(batch, kBatch) > 0) {
    const auto move_append = [](auto& to, auto& from) {
      to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    };
    move_append(data.ids, batch.ids);
    move_append(data.seqs, batch.seqs);
    move_append(data.targets, batch.targets);
    move_append(data.lines, batch.lines);
    move_append(data.given_split, batch.given_split);
    data.cropped += batch.cropped;
    data.padded += batch.padded;
  }
  data.target_names = reader.target_names();
  if (data.seqs.empty())
    throw Error(input_format(path, options.format) == "fasta" ? "no FASTA records" : "no data rows after the header",
                {data.source});
  check_unique_ids(data);
  return data;
}

SequenceData sequences_from_strings(const std::vector<std::string>& seqs, const std::string& source) {
  SequenceData data;
  data.source = source;
  long n = 0;
  for (const auto& s : seqs) {
    ++n;
    if (s.empty()) throw Error("empty sequence", {source, n});  // a whole line: no column
    data.seqs.push_back(checked_sequence(s, {source, n, 1}));
    data.lines.push_back(n);
  }
  return data;
}

BaseCodes encode_codes(const SequenceData& data, std::int64_t length, const std::vector<std::int64_t>& rows) {
  BaseCodes out;
  out.rows = rows.empty() ? data.size() : static_cast<std::int64_t>(rows.size());
  out.length = length;
  out.codes.reserve(static_cast<std::size_t>(out.rows * length));
  for (std::int64_t r = 0; r < out.rows; ++r) {
    const auto row = static_cast<std::size_t>(rows.empty() ? r : rows[static_cast<std::size_t>(r)]);
    const std::string& s = data.seqs[row];
    if (static_cast<std::int64_t>(s.size()) != length) {
      throw Error("sequence has " + std::to_string(s.size()) + " bases, the model expects " +
                      std::to_string(length) + " (--fit crop or --fit windows predict other lengths; or train with --length)",
                  {data.source, data.lines.empty() ? 0 : data.lines[row]});
    }
    append_codes(s, out.codes);
  }
  return out;
}

}  // namespace dnacnn

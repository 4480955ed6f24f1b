#include "dnacnn/dataset.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "dnacnn/encode.hpp"
#include "dnacnn/error.hpp"
#include "dnacnn/io/table.hpp"

namespace dnacnn {

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
  std::size_t odd = 1;
  while (seqs[odd].size() == seqs[0].size()) ++odd;
  throw Error("sequences have different lengths: " + found + "; this row has " + std::to_string(seqs[odd].size()) +
                  " bp, the first " + std::to_string(seqs[0].size()) + " bp (all sequences of a data set must have one length)",
              {source, lines.size() > odd ? lines[odd] : 0});
}

// A validated, upper-case copy of `seq`; `first` locates its first base for error messages.
static std::string checked_sequence(std::string_view seq, const SourceLocation& first) {
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

static std::optional<std::size_t> target_column(const io::TableReader& table, const TableOptions& options,
                                                std::size_t seq_col) {
  if (!options.target_col.empty()) return table.require_column(options.target_col);
  for (std::size_t i = 0; i < table.header().size(); ++i)
    if (i != seq_col && table.header()[i] != options.id_col) return i;
  if (options.require_target) {
    throw Error("no target column: the table has only '" + options.seq_col + "'" +
                    " (add a column of numbers, e.g. 'score')",
                {table.path(), 1});
  }
  return std::nullopt;
}

SequenceData read_sequence_table(const std::filesystem::path& path, const TableOptions& options) {
  io::TableReader table(path, io::delimiter_for(path));
  const std::size_t seq_col = table.require_column(options.seq_col);
  const std::optional<std::size_t> id_col = table.find_column(options.id_col);
  const std::optional<std::size_t> target_col = target_column(table, options, seq_col);

  SequenceData data;
  data.source = table.path();
  if (target_col) data.target_name = table.header()[*target_col];
  std::unordered_map<std::string, long> id_lines;  // ids name outputs: each must be unique
  while (table.next()) {
    data.seqs.push_back(
        checked_sequence(table.field(seq_col), {table.path(), table.line_number(), table.column_of(seq_col)}));
    data.lines.push_back(table.line_number());
    if (id_col) {
      const auto [first, inserted] = id_lines.emplace(table.field(*id_col), table.line_number());
      if (!inserted)
        throw Error("duplicate id '" + printable_excerpt(table.field(*id_col)) + "' (first on line " +
                        std::to_string(first->second) + ")",
                    {table.path(), table.line_number(), table.column_of(*id_col)});
      data.ids.emplace_back(table.field(*id_col));
    }
    if (target_col) {
      const auto value = io::parse_finite_float(table.field(*target_col));
      if (!value) {
        throw Error("target '" + printable_excerpt(data.target_name) + "' is not a finite number: '" +
                        printable_excerpt(table.field(*target_col)) + "'",
                    {table.path(), table.line_number(), table.column_of(*target_col)});
      }
      data.targets.push_back(*value);
    }
  }
  if (data.seqs.empty()) throw Error("no data rows after the header", {data.source});
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

EncodedSequences encode_sequences(const SequenceData& data, std::int64_t length,
                                  const std::vector<std::int64_t>& rows) {
  EncodedSequences out;
  out.rows = rows.empty() ? data.size() : static_cast<std::int64_t>(rows.size());
  out.length = length;
  out.values.resize(static_cast<std::size_t>(out.rows * length * kChannels));
  for (std::int64_t r = 0; r < out.rows; ++r) {
    const auto row = static_cast<std::size_t>(rows.empty() ? r : rows[static_cast<std::size_t>(r)]);
    const std::string& s = data.seqs[row];
    if (static_cast<std::int64_t>(s.size()) != length) {
      throw Error("sequence has " + std::to_string(s.size()) + " bases, the model expects " +
                      std::to_string(length),
                  {data.source, data.lines.empty() ? 0 : data.lines[row]});
    }
    one_hot_encode(s, out.values.data() + static_cast<std::size_t>(r * length * kChannels));
  }
  return out;
}

}  // namespace dnacnn

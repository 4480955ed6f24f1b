#include "dnacnn/io/sequence_reader.hpp"

#include <optional>
#include <unordered_map>

#include "data/checked_sequence.hpp"
#include "dnacnn/core/error.hpp"
#include "dnacnn/io/fasta.hpp"
#include "dnacnn/io/table.hpp"

namespace dnacnn::io {
namespace {

Split parse_split(std::string_view value, const SourceLocation& where) {
  if (value == "train") return Split::train;
  if (value == "val") return Split::val;
  if (value == "test") return Split::test;
  throw Error("split value '" + std::string(value.substr(0, 40)) + "' is not train, val or test", where);
}

// Which columns of a table hold what: sequence (tables only), id, split and targets.
struct Columns {
  std::optional<std::size_t> seq, id, split;
  std::optional<std::size_t> row_names;  // R's write.csv/write.table: an unnamed first column
  std::vector<std::size_t> targets;
  bool targets_chosen = false;  // default targets are chosen on the first data row
};

Columns find_columns(const TableReader& table, const TableOptions& o, bool need_seq, bool want_targets) {
  Columns c;
  if (need_seq) c.seq = table.require_column(o.seq_col);
  c.id = need_seq ? table.find_column(o.id_col) : std::optional(table.require_column(o.id_col));
  if (!o.split_col.empty()) c.split = table.require_column(o.split_col);
  // R writes row names as a first column with an empty name: they are ids, never a target.
  if (table.header().size() > 1 && table.header().front().empty()) {
    c.row_names = 0;
    if (need_seq && !c.id) c.id = 0;
  }
  if (!want_targets) {
    c.targets_chosen = true;
  } else if (!o.target_cols.empty()) {
    for (const auto& name : o.target_cols) c.targets.push_back(table.require_column(name));
    c.targets_chosen = true;
  }
  return c;
}

// Default targets: every column of numbers on the first data row but the sequence, id and split.
// When the table has just one other column, it is the target whatever it holds: a bad first value
// is then reported at its cell rather than as a missing column.
void choose_targets(Columns& c, const TableReader& table, const TableOptions& o) {
  c.targets_chosen = true;
  std::vector<std::size_t> others;
  for (std::size_t i = 0; i < table.header().size(); ++i) {
    if (i == c.seq || i == c.id || i == c.split || i == c.row_names) continue;
    others.push_back(i);
    if (parse_finite_float(table.field(i))) c.targets.push_back(i);
  }
  if (!c.targets.empty() || !o.require_target) return;
  if (others.size() == 1) {
    c.targets = others;
    return;
  }
  if (others.empty())
    throw Error("no target column: the header has no column besides '" + o.seq_col +
                    "' (add a column of numbers, e.g. 'score')",
                {table.path(), 1});
  throw Error("no target column: no column but '" + o.seq_col + "'" + " holds numbers" +
                  " (add a column of numbers, e.g. 'score', or name it with --target-col)",
              {table.path(), table.line_number()});
}

void read_targets(const Columns& c, const TableReader& table, std::vector<float>& out) {
  for (std::size_t i : c.targets) {
    const auto value = parse_finite_float(table.field(i));
    if (!value)
      throw Error("target '" + table.header()[i] + "' is not a finite number: '" +
                      std::string(table.field(i).substr(0, 40)) + "'",
                  {table.path(), table.line_number(), table.column_of(i)});
    out.push_back(*value);
  }
}

std::vector<std::string> names_of(const Columns& c, const TableReader& table) {
  std::vector<std::string> names;
  for (std::size_t i : c.targets) names.push_back(table.header()[i]);
  return names;
}

// FASTA targets (and split): the labels table, by record id.
struct Labels {
  std::vector<std::string> target_names;
  std::unordered_map<std::string, std::pair<std::vector<float>, std::optional<Split>>> by_id;
  std::string path;
};

Labels read_labels(const std::filesystem::path& path, const TableOptions& o) {
  TableReader table(path, input_format(path) == "csv" ? ',' : '\t');
  Columns c = find_columns(table, o, /*need_seq=*/false, /*want_targets=*/true);
  Labels labels;
  labels.path = table.path();
  while (table.next()) {
    if (!c.targets_chosen) choose_targets(c, table, o);
    auto [it, inserted] = labels.by_id.try_emplace(std::string(table.field(*c.id)));
    auto& entry = it->second;
    if (!inserted)
      throw Error("id '" + std::string(table.field(*c.id)) + "' occurs twice", {table.path(), table.line_number()});
    read_targets(c, table, entry.first);
    if (c.split) entry.second = parse_split(table.field(*c.split), {table.path(), table.line_number(), table.column_of(*c.split)});
  }
  labels.target_names = names_of(c, table);
  return labels;
}

}  // namespace

struct SequenceReader::Impl {
  TableOptions options;
  std::string source;
  bool want_targets = true;
  std::vector<std::string> target_names;
  // Tables
  std::optional<TableReader> table;
  Columns columns;
  // FASTA
  std::optional<FastaReader> fasta;
  std::optional<Labels> labels;
  FastaRecord record;

  // Appends one row; false at the end.
  bool read_row(SequenceData& b) {
    long line = 0;
    if (table) {
      if (!table->next()) return false;
      if (!columns.targets_chosen) {
        choose_targets(columns, *table, options);
        target_names = names_of(columns, *table);
        b.target_names = target_names;
      }
      line = table->line_number();
      b.seqs.push_back(checked_sequence(table->field(*columns.seq), {source, line, table->column_of(*columns.seq)}));
      if (columns.id) b.ids.emplace_back(table->field(*columns.id));
      read_targets(columns, *table, b.targets);
      if (columns.split)
        b.given_split.push_back(parse_split(table->field(*columns.split), {source, line, table->column_of(*columns.split)}));
    } else {
      if (!fasta->next(record)) return false;
      line = record.line;
      b.seqs.push_back(std::move(record.seq));
      b.ids.push_back(record.id);
      if (labels) {
        const auto it = labels->by_id.find(record.id);
        if (it == labels->by_id.end())
          throw Error("record '" + record.id + "' has no row in the labels " + labels->path, {source, line});
        b.targets.insert(b.targets.end(), it->second.first.begin(), it->second.first.end());
        if (it->second.second) b.given_split.push_back(*it->second.second);
      }
    }
    b.lines.push_back(line);
    if (options.length > 0 && static_cast<std::int64_t>(b.seqs.back().size()) != options.length) {
      std::string& s = b.seqs.back();
      ++(static_cast<std::int64_t>(s.size()) > options.length ? b.cropped : b.padded);
      s = fit_length(s, options.length, options.pad);
    }
    return true;
  }
};

SequenceReader::SequenceReader(const std::filesystem::path& path, const TableOptions& options)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.options = options;
  m.want_targets = !options.target_cols.empty() || options.require_target || !options.labels.empty();
  const std::string format = input_format(path, options.format);
  if (format == "fasta") {
    if (options.require_target && options.labels.empty())
      throw Error("a FASTA file holds no targets: give them with --labels labels.tsv (columns '" + options.id_col +
                      "' and one per target)",
                  {path.string()}, kExitUsageError);
    m.fasta.emplace(path);
    m.source = m.fasta->path();
    if (!options.labels.empty()) {
      m.labels = read_labels(options.labels, options);
      m.target_names = m.labels->target_names;
    }
  } else {
    m.table.emplace(path, format == "csv" ? ',' : '\t');
    m.source = m.table->path();
    m.columns = find_columns(*m.table, options, /*need_seq=*/true, m.want_targets);
    m.target_names = names_of(m.columns, *m.table);
  }
}

SequenceReader::~SequenceReader() = default;

std::int64_t SequenceReader::read(SequenceData& batch, std::int64_t max_rows) {
  batch.source = impl_->source;
  batch.ids.clear();
  batch.seqs.clear();
  batch.targets.clear();
  batch.lines.clear();
  batch.given_split.clear();
  batch.cropped = batch.padded = 0;
  batch.target_names = impl_->target_names;
  std::int64_t n = 0;
  while (n < max_rows && impl_->read_row(batch)) ++n;
  return n;
}

const std::vector<std::string>& SequenceReader::target_names() const { return impl_->target_names; }
bool SequenceReader::has_ids() const { return impl_->fasta || impl_->columns.id; }
const std::string& SequenceReader::source() const { return impl_->source; }

}  // namespace dnacnn::io

// A data set: sequences with their targets, read from a table or FASTA file, and one-hot encoded.
#pragma once
#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "dnacnn/data/encode.hpp"
#include "dnacnn/data/split.hpp"

namespace dnacnn {

// How sequences of another length are brought to the input length: centre-cropped when longer,
// N-padded when shorter, the padding on the left, the right or split over both ends.
enum class Pad { left, right, both };
Pad parse_pad(const std::string& name);  // UsageError for anything but left, right, both
std::string_view pad_name(Pad p);

// `seq` centre-cropped or N-padded to `length` bases.
std::string fit_length(std::string_view seq, std::int64_t length, Pad pad);

struct TableOptions {
  std::string format = "auto";  // auto (by extension), tsv, csv or fasta
  std::string seq_col = "seq";
  std::string id_col = "id";    // optional: used when present
  // Empty: every column whose first value is a number, except the sequence, id and split columns.
  std::vector<std::string> target_cols{};
  std::filesystem::path labels{};  // FASTA: a table of targets joined on the record id (id column: id_col)
  std::string split_col{};       // a column of train/val/test (in the table, or in the labels of a FASTA file)
  std::int64_t length = 0;       // > 0: fit every sequence to this length
  Pad pad = Pad::both;
  // false for predict: default target columns are not looked for (last, for {.require_target = false})
  bool require_target = true;
};
// How the data were read, so that a resumed run reads the same rows the same way (checkpoints).
void to_json(nlohmann::json& j, const TableOptions& options);
void from_json(const nlohmann::json& j, TableOptions& options);

struct SequenceData {
  std::string source;                    // file it came from, for messages
  std::vector<std::string> ids;          // empty when the input has no ids
  std::vector<std::string> seqs;         // validated, upper-case
  std::vector<float> targets;            // rows x target_names.size(), row-major; empty without targets
  std::vector<std::string> target_names{"score"};  // one name per target column
  std::vector<long> lines;               // line of each row in the source file
  // A split given with the data (--split-col), one per row; empty: train_model splits at random.
  std::vector<Split> given_split;
  std::int64_t cropped = 0, padded = 0;  // rows brought to the input length
  // Profile targets (--profile): per row, per target, `profile_length` observed counts over the
  // window's centre (targets then hold log(1 + their sum)). Empty otherwise.
  std::vector<float> profiles;
  std::int64_t profile_length = 0;

  std::int64_t size() const { return static_cast<std::int64_t>(seqs.size()); }
  bool has_targets() const { return !targets.empty(); }
  bool has_profiles() const { return profile_length > 0; }
  std::size_t n_targets() const { return target_names.size(); }
  float target(std::size_t row, std::size_t t = 0) const { return targets[row * target_names.size() + t]; }
  // One target's column.
  std::vector<float> target_column(std::size_t t) const;
  // The length all sequences share. Throws Error naming the lengths found when they differ.
  std::int64_t common_length() const;
};

// "fasta", "csv" or "tsv" for a path (a trailing .gz/.bgz is ignored), or `format` when it is not "auto".
std::string input_format(const std::filesystem::path& path, const std::string& format = "auto");

// Reads a whole TSV/CSV table (with a header) or FASTA file, plain, gzip or bgzip. Every sequence is
// checked: a character other than ACGTN (either case) is an Error at file:line:column; so is an
// empty sequence or a target that is not a finite number. An empty input is an Error.
SequenceData read_sequence_table(const std::filesystem::path& path, const TableOptions& options = {});

// Sequences given on the command line or in code (e.g. the demo's spot checks).
SequenceData sequences_from_strings(const std::vector<std::string>& seqs, const std::string& source);

// The base codes of the given rows (all when `rows` is empty), the input every model reads.
// Sequences must have `length` bases (an Error naming the row's line otherwise).
BaseCodes encode_codes(const SequenceData& data, std::int64_t length, const std::vector<std::int64_t>& rows = {});

}  // namespace dnacnn

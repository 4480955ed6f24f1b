// A data set: sequences with their targets, read from a table and one-hot encoded as a block.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dnacnn/split.hpp"

namespace dnacnn {

struct TableOptions {
  std::string seq_col = "seq";
  std::string id_col = "id";   // optional: used when present
  std::string target_col;      // empty: the first column that is not the sequence or the id
  bool require_target = true;  // false for predict: targets are read when present
};

struct SequenceData {
  std::string source;                // file it came from, for messages
  std::vector<std::string> ids;      // empty when the table has no id column
  std::vector<std::string> seqs;     // validated, upper-case
  std::vector<float> targets;        // empty when there is no target column
  std::string target_name = "score";
  std::vector<long> lines;           // line of each row in the source file
  std::vector<Split> given_split;    // per row, when the user chose the split; empty = random split

  std::int64_t size() const { return static_cast<std::int64_t>(seqs.size()); }
  bool has_targets() const { return !targets.empty(); }
  // The length all sequences share. Throws Error naming the lengths found when they differ.
  std::int64_t common_length() const;
};

// Reads a TSV/CSV table (plain or gzip) with a header. Every sequence is checked: a character
// other than ACGTN (either case) is an Error at file:line:column; so is an empty sequence or
// a target that is not a finite number. An empty table is an Error.
SequenceData read_sequence_table(const std::filesystem::path& path, const TableOptions& options = {});

// Sequences given on the command line or in code (e.g. the demo's spot checks).
SequenceData sequences_from_strings(const std::vector<std::string>& seqs, const std::string& source);

// rows x length x 4 floats, position-major (see encode.hpp).
struct EncodedSequences {
  std::int64_t rows = 0;
  std::int64_t length = 0;
  std::vector<float> values;
};

// Encodes the given rows (all when `rows` is empty). Sequences must have `length` bases.
EncodedSequences encode_sequences(const SequenceData& data, std::int64_t length,
                                  const std::vector<std::int64_t>& rows = {});

}  // namespace dnacnn

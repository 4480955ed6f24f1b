// Sequence inputs read a batch at a time, so that predicting millions of sequences needs the
// memory of one batch: TSV/CSV tables and FASTA files (optionally with a labels table).
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>

#include "dnacnn/data/dataset.hpp"

namespace dnacnn::io {

class SequenceReader {
 public:
  // Opens the input and reads its header (tables) or the labels (FASTA). Throws Error.
  SequenceReader(const std::filesystem::path& path, const TableOptions& options);
  ~SequenceReader();
  SequenceReader(const SequenceReader&) = delete;
  SequenceReader& operator=(const SequenceReader&) = delete;

  // Replaces `batch`'s rows with the next up to `max_rows` records (source, target names kept).
  // Returns the number read; 0 at the end.
  std::int64_t read(SequenceData& batch, std::int64_t max_rows);
  const std::vector<std::string>& target_names() const;
  bool has_ids() const;
  const std::string& source() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dnacnn::io

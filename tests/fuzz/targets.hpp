// The parsers' fuzz entry points: one function per input format, taking arbitrary bytes. Each
// may only end normally or with dnacnn::Error; anything else (a crash, another exception, a
// sanitizer report) is a bug. libFuzzer drives them (fuzzer.cpp, `make fuzz`); the unit tests
// replay the seed corpus and every saved crash (tests/fuzz/regressions/) through them.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dnacnn::fuzz {

void sequence_table(std::string_view bytes);  // TSV/CSV/gzip tables (first byte picks options)
void motif_file(std::string_view bytes);      // MEME / JASPAR
void safetensors(std::string_view bytes);     // weights files
void model_config(std::string_view bytes);    // model/config.json
void checkpoint(std::string_view bytes);      // RUN/checkpoint.safetensors
void rule_file(std::string_view bytes);       // simulate --rule FILE.json (scoring rules)
void fasta(std::string_view bytes);           // FASTA records (plain or gzip), as predict/scan --in read them
void bed(std::string_view bytes);             // BED / narrowPeak, plain or gzip, and its column names
void vcf(std::string_view bytes);             // VCF / BCF, plain or bgzip, for `variants`
void genome(std::string_view bytes);          // --genome FASTA: its .fai built by htslib, then fetches
void genome_index(std::string_view bytes);    // a user's .fai beside a fixed genome FASTA
void two_bit(std::string_view bytes);         // --genome g.2bit: header, index, records, fetches
void intervals(std::string_view bytes);       // train --bed over a fixed genome (first byte picks options)
void model_spec(std::string_view bytes);      // train --model FILE.json: layers, checked at several lengths
void run_config(std::string_view bytes);      // train --config FILE: run.json or hand-written, then validated
void attributions(std::string_view bytes);    // discover --attributions: attributions.tsv, then the whole engine
void bigwig_regions(std::string_view bytes);  // train --bed R --bigwig over a fixed genome and track (first byte: options)
void bam_coverage(std::string_view bytes);    // coverage from SAM records or fragments (first byte: options)

struct Target {
  std::string name;  // also the corpus directory name
  std::function<void(std::string_view)> run;
};
const std::vector<Target>& targets();

}  // namespace dnacnn::fuzz

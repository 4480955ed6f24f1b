// Targets from signal tracks: bigWig values over each window, aggregated to one number per track
// (train/evaluate --bigwig with --target sum|mean|max).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dnacnn/data/intervals.hpp"
#include "dnacnn/io/bigwig.hpp"

namespace dnacnn {

// One bigWig file, one target.
struct SignalTrack {
  std::string name;
  std::filesystem::path file;
};

// --bigwig values: "sig.bw" is one track named "sig"; "sig.plus.bw,sig.minus.bw" a stranded pair,
// two tracks "sig+" and "sig-" (a trailing .plus/.minus, _pos/_neg, _fwd/_rev or +/- is the
// strand's part of the name). UsageError for anything else or for two tracks of one name.
std::vector<SignalTrack> parse_bigwig_tracks(const std::vector<std::string>& specs);

// profile (--profile): the per-base values themselves, with log(1 + sum) as each track's target.
enum class SignalAggregate { sum, mean, max, profile };
SignalAggregate parse_signal_aggregate(const std::string& name);  // sum, mean or max; UsageError for others

// The per-base values count over each window's central `output_length` bases (0: all of it);
// mean and max take the zeros (gaps in the track) into account, as numpy does on a filled array.
struct SignalTargets {
  std::vector<std::string> names;  // one per track
  std::vector<float> values;       // windows x tracks, row-major
  std::vector<float> profiles;     // profile: windows x tracks x bases, row-major (else empty)
  io::ZeroFill fill;               // bases filled with zeros, over all tracks
};
// Every track must match the genome's chromosome sizes (BigWigReader::check_sizes).
SignalTargets read_signal_targets(const std::vector<SignalTrack>& tracks, const std::vector<Interval>& windows,
                                  SignalAggregate aggregate, std::int64_t output_length, const io::Genome& genome);

// The log line for zero-filled bases: "N bases missing/NaN filled with zeros (...)".
std::string zero_fill_note(const io::ZeroFill& fill);

// Notes that reading data leaves for the command's log (stderr, unless --quiet), such as the
// zero-fill line: read_interval_data adds them, train and evaluate print and clear them. A side
// channel rather than a SequenceData member, which every stage's headers would then recompile for.
void add_data_note(std::string note);
std::vector<std::string> take_data_notes();

}  // namespace dnacnn

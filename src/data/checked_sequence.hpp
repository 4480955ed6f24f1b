// The one check every sequence passes, wherever it comes from (tables, FASTA, code).
#pragma once
#include <string>
#include <string_view>

#include "dnacnn/core/error.hpp"

namespace dnacnn {

// A validated, upper-case copy of `seq`; `first` locates its first base for error messages.
std::string checked_sequence(std::string_view seq, const SourceLocation& first);

}  // namespace dnacnn

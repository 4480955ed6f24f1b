// Motif files: MEME minimal motif format (version 4) and JASPAR count matrices.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "dnacnn/interpret/motifs.hpp"

namespace dnacnn::io {

// MEME minimal format v4: ACGT alphabet, uniform background, one `MOTIF id [name]` block with a
// `letter-probability matrix: alength= 4 w= W nsites= N E= 0` header per motif.
std::string format_meme(const std::vector<Motif>& motifs);
void write_meme(const std::filesystem::path& path, const std::vector<Motif>& motifs);

// Reads a MEME file (any version 4 minimal file; rows are renormalised) or a JASPAR file
// (`>ID name` then four rows `A [ counts ]`, or bare rows of numbers), chosen by content.
// Malformed input is an Error at file:line.
std::vector<Motif> read_motif_file(const std::filesystem::path& path);

}  // namespace dnacnn::io

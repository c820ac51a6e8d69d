#pragma once
// Protein Data Bank (.pdb, .ent) coordinate files.
//
// Reading: ATOM/HETATM records (fixed columns, coordinates in Å converted to nm), CRYST1 (a, b, c,
// alpha, beta, gamma converted to GROMACS's lower-triangular box exactly as gmx does), TITLE.
// Only the first MODEL is read (reading stops at ENDMDL or END); a MODEL without ENDMDL is taken
// for a truncated file (InputError). Of alternate locations, each atom (chain, residue number,
// insertion code, name) keeps the first record seen, i.e. blank or the first altLoc letter.
// CRYST1 1 1 1 90 90 90, the PDB's placeholder for "no unit cell", gives no box. Atom serials (columns 7-11) and residue numbers (23-26) may be
// hybrid-36 encoded (serials above 99,999: A0000..., then a0000...; residue numbers above 9,999:
// A000...), as written by many tools for large systems; serials written as "*****" or left blank
// are accepted and numbered on from the previous atom. The element comes from columns 77-78, or is
// guessed from the atom name when that column is blank.
//
// Writing: TITLE, CRYST1 from the box (if periodic), ATOM/HETATM with hybrid-36 numbers where the
// decimal columns are too narrow, TER after each chain, END. Files are written atomically.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "proteinmd/io/coordinate_frame.h"

namespace proteinmd {

// Parses PDB text held in memory; fileName is used only in error messages.
CoordinateFrame parsePdb(std::string_view text, const std::string& fileName);
CoordinateFrame readPdb(const std::filesystem::path& path);

// The PDB text of a frame. Atoms are numbered 1..N in file order (hybrid-36 above 99,999).
// Throws SetupError if the frame is inconsistent or a value does not fit its column.
std::string formatPdb(const CoordinateFrame& frame);
// Writes formatPdb() atomically (temporary file renamed into place). Throws Error on I/O failure.
void writePdb(const std::filesystem::path& path, const CoordinateFrame& frame);

// Hybrid-36 numbers (Grosse-Kunstleve's scheme used by the PDB community): width 5 for atom
// serials, 4 for residue numbers. Decimal up to 10^width - 1, then upper-case base-36 codes starting
// at "A000..", then lower-case codes starting at "a000..".
// encodeHybrid36 returns std::nullopt if the value is out of range for the width.
std::optional<std::string> encodeHybrid36(int width, long long value);
// decodeHybrid36 takes the field as found (may be right-justified with blanks); nullopt if invalid.
std::optional<long long> decodeHybrid36(int width, std::string_view field);

} // namespace proteinmd

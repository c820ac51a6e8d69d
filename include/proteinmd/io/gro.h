#pragma once
// GROMACS .gro coordinate files.
//
// Reading follows gmx: the title line, the atom count, one fixed-column line per atom
// (%5d residue number, %-5s residue name, %5s atom name, %5d atom number, then x y z and optionally
// vx vy vz), and a free-format box line. The field width of the numbers is deduced, as gmx does, from
// the distance between the decimal points of the first coordinate line, so files written with any
// precision (e.g. 4 decimals in 9-character fields) are read exactly. The box line holds 3 numbers
// (rectangular) or 9 (v1x v2y v3z v1y v1z v2x v2z v3x v3y; GROMACS lower-triangular form); an all-zero
// box means no box. Only the first frame of a multi-frame file is read.
//
// Writing uses the fixed format of gmx with a chosen precision: coordinates %{p+5}.{p}f, velocities
// %{p+5}.{p+1}f, residue and atom numbers modulo 100000, box %10.5f. Files are written atomically.

#include <filesystem>
#include <string>
#include <string_view>

#include "proteinmd/io/coordinate_frame.h"

namespace proteinmd {

// Parses .gro text held in memory; fileName is used only in error messages.
CoordinateFrame parseGro(std::string_view text, const std::string& fileName);
CoordinateFrame readGro(const std::filesystem::path& path);

// The .gro text of a frame. precision = decimals of the coordinates (1..10).
// Throws SetupError if the frame is inconsistent (sizes) or a name does not fit its column.
std::string formatGro(const CoordinateFrame& frame, int precision = 3);
// Writes formatGro() to path through a temporary file in the same folder renamed into place,
// so a reader never sees a half-written file. Throws Error if the file cannot be written.
void writeGro(const std::filesystem::path& path, const CoordinateFrame& frame, int precision = 3);

} // namespace proteinmd

#pragma once
// The coordinate compression of GROMACS .xtc files (internal): the xdr3dfcoord scheme of
// Frans van Hoesel's xdrf library, as used by GROMACS, MDAnalysis, mdtraj and VMD.
//
// Coordinates are scaled by `precision` and rounded to integers. The first atom of each group is
// stored with enough bits for the bounding box of the frame (three integers packed into one big
// number); following atoms that are close to their predecessor are stored as small differences,
// in runs of up to 8 atoms, with the size of the differences adapted from a table of "magic"
// integers (each ~2^(1/3) times the previous, so three of them pack into a whole number of bits).
// When the second atom of a pair is close to the first (water O-H), the two are swapped so the run
// starts from the hydrogen. Frames of at most 9 atoms are stored as plain floats.

#include <span>
#include <string>

#include "io/xdr.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd::detail {

// Appends the coordinate block of one frame (atom count, then floats or compressed data) to out.
// Throws SetupError if precision is not positive or a scaled coordinate does not fit in an int.
void encodeXtcCoordinates(std::span<const Vec3f> x, float precision, XdrEncoder& out);

// Reads the coordinate block of one frame into x (whose size is the expected atom count).
// Returns the precision (-1 for uncompressed small frames). On malformed or short data returns
// false and sets `problem` to what was wrong.
bool decodeXtcCoordinates(XdrDecoder& in, std::span<Vec3f> x, float& precision, std::string& problem);

// Skips the coordinate block of one frame without decoding it; false (with `problem`) if malformed.
bool skipXtcCoordinates(XdrDecoder& in, int numAtoms, std::string& problem);

} // namespace proteinmd::detail

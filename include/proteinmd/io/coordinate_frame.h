#pragma once
// One frame of a coordinate file (.gro, .pdb) in a common in-memory form: per-atom names and
// residue information, positions (nm), optional velocities (nm/ps) and the periodic box.
// Readers fill it from any supported format, so the rest of the engine never sees file layouts.

#include <filesystem>
#include <string>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

struct AtomRecord {
    std::string name;          // atom name, trimmed ("CA", "HH31")
    std::string residueName;   // trimmed ("ALA")
    std::string chainId;       // PDB chain identifier; empty if none (.gro has none)
    std::string element;       // symbol in standard case ("C", "Cl"); empty if unknown
    std::string insertionCode; // PDB insertion code; empty if none
    int residueNumber = 0;     // as written in the file (.gro numbers wrap at 100000)
    int serial = 0;            // atom number as written in the file (.gro numbers wrap at 100000)
    bool hetero = false;       // PDB HETATM
    double occupancy = 1;
    double bFactor = 0;
};

struct CoordinateFrame {
    std::string title;
    std::vector<AtomRecord> atoms;
    std::vector<Vec3> positions;  // nm
    std::vector<Vec3> velocities; // nm/ps, empty if absent
    Box box;                      // non-periodic if the file has none

    int numAtoms() const { return static_cast<int>(positions.size()); }
};

// Reads a coordinate file, choosing the format from the extension (case-insensitive):
// .gro (GROMACS), .pdb/.ent (PDB). Throws InputError for other extensions and for bad content.
CoordinateFrame readCoordinates(const std::filesystem::path& path);

} // namespace proteinmd

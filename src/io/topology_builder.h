#pragma once
// Turns the parsed molecule types and the [ molecules ] list into the global Topology (names,
// residues, chains, molecules, bonds) and System (per-atom data, LJ matrices over the atom types
// in use, bonded tables, exclusions, constraints and settles), as grompp does when it writes a tpr.

#include <string>
#include <vector>

#include "io/topology_molecule.h"
#include "io/topology_parameters.h"
#include "proteinmd/io/topology_reader.h"

namespace proteinmd::gmxtop {

// One [ molecules ] line: `count` consecutive copies of a molecule type.
struct MoleculeBlock {
    int moleculeType = 0;
    int count = 0;
};

struct ParsedTopology {
    ForceField forceField;
    std::vector<MoleculeType> moleculeTypes;
    std::vector<MoleculeBlock> blocks;
    std::string title;
};

// `constraints` must be None, HBonds or AllBonds (the caller rejects the angle modes).
TopologyData buildTopologyData(const ParsedTopology& parsed, ConstraintMode constraints, Diagnostics diagnostics);

} // namespace proteinmd::gmxtop

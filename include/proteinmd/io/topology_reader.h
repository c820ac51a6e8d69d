#pragma once
// Reader for GROMACS topologies (.top with #include'd force-field folders). It builds the same
// molecular system `gmx grompp` builds: names and structure in Topology, physics in System (LJ
// matrices already combined, bonded parameters resolved from the force-field type tables,
// exclusions generated from the bond graph, bonds turned into constraints as the mdp asks).
//
// Position restraints get reference positions of zero; the caller fills them from coordinates.

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proteinmd/core/error.h"
#include "proteinmd/core/system.h"
#include "proteinmd/core/topology.h"

namespace proteinmd {

struct TopologyReadOptions {
    // -I paths, searched after the including file's folder and before $GMXLIB and the GROMACS
    // data folder.
    std::vector<std::filesystem::path> includeDirs;
    // From the mdp `define = -DPOSRES -DFLEXIBLE -DX=1` (see parseDefineString); value "" for -DNAME.
    std::vector<std::pair<std::string, std::string>> defines;
    // mdp `constraints`: HBonds/AllBonds convert bonds to DistanceConstraint as grompp does.
    ConstraintMode constraints = ConstraintMode::None;
};

struct TopologyData {
    Topology topology;
    System system;
    Diagnostics diagnostics;
};

// Throws InputError (file:line and include chain) for anything grompp would reject.
TopologyData readGromacsTopology(const std::filesystem::path& topFile, const TopologyReadOptions& options = {});

// "-DPOSRES -DX=1" -> {("POSRES",""), ("X","1")}. Throws InputError for a word that is not -DNAME[=value].
std::vector<std::pair<std::string, std::string>> parseDefineString(std::string_view mdpDefine);

} // namespace proteinmd

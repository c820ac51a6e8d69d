#pragma once
// Temperature-coupling groups (.mdp tc-grps) and their degrees of freedom.
//
// Groups are GROMACS's default index groups, computed from residue names with GROMACS's
// residuetypes.dat classification: "System", "Protein", "non-Protein", "Water", "SOL",
// "non-Water", "Ion", "Water_and_ions" (names match case-insensitively, as in GROMACS).
// Index files are not read yet.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proteinmd/core/system.h"
#include "proteinmd/core/topology.h"

namespace proteinmd {

enum class ResidueClass { Protein, Water, Ion, Other };
// GROMACS's residue types (residuetypes.dat) for proteins, water and ions, plus TIP3/TIP4 water names.
ResidueClass classifyResidue(std::string_view residueName);

// The group index (0-based, in the order of `groupNames`) of every atom. Throws SetupError when a
// name is not one of the default groups (naming it and the ones supported), when groups overlap,
// or when some atom is in no group (as grompp, which needs every atom coupled exactly once).
std::vector<int> couplingGroupOfAtoms(const Topology& topology, std::span<const std::string> groupNames);

// Degrees of freedom per group as GROMACS's grompp counts them: 3 per atom with mass; each distance
// constraint removes 1/2 from each of its two atoms' groups, each settle 1 per atom; then, with
// comm-mode Linear, the 3 COM degrees of freedom are removed from the groups in proportion to their
// counts (so the groups sum to degreesOfFreedom(system, commMode)). Fractional in general.
std::vector<double> groupDegreesOfFreedom(const System& system, std::span<const int> groupOfAtom, int numGroups,
                                          const std::string& commMode);

} // namespace proteinmd

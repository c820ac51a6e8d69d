#pragma once
// Non-bonded exclusions of one molecule, as grompp generates them: every atom within `nrexcl`
// chemical bonds, plus the explicit [ exclusions ] pairs.

#include <array>
#include <span>
#include <vector>

namespace proteinmd::gmxtop {

// For each atom the sorted, unique atoms it is excluded from (never itself; symmetric).
std::vector<std::vector<int>> generateExclusions(int numAtoms, int nrexcl, std::span<const std::array<int, 2>> bonds,
                                                 std::span<const std::array<int, 2>> explicitPairs);

} // namespace proteinmd::gmxtop

#pragma once
// Reference single-point cases: inputs plus GROMACS double-precision energies (and forces) to match.
// Two sources: the team's systems in shared/benchmarks, and tests/refdata/<case>/reference.json
// made by tests/refdata/generate.sh with gmx_d.

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace proteinmd::test {

struct ReferenceCase {
    std::string name;
    std::filesystem::path topology;
    std::filesystem::path coordinates;
    std::filesystem::path mdp;
    std::optional<std::filesystem::path> restraintCoordinates;
    std::map<std::string, double> energies;          // our keys, incl. "total"
    std::optional<std::filesystem::path> forcesFile; // N x 3 float64 .npy
    bool needsShared = false;
};

// GoogleTest prints the case name instead of the object's bytes.
inline void PrintTo(const ReferenceCase& c, std::ostream* os) { *os << c.name; }

// Every case whose files can be located (cases in refdata that name shared files are included
// with needsShared set, so a test can skip them when the shared folder is absent).
std::vector<ReferenceCase> allReferenceCases();

// Resolves "shared:ala2_solvated/system.top" or a path relative to a case folder.
std::filesystem::path resolveReferencePath(const std::string& spec, const std::filesystem::path& caseDir);

} // namespace proteinmd::test

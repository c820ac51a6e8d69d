#include "proteinmd/integrators/coupling_groups.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "proteinmd/core/error.h"

namespace proteinmd {

namespace {

// Residue names from GROMACS 2022's share/top/residuetypes.dat (Protein, Water, Ion entries).
constexpr std::array<std::string_view, 140> kProtein = {
    "ABU",   "ACE",  "AIB",   "ALA",   "ARG",   "ARGN",  "ASN",   "ASN1", "ASP",   "ASP1",  "ASPH", "ASPP",  "ASH",
    "CT3",   "CYS",  "CYS1",  "CYS2",  "CYSH",  "DALA",  "GLN",   "GLU",  "GLUH",  "GLUP",  "GLH",  "GLY",   "HIS",
    "HIS1",  "HISA", "HISB",  "HISH",  "HISD",  "HISE",  "HISP",  "HSD",  "HSE",   "HSP",   "HYP",  "ILE",   "LEU",
    "LSN",   "LYS",  "LYSN",  "LYSH",  "MELEU", "MET",   "MEVAL", "NAC",  "NME",   "NHE",   "NH2",  "PHE",   "PHEH",
    "PHEU",  "PHL",  "PRO",   "SER",   "THR",   "TRP",   "TRPH",  "TRPU", "TYR",   "TYRH",  "TYRU", "VAL",   "PGLU",
    "HID",   "HIE",  "HIP",   "LYP",   "LYN",   "CYN",   "CYM",   "CYX",  "DAB",   "ORN",   "HYP",  "NALA",  "NGLY",
    "NSER",  "NTHR", "NLEU",  "NILE",  "NVAL",  "NASN",  "NGLN",  "NARG", "NHID",  "NHIE",  "NHIP", "NHISD", "NHISE",
    "NHISH", "NTRP", "NPHE",  "NTYR",  "NGLU",  "NASP",  "NLYS",  "NORN", "NDAB",  "NLYSN", "NPRO", "NHYP",  "NCYS",
    "NCYS2", "NMET", "NASPH", "NGLUH", "CALA",  "CGLY",  "CSER",  "CTHR", "CLEU",  "CILE",  "CVAL", "CASN",  "CGLN",
    "CARG",  "CHID", "CHIE",  "CHIP",  "CHISD", "CHISE", "CHISH", "CTRP", "CPHE",  "CTYR",  "CGLU", "CASP",  "CLYS",
    "CORN",  "CDAB", "CLYSN", "CPRO",  "CHYP",  "CCYS",  "CCYS2", "CMET", "CASPH", "CGLUH"};
constexpr std::array<std::string_view, 11> kWater = {"SOL", "WAT", "HOH", "OHH",  "TIP", "T3P",
                                                     "T4P", "T5P", "T3H", "TIP3", "TIP4"};
constexpr std::array<std::string_view, 19> kIon = {"K",  "NA", "CA", "MG",  "CL", "ZN", "CU1", "CU",  "LI", "NA+",
                                                   "RB", "CS", "F",  "CL-", "BR", "I",  "OH",  "CAL", "IB+"};

std::string upper(std::string_view s)
{
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

bool contains(std::span<const std::string_view> list, const std::string& name)
{
    return std::find(list.begin(), list.end(), name) != list.end();
}

constexpr std::string_view kSupported = "System, Protein, non-Protein, Water, SOL, non-Water, Ion, Water_and_ions";

// Whether an atom of residue `residueName` belongs to the default group `group` (upper case).
// Returns false and sets known = false for an unknown group name.
bool inGroup(const std::string& group, const std::string& residueName, bool& known)
{
    known = true;
    const ResidueClass c = classifyResidue(residueName);
    if (group == "SYSTEM") {
        return true;
    }
    if (group == "PROTEIN") {
        return c == ResidueClass::Protein;
    }
    if (group == "NON-PROTEIN") {
        return c != ResidueClass::Protein;
    }
    if (group == "WATER") {
        return c == ResidueClass::Water;
    }
    if (group == "SOL") {
        return upper(residueName) == "SOL";
    }
    if (group == "NON-WATER") {
        return c != ResidueClass::Water;
    }
    if (group == "ION") {
        return c == ResidueClass::Ion;
    }
    if (group == "WATER_AND_IONS") {
        return c == ResidueClass::Water || c == ResidueClass::Ion;
    }
    known = false;
    return false;
}

} // namespace

ResidueClass classifyResidue(std::string_view residueName)
{
    const std::string name = upper(residueName);
    if (contains(kProtein, name)) {
        return ResidueClass::Protein;
    }
    if (contains(kWater, name)) {
        return ResidueClass::Water;
    }
    if (contains(kIon, name)) {
        return ResidueClass::Ion;
    }
    return ResidueClass::Other;
}

std::vector<int> couplingGroupOfAtoms(const Topology& topology, std::span<const std::string> groupNames)
{
    const std::size_t n = topology.atoms.size();
    std::vector<int> group(n, -1);
    for (std::size_t g = 0; g < groupNames.size(); ++g) {
        const std::string name = upper(groupNames[g]);
        bool known = true;
        inGroup(name, "", known);
        if (!known) {
            throw SetupError(fmt::format("tc-grps: unknown group '{}'; proteinmd knows GROMACS's default groups "
                                         "({}); index files are not supported yet",
                                         groupNames[g], kSupported));
        }
        for (std::size_t i = 0; i < n; ++i) {
            const auto& residue = topology.residues[static_cast<std::size_t>(topology.atoms[i].residueIndex)];
            if (!inGroup(name, residue.name, known)) {
                continue;
            }
            if (group[i] >= 0) {
                throw SetupError(fmt::format("tc-grps: atom {} is in both '{}' and '{}'; each atom must be in "
                                             "exactly one temperature-coupling group",
                                             topology.describeAtom(static_cast<int>(i)),
                                             groupNames[static_cast<std::size_t>(group[i])], groupNames[g]));
            }
            group[i] = static_cast<int>(g);
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (group[i] < 0) {
            throw SetupError(
                fmt::format("tc-grps ({}) leave atom {} (residue {}) uncoupled; every atom must be in "
                            "one temperature-coupling group (e.g. add non-Protein)",
                            fmt::join(groupNames, " "), topology.describeAtom(static_cast<int>(i)),
                            topology.residues[static_cast<std::size_t>(topology.atoms[i].residueIndex)].name));
        }
    }
    return group;
}

std::vector<double> groupDegreesOfFreedom(const System& system, std::span<const int> groupOfAtom, int numGroups,
                                          const std::string& commMode)
{
    std::vector<double> dof(static_cast<std::size_t>(numGroups), 0.0);
    auto groupOf = [&](int atom) { return groupOfAtom.empty() ? 0 : groupOfAtom[static_cast<std::size_t>(atom)]; };
    for (int i = 0; i < system.numAtoms(); ++i) {
        if (system.masses[static_cast<std::size_t>(i)] > 0) {
            dof[static_cast<std::size_t>(groupOf(i))] += 3;
        }
    }
    for (const DistanceConstraint& c : system.constraints) {
        dof[static_cast<std::size_t>(groupOf(c.atoms[0]))] -= 0.5;
        dof[static_cast<std::size_t>(groupOf(c.atoms[1]))] -= 0.5;
    }
    for (const SettleGroup& s : system.settles) {
        for (int atom : s.atoms) {
            dof[static_cast<std::size_t>(groupOf(atom))] -= 1;
        }
    }
    double total = 0;
    for (double d : dof) {
        total += d;
    }
    if (commMode == "Linear" && total > 0) {
        for (double& d : dof) {
            d *= (total - 3) / total;
        }
    }
    for (std::size_t g = 0; g < dof.size(); ++g) {
        if (!(dof[g] > 0)) {
            throw SetupError(fmt::format("temperature-coupling group {} has {} degrees of freedom", g + 1, dof[g]));
        }
    }
    return dof;
}

} // namespace proteinmd

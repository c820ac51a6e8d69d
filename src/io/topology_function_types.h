#pragma once
// What the function number of a bonded directive means to grompp: which parameter table supplies
// defaults, how many atoms and parameters a line has, and GROMACS's name for it (for messages).

#include <optional>
#include <string_view>

#include "io/topology_directives.h"

namespace proteinmd::gmxtop {

// The parameter tables grompp keeps, one per GROMACS function type that has bonded parameters.
enum class ParamTable {
    Bonds,                   // bonds 1
    G96Bonds,                // bonds 2
    HarmonicPotentials,      // bonds 6
    Constraints,             // constraints 1
    ConstraintsNoConnection, // constraints 2
    Angles,                  // angles 1
    G96Angles,               // angles 2
    UreyBradley,             // angles 5
    ProperDihedrals,         // dihedrals 1 and 9
    ImproperDihedrals,       // dihedrals 2
    RbDihedrals,             // dihedrals 3
    PeriodicImpropers,       // dihedrals 4
    Pairs,                   // pairs 1 when gen-pairs = no (by non-bonded atom type)
    None,                    // no parameters (bonds 5) or not from a table (pairs 2, settles, ...)
    Count
};

inline constexpr int kMaxParams = 12;

// What a (directive, function number) pair means to grompp.
struct InteractionKind {
    ParamTable table = ParamTable::None;
    int numAtoms = 0;
    int numParamsA = 0;      // parameters of state A (nrfpA)
    int numParams = 0;       // with the optional state-B copy (nrfpA + nrfpB)
    std::string_view longName; // GROMACS's name, used in messages ("Proper Dih.")
    bool supported = true;
};

// Known function numbers of the bonded directives; nullopt for numbers GROMACS does not know.
std::optional<InteractionKind> interactionKind(Directive directive, int function);

} // namespace proteinmd::gmxtop

#pragma once
// Long-range dispersion correction for the LJ interaction missing beyond (and, with modifiers,
// changed inside) the cut-off, as GROMACS 2022's DispersionCorrection computes it: a homogeneous
// fluid with the system's average C6 (and C12 for AllEner*), counted over all atom pairs minus the
// excluded pairs.

#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"
#include "proteinmd/forces/nonbonded_options.h"

namespace proteinmd {

// Pair-averaged LJ parameters: sum over all pairs i<j minus excluded pairs, divided by their count.
struct LjPairAverages {
    double c6 = 0;  // kJ/mol nm^6
    double c12 = 0; // kJ/mol nm^12
};

LjPairAverages averageLjPairParameters(const System& system);

struct DispersionCorrectionResult {
    double energy = 0;   // kJ/mol (EnergyTerm::DispersionCorrection)
    double virial = 0;   // kJ/mol, to be added to EACH diagonal element of the virial (0 without *Pres)
    double pressure = 0; // bar, added by GROMACS to each diagonal element of the pressure ("Pres. DC")
};

// Correction for `numAtoms` atoms in `box` with the LJ cut-off and modifier of `options`.
// Returns zeros for DispersionCorrectionType::No. Throws SetupError for a non-periodic system or a
// switched modifier with rvdw-switch = 0 (GROMACS refuses both).
DispersionCorrectionResult computeDispersionCorrection(const LjPairAverages& averages, int numAtoms,
                                                       const NonbondedOptions& options, const Box& box);

} // namespace proteinmd

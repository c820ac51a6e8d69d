#pragma once
// How non-bonded interactions are treated, in GROMACS's terms (the .mdp keys in comments).

#include <array>

namespace proteinmd {

enum class CoulombType {
    CutOff,         // coulombtype = Cut-off (GROMACS: reaction field with eps_rf = 1)
    ReactionField,  // coulombtype = Reaction-Field
    Pme,            // coulombtype = PME
    Ewald           // coulombtype = Ewald
};

enum class InteractionModifier {
    None,            // vdw-/coulomb-modifier = None
    PotentialShift,  // Potential-shift (GROMACS default)
    ForceSwitch,     // Force-switch (LJ only)
    PotentialSwitch  // Potential-switch (LJ only)
};

enum class DispersionCorrectionType {
    No,          // DispCorr = no
    EnerPres,    // EnerPres
    Ener,        // Ener
    AllEnerPres, // AllEnerPres
    AllEner      // AllEner
};

struct NonbondedOptions {
    bool periodic = true;          // pbc = xyz; false = pbc no: every pair, no cut-off
    CoulombType coulombType = CoulombType::CutOff;
    InteractionModifier coulombModifier = InteractionModifier::PotentialShift;
    double rcoulomb = 1.0;         // nm
    InteractionModifier vdwModifier = InteractionModifier::PotentialShift;
    double rvdw = 1.0;             // nm
    double rvdwSwitch = 0.0;       // nm
    double epsilonR = 1.0;
    double epsilonRf = 0.0;        // 0 means infinity (conducting boundary), as in GROMACS
    DispersionCorrectionType dispersionCorrection = DispersionCorrectionType::No;
    double ewaldRtol = 1e-5;
    // proteinmd extension (.mdp key ewald-error-tolerance): > 0 chooses beta and the PME grid by
    // OpenMM's rules for this ewaldErrorTolerance (order 5, unless fourier-nx/ny/nz are given).
    double ewaldErrorTolerance = 0;
    int pmeOrder = 4;
    double fourierSpacing = 0.12;  // nm
    std::array<int, 3> fourierGrid{0, 0, 0}; // fourier-nx/ny/nz; 0 = from spacing
    double epsilonSurface = 0.0;
};

} // namespace proteinmd

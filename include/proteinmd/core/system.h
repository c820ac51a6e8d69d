#pragma once
// What is simulated, as plain data (OpenMM's System): per-atom masses, charges and LJ types, the LJ
// parameter matrix, bonded parameter tables, exclusions, constraints and rigid waters.
// Built from a GROMACS topology by io/topology_reader.h; validated once there.

#include <array>
#include <vector>

#include "proteinmd/forces/bonded_terms.h"

namespace proteinmd {

// Which bonds/angles a topology turns into constraints (.mdp `constraints`, applied by grompp).
enum class ConstraintMode { None, HBonds, AllBonds, HAngles, AllAngles };

// Two-atom distance constraint (GROMACS [ constraints ] or bonds converted by `constraints = h-bonds`).
struct DistanceConstraint {
    std::array<int, 2> atoms{};
    double length = 0; // nm
};

// Rigid three-site water (GROMACS [ settles ]): atoms O, H1, H2.
struct SettleGroup {
    std::array<int, 3> atoms{};
    double dOH = 0; // nm
    double dHH = 0; // nm
};

struct System {
    // Per atom.
    std::vector<double> masses;  // amu
    std::vector<double> charges; // e
    std::vector<int> ljTypes;    // index into the LJ matrices below

    // LJ parameter matrices in GROMACS form (V = c12/r^12 - c6/r^6), numLjTypes x numLjTypes,
    // row-major; already combined with the topology's combination rule and [ nonbond_params ].
    int numLjTypes = 0;
    std::vector<double> c6;  // kJ/mol nm^6
    std::vector<double> c12; // kJ/mol nm^12

    BondedTerms bonded;

    // Non-bonded exclusions: for each atom, the sorted other atoms it has no LJ/Coulomb pair
    // interaction with (symmetric; never contains the atom itself).
    std::vector<std::vector<int>> exclusions;

    std::vector<DistanceConstraint> constraints;
    std::vector<SettleGroup> settles;

    // GROMACS [ defaults ], kept for reporting and for pair generation.
    int combinationRule = 2;
    double fudgeLJ = 1.0;
    double fudgeQQ = 1.0;

    int numAtoms() const { return static_cast<int>(masses.size()); }
    double totalCharge() const;
    double c6Of(int typeI, int typeJ) const { return c6[static_cast<std::size_t>(typeI * numLjTypes + typeJ)]; }
    double c12Of(int typeI, int typeJ) const { return c12[static_cast<std::size_t>(typeI * numLjTypes + typeJ)]; }
};

} // namespace proteinmd

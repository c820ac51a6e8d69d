#pragma once
// Parameter tables of the bonded interactions: plain data, one struct per functional form.
// Atom indices are 0-based into the System. Angles are radians, lengths nm, energies kJ/mol.
// The formulas that use these live in src/forces/ (one evaluator per form).

#include <array>
#include <vector>

#include "proteinmd/core/vec3.h"

namespace proteinmd {

// GROMACS bonds type 1: V = 1/2 kb (r - b0)^2.
struct HarmonicBond {
    std::array<int, 2> atoms{};
    double b0 = 0;   // nm
    double kb = 0;   // kJ/mol/nm^2
};

// GROMACS bonds type 2 (GROMOS-96): V = 1/4 kb (r^2 - b0^2)^2.
struct G96Bond {
    std::array<int, 2> atoms{};
    double b0 = 0;   // nm
    double kb = 0;   // kJ/mol/nm^4
};

// GROMACS angles type 1: V = 1/2 k (theta - theta0)^2.
struct HarmonicAngle {
    std::array<int, 3> atoms{};
    double theta0 = 0; // rad
    double k = 0;      // kJ/mol/rad^2
};

// GROMACS angles type 2 (GROMOS-96): V = 1/2 k (cos theta - cos theta0)^2.
struct G96Angle {
    std::array<int, 3> atoms{};
    double theta0 = 0; // rad
    double k = 0;      // kJ/mol
};

// GROMACS angles type 5: harmonic angle plus a harmonic 1-3 distance (Urey-Bradley) term.
struct UreyBradleyAngle {
    std::array<int, 3> atoms{};
    double theta0 = 0; // rad
    double kTheta = 0; // kJ/mol/rad^2
    double r13 = 0;    // nm
    double kUB = 0;    // kJ/mol/nm^2
};

// GROMACS dihedrals types 1, 4 and 9: V = k (1 + cos(n phi - phi0)). One entry per cosine term.
struct PeriodicTorsion {
    std::array<int, 4> atoms{};
    double phi0 = 0; // rad
    double k = 0;    // kJ/mol
    int multiplicity = 1;
};

// GROMACS dihedrals type 2: V = 1/2 k (xi - xi0)^2 with the difference taken periodically.
struct HarmonicImproper {
    std::array<int, 4> atoms{};
    double xi0 = 0; // rad
    double k = 0;   // kJ/mol/rad^2
};

// GROMACS dihedrals type 3: V = sum_n C_n cos^n(psi), psi = phi - 180 degrees.
struct RyckaertBellemansTorsion {
    std::array<int, 4> atoms{};
    std::array<double, 6> c{}; // kJ/mol
};

// A CMAP correction map on a regular periodic grid. energies[i * gridSize + j] is the value at
// phi = -180 + i*360/gridSize, psi = -180 + j*360/gridSize degrees (GROMACS [ cmaptypes ] order).
struct CmapGrid {
    int gridSize = 0;
    std::vector<double> energies; // kJ/mol
};

// GROMACS cmap type 1 over five atoms: phi = (a0,a1,a2,a3), psi = (a1,a2,a3,a4).
struct CmapTorsion {
    std::array<int, 5> atoms{};
    int gridIndex = 0; // into BondedTerms::cmapGrids
};

// 1-4 pair (GROMACS pairs types 1 and 2, resolved): V = c12/r^12 - c6/r^6 + kC * qq / (epsR r).
// qq already includes fudgeQQ; no cut-off and no modifiers apply, as in GROMACS.
struct Pair14 {
    std::array<int, 2> atoms{};
    double c6 = 0;  // kJ/mol nm^6
    double c12 = 0; // kJ/mol nm^12
    double qq = 0;  // e^2
};

// GROMACS position_restraints type 1: V = 1/2 sum_d k_d (x_d - ref_d)^2 (minimum image from ref).
struct PositionRestraint {
    int atom = 0;
    Vec3 reference{}; // nm
    Vec3 k{};         // kJ/mol/nm^2 per dimension
};

// All bonded parameter tables of a system, one table per functional form.
struct BondedTerms {
    std::vector<HarmonicBond> harmonicBonds;
    std::vector<G96Bond> g96Bonds;
    std::vector<HarmonicAngle> harmonicAngles;
    std::vector<G96Angle> g96Angles;
    std::vector<UreyBradleyAngle> ureyBradleyAngles;
    std::vector<PeriodicTorsion> properDihedrals;     // types 1 and 9
    std::vector<PeriodicTorsion> periodicImpropers;   // type 4
    std::vector<HarmonicImproper> harmonicImpropers;  // type 2
    std::vector<RyckaertBellemansTorsion> rbDihedrals; // type 3
    std::vector<CmapGrid> cmapGrids;
    std::vector<CmapTorsion> cmapTorsions;
    std::vector<Pair14> pairs;
    std::vector<PositionRestraint> positionRestraints;
};

} // namespace proteinmd

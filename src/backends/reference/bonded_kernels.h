#pragma once
// The reference loops, one per parameter table. Each adds forces and virial and returns the
// energy of its table. Atom indices are assumed valid (addBondedForcesReference checks them once).
// Private to the reference backend.

#include <span>

#include "core/inline_minimum_image.h"
#include "proteinmd/core/box.h"
#include "proteinmd/forces/bonded_terms.h"
#include "proteinmd/forces/cmap_interpolation.h"

namespace proteinmd::reference {

struct BondedLoopContext {
    std::span<const Vec3> x;
    detail::InlineMinimumImage image; // Box::minimumImage, inline for rectangular boxes (same results)
    std::span<Vec3> f;
    Matrix3& virial;
};

double addHarmonicBonds(std::span<const HarmonicBond> terms, BondedLoopContext& c);
double addG96Bonds(std::span<const G96Bond> terms, BondedLoopContext& c);
double addHarmonicAngles(std::span<const HarmonicAngle> terms, BondedLoopContext& c);
double addG96Angles(std::span<const G96Angle> terms, BondedLoopContext& c);
double addUreyBradleyAngles(std::span<const UreyBradleyAngle> terms, BondedLoopContext& c);
// LJ and Coulomb 1-4 energies are returned separately.
struct Pair14Energies {
    double lj = 0;
    double coulomb = 0;
};
Pair14Energies addPairs14(std::span<const Pair14> terms, double coulombPrefactor, BondedLoopContext& c);
double addPositionRestraints(std::span<const PositionRestraint> terms, BondedLoopContext& c);

double addPeriodicTorsions(std::span<const PeriodicTorsion> terms, BondedLoopContext& c);
double addHarmonicImpropers(std::span<const HarmonicImproper> terms, BondedLoopContext& c);
double addRbTorsions(std::span<const RyckaertBellemansTorsion> terms, BondedLoopContext& c);
double addCmapTorsions(std::span<const CmapTorsion> terms, std::span<const CmapTable> tables, BondedLoopContext& c);

} // namespace proteinmd::reference

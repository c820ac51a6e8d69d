#pragma once
// Double-precision reference ("oracle") evaluation of every bonded term of BondedTerms, with
// GROMACS 2022's formulas and conventions. Every fast backend is tested against it.

#include <span>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/forces/bonded_terms.h"
#include "proteinmd/forces/cmap_interpolation.h"
#include "proteinmd/forces/force_output.h"

namespace proteinmd {

// Adds the bonded forces to out.forces (already sized to positions.size()), the virial
// -1/2 sum over interactions of x_k (x) F_k (minimum-image-consistent positions of each
// interaction's atoms) to out.virial, and per-term energies to out.energies. Each non-empty table
// marks its term present even if its energy is 0:
//   harmonicBonds + g96Bonds -> Bond, harmonicAngles + g96Angles -> Angle,
//   ureyBradleyAngles -> UreyBradley (angle and 1-3 parts), properDihedrals -> ProperDihedral,
//   rbDihedrals -> RbDihedral, harmonicImpropers + periodicImpropers -> ImproperDihedral,
//   cmapTorsions -> Cmap, pairs -> Lj14 and Coulomb14 (prefactor kCoulombConstant / epsilonR),
//   positionRestraints -> PositionRestraint (displacement minimumImage(x - reference); virial
//   diagonal only, -1/2 x_d F_d, as GROMACS with refcoord-scaling = no).
// Throws SetupError, naming the table and entry, for an atom or grid index out of range or a
// force array of the wrong size.
//
// This overload builds the CMAP derivative tables on every call; an MD loop should prepare them
// once with makeCmapTables(terms.cmapGrids) and use the overload below.
void addBondedForcesReference(const BondedTerms& terms, double epsilonR, std::span<const Vec3> positions,
                              const Box& box, ForceOutput& out);

// Same, with cmapTables = makeCmapTables(terms.cmapGrids) prepared by the caller.
void addBondedForcesReference(const BondedTerms& terms, std::span<const CmapTable> cmapTables, double epsilonR,
                              std::span<const Vec3> positions, const Box& box, ForceOutput& out);

// The index checks of addBondedForcesReference on their own: SetupError, naming the table and
// entry, for an atom index outside [0, numAtoms) or a CMAP grid index outside cmapTables.
void checkBondedIndices(const BondedTerms& terms, std::span<const CmapTable> cmapTables, std::size_t numAtoms);

// addBondedForcesReference without the per-call checks, for a caller that evaluates the same terms
// every step and ran checkBondedIndices on them once (and sized out.forces and checked epsilonR).
// Same results, bit for bit.
void addBondedForcesPrechecked(const BondedTerms& terms, std::span<const CmapTable> cmapTables, double epsilonR,
                               std::span<const Vec3> positions, const Box& box, ForceOutput& out);

} // namespace proteinmd

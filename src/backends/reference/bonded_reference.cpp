// Entry point of the reference bonded evaluation: checks indices once, runs one loop per
// parameter table and books each energy under its GROMACS term.

#include "proteinmd/backends/reference_bonded.h"

#include <string_view>

#include <fmt/format.h>

#include "backends/reference/bonded_kernels.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"

namespace proteinmd {

namespace {

void checkAtom(std::string_view table, std::size_t entry, int atom, std::size_t numAtoms)
{
    if (atom < 0 || static_cast<std::size_t>(atom) >= numAtoms) {
        throw SetupError(fmt::format("bonded terms: {}[{}] refers to atom index {}, but there are {} atoms "
                                     "(valid 0..{})",
                                     table, entry, atom, numAtoms, static_cast<long long>(numAtoms) - 1));
    }
}

template <typename Term>
void checkTable(std::string_view table, const std::vector<Term>& terms, std::size_t numAtoms)
{
    for (std::size_t e = 0; e < terms.size(); ++e) {
        for (int atom : terms[e].atoms) {
            checkAtom(table, e, atom, numAtoms);
        }
    }
}

} // namespace

void checkBondedIndices(const BondedTerms& t, std::span<const CmapTable> cmapTables, std::size_t numAtoms)
{
    checkTable("harmonicBonds", t.harmonicBonds, numAtoms);
    checkTable("g96Bonds", t.g96Bonds, numAtoms);
    checkTable("harmonicAngles", t.harmonicAngles, numAtoms);
    checkTable("g96Angles", t.g96Angles, numAtoms);
    checkTable("ureyBradleyAngles", t.ureyBradleyAngles, numAtoms);
    checkTable("properDihedrals", t.properDihedrals, numAtoms);
    checkTable("periodicImpropers", t.periodicImpropers, numAtoms);
    checkTable("harmonicImpropers", t.harmonicImpropers, numAtoms);
    checkTable("rbDihedrals", t.rbDihedrals, numAtoms);
    checkTable("cmapTorsions", t.cmapTorsions, numAtoms);
    checkTable("pairs", t.pairs, numAtoms);
    for (std::size_t e = 0; e < t.positionRestraints.size(); ++e) {
        checkAtom("positionRestraints", e, t.positionRestraints[e].atom, numAtoms);
    }
    for (std::size_t e = 0; e < t.cmapTorsions.size(); ++e) {
        const int g = t.cmapTorsions[e].gridIndex;
        if (g < 0 || static_cast<std::size_t>(g) >= cmapTables.size()) {
            throw SetupError(fmt::format("bonded terms: cmapTorsions[{}] refers to CMAP grid {}, but there are {} "
                                         "grids",
                                         e, g, cmapTables.size()));
        }
    }
}

void addBondedForcesReference(const BondedTerms& terms, double epsilonR, std::span<const Vec3> positions,
                              const Box& box, ForceOutput& out)
{
    // Only grids that some torsion uses need a table; an empty table list is fine without torsions.
    const std::vector<CmapTable> tables =
        terms.cmapTorsions.empty() ? std::vector<CmapTable>{} : makeCmapTables(terms.cmapGrids);
    addBondedForcesReference(terms, tables, epsilonR, positions, box, out);
}

void addBondedForcesReference(const BondedTerms& terms, std::span<const CmapTable> cmapTables, double epsilonR,
                              std::span<const Vec3> positions, const Box& box, ForceOutput& out)
{
    if (out.forces.size() != positions.size()) {
        throw SetupError(fmt::format("bonded terms: force array has {} entries for {} positions",
                                     out.forces.size(), positions.size()));
    }
    if (!(epsilonR > 0)) {
        throw SetupError(fmt::format("bonded terms: epsilon-r must be positive, found {}", epsilonR));
    }
    checkBondedIndices(terms, cmapTables, positions.size());
    addBondedForcesPrechecked(terms, cmapTables, epsilonR, positions, box, out);
}

void addBondedForcesPrechecked(const BondedTerms& terms, std::span<const CmapTable> cmapTables, double epsilonR,
                               std::span<const Vec3> positions, const Box& box, ForceOutput& out)
{
    reference::BondedLoopContext c{positions, detail::InlineMinimumImage(box), out.forces, out.virial};
    EnergyTerms& e = out.energies;
    if (!terms.harmonicBonds.empty() || !terms.g96Bonds.empty()) {
        e.add(EnergyTerm::Bond, reference::addHarmonicBonds(terms.harmonicBonds, c) +
                                    reference::addG96Bonds(terms.g96Bonds, c));
    }
    if (!terms.harmonicAngles.empty() || !terms.g96Angles.empty()) {
        e.add(EnergyTerm::Angle, reference::addHarmonicAngles(terms.harmonicAngles, c) +
                                     reference::addG96Angles(terms.g96Angles, c));
    }
    if (!terms.ureyBradleyAngles.empty()) {
        e.add(EnergyTerm::UreyBradley, reference::addUreyBradleyAngles(terms.ureyBradleyAngles, c));
    }
    if (!terms.properDihedrals.empty()) {
        e.add(EnergyTerm::ProperDihedral, reference::addPeriodicTorsions(terms.properDihedrals, c));
    }
    if (!terms.rbDihedrals.empty()) {
        e.add(EnergyTerm::RbDihedral, reference::addRbTorsions(terms.rbDihedrals, c));
    }
    if (!terms.harmonicImpropers.empty() || !terms.periodicImpropers.empty()) {
        e.add(EnergyTerm::ImproperDihedral, reference::addHarmonicImpropers(terms.harmonicImpropers, c) +
                                                reference::addPeriodicTorsions(terms.periodicImpropers, c));
    }
    if (!terms.cmapTorsions.empty()) {
        e.add(EnergyTerm::Cmap, reference::addCmapTorsions(terms.cmapTorsions, cmapTables, c));
    }
    if (!terms.pairs.empty()) {
        const reference::Pair14Energies p =
            reference::addPairs14(terms.pairs, units::kCoulombConstant / epsilonR, c);
        e.add(EnergyTerm::Lj14, p.lj);
        e.add(EnergyTerm::Coulomb14, p.coulomb);
    }
    if (!terms.positionRestraints.empty()) {
        e.add(EnergyTerm::PositionRestraint, reference::addPositionRestraints(terms.positionRestraints, c));
    }
}

} // namespace proteinmd

// Reference loops over the four- and five-atom terms: periodic (proper and improper), harmonic
// improper and Ryckaert-Bellemans dihedrals, and CMAP. The formulas live in
// forces/torsion_formulas.h and forces/cmap_interpolation.h; this file supplies the geometry.

#include "backends/reference/bonded_geometry.h"
#include "backends/reference/bonded_kernels.h"
#include "proteinmd/forces/torsion_formulas.h"

namespace proteinmd::reference {

namespace {

// Shared loop of the single-dihedral terms: `formula(term, phi)` returns energy and dV/dphi.
template <typename Term, typename Formula>
double addDihedralTerms(std::span<const Term> terms, BondedLoopContext& c, Formula formula)
{
    double energy = 0;
    for (const Term& t : terms) {
        const auto [i, j, k, l] = t.atoms;
        const auto at = [&](int a) { return c.x[static_cast<std::size_t>(a)]; };
        const DihedralGeometry g = dihedralGeometry(c.image, at(i), at(j), at(k), at(l));
        const EnergyDerivative ed = formula(t, g.phi);
        energy += ed.energy;
        addDihedralForces(g, ed.derivative, i, j, k, l, c.f, c.virial);
    }
    return energy;
}

} // namespace

double addPeriodicTorsions(std::span<const PeriodicTorsion> terms, BondedLoopContext& c)
{
    return addDihedralTerms(terms, c, [](const PeriodicTorsion& t, double phi) {
        return periodicTorsionEnergy(phi, t.phi0, t.k, t.multiplicity);
    });
}

double addHarmonicImpropers(std::span<const HarmonicImproper> terms, BondedLoopContext& c)
{
    return addDihedralTerms(terms, c, [](const HarmonicImproper& t, double phi) {
        return harmonicImproperEnergy(phi, t.xi0, t.k);
    });
}

double addRbTorsions(std::span<const RyckaertBellemansTorsion> terms, BondedLoopContext& c)
{
    return addDihedralTerms(terms, c, [](const RyckaertBellemansTorsion& t, double phi) {
        return rbTorsionEnergy(phi, t.c);
    });
}

double addCmapTorsions(std::span<const CmapTorsion> terms, std::span<const CmapTable> tables, BondedLoopContext& c)
{
    double energy = 0;
    for (const CmapTorsion& t : terms) {
        const auto [a0, a1, a2, a3, a4] = t.atoms;
        const auto at = [&](int a) { return c.x[static_cast<std::size_t>(a)]; };
        const DihedralGeometry phi = dihedralGeometry(c.image, at(a0), at(a1), at(a2), at(a3));
        const DihedralGeometry psi = dihedralGeometry(c.image, at(a1), at(a2), at(a3), at(a4));
        const CmapEnergy e = cmapEnergy(tables[static_cast<std::size_t>(t.gridIndex)], phi.phi, psi.phi);
        energy += e.energy;
        addDihedralForces(phi, e.dVdPhi, a0, a1, a2, a3, c.f, c.virial);
        addDihedralForces(psi, e.dVdPsi, a1, a2, a3, a4, c.f, c.virial);
    }
    return energy;
}

} // namespace proteinmd::reference

// Reference loops over the two- and three-atom terms: bonds, angles, Urey-Bradley, 1-4 pairs and
// position restraints. The formulas live in forces/bond_formulas.h and forces/angle_formulas.h;
// this file supplies the geometry, the force directions and the virial.

#include "backends/reference/bonded_geometry.h"
#include "backends/reference/bonded_kernels.h"
#include "proteinmd/forces/angle_formulas.h"

namespace proteinmd::reference {

namespace {

Vec3& forceOn(BondedLoopContext& c, int atom) { return c.f[static_cast<std::size_t>(atom)]; }
const Vec3& positionOf(const BondedLoopContext& c, int atom) { return c.x[static_cast<std::size_t>(atom)]; }

// Adds f to atom i and -f to atom j, and the virial -1/2 rij (x) f.
void addPairForce(BondedLoopContext& c, int i, int j, const Vec3& rij, const Vec3& f)
{
    forceOn(c, i) += f;
    forceOn(c, j) -= f;
    c.virial += virialOf(rij, f);
}

// Adds the angle forces on i and k (j gets minus their sum) and their virial.
void addAngleForces(BondedLoopContext& c, const AngleGeometry& g, int i, int j, int k, const Vec3& fi, const Vec3& fk)
{
    forceOn(c, i) += fi;
    forceOn(c, k) += fk;
    forceOn(c, j) -= fi + fk;
    c.virial += virialOf(g.rij, fi) + virialOf(g.rkj, fk);
}

} // namespace

double addHarmonicBonds(std::span<const HarmonicBond> terms, BondedLoopContext& c)
{
    double energy = 0;
    for (const HarmonicBond& t : terms) {
        const auto [i, j] = t.atoms;
        const Vec3 rij = c.image(positionOf(c, i) - positionOf(c, j));
        const double r = norm(rij);
        const EnergyDerivative ed = harmonicEnergy(r, t.b0, t.kb);
        energy += ed.energy;
        if (r > 0) { // at r = 0 the direction is undefined; GROMACS skips the force too
            addPairForce(c, i, j, rij, rij * (-ed.derivative / r));
        }
    }
    return energy;
}

double addG96Bonds(std::span<const G96Bond> terms, BondedLoopContext& c)
{
    double energy = 0;
    for (const G96Bond& t : terms) {
        const auto [i, j] = t.atoms;
        const Vec3 rij = c.image(positionOf(c, i) - positionOf(c, j));
        const EnergyDerivative ed = g96BondEnergy(norm2(rij), t.b0, t.kb);
        energy += ed.energy;
        // d(r^2)/d x_i = 2 rij.
        addPairForce(c, i, j, rij, rij * (-2.0 * ed.derivative));
    }
    return energy;
}

double addHarmonicAngles(std::span<const HarmonicAngle> terms, BondedLoopContext& c)
{
    double energy = 0;
    for (const HarmonicAngle& t : terms) {
        const auto [i, j, k] = t.atoms;
        const AngleGeometry g = angleGeometry(c.image, positionOf(c, i), positionOf(c, j), positionOf(c, k));
        const EnergyDerivative ed = harmonicAngleEnergy(g.theta, t.theta0, t.k);
        energy += ed.energy;
        Vec3 fi;
        Vec3 fk;
        if (angleForces(g, ed.derivative, fi, fk)) {
            addAngleForces(c, g, i, j, k, fi, fk);
        }
    }
    return energy;
}

double addG96Angles(std::span<const G96Angle> terms, BondedLoopContext& c)
{
    double energy = 0;
    for (const G96Angle& t : terms) {
        const auto [i, j, k] = t.atoms;
        const AngleGeometry g = angleGeometry(c.image, positionOf(c, i), positionOf(c, j), positionOf(c, k));
        const EnergyDerivative ed = g96AngleEnergy(g.cosTheta, std::cos(t.theta0), t.k);
        energy += ed.energy;
        Vec3 fi;
        Vec3 fk;
        cosAngleForces(g, ed.derivative, fi, fk);
        addAngleForces(c, g, i, j, k, fi, fk);
    }
    return energy;
}

double addUreyBradleyAngles(std::span<const UreyBradleyAngle> terms, BondedLoopContext& c)
{
    double energy = 0;
    for (const UreyBradleyAngle& t : terms) {
        const auto [i, j, k] = t.atoms;
        const AngleGeometry g = angleGeometry(c.image, positionOf(c, i), positionOf(c, j), positionOf(c, k));
        const EnergyDerivative angle = harmonicAngleEnergy(g.theta, t.theta0, t.kTheta);
        energy += angle.energy;
        Vec3 fi;
        Vec3 fk;
        if (angleForces(g, angle.derivative, fi, fk)) {
            addAngleForces(c, g, i, j, k, fi, fk);
        }
        // The 1-3 vector from the same images as the angle, so the interaction stays one rigid piece.
        const Vec3 rik = g.rij - g.rkj;
        const double r13 = norm(rik);
        const EnergyDerivative ub = harmonicEnergy(r13, t.r13, t.kUB);
        energy += ub.energy;
        if (r13 > 0) {
            addPairForce(c, i, k, rik, rik * (-ub.derivative / r13));
        }
    }
    return energy;
}

Pair14Energies addPairs14(std::span<const Pair14> terms, double coulombPrefactor, BondedLoopContext& c)
{
    Pair14Energies energy;
    for (const Pair14& t : terms) {
        const auto [i, j] = t.atoms;
        const Vec3 rij = c.image(positionOf(c, i) - positionOf(c, j));
        const Pair14Energy e = pair14Energy(norm2(rij), t.c6, t.c12, t.qq * coulombPrefactor);
        energy.lj += e.lj;
        energy.coulomb += e.coulomb;
        addPairForce(c, i, j, rij, rij * e.forceOverR);
    }
    return energy;
}

double addPositionRestraints(std::span<const PositionRestraint> terms, BondedLoopContext& c)
{
    double energy = 0;
    for (const PositionRestraint& t : terms) {
        const Vec3 d = c.image(positionOf(c, t.atom) - t.reference);
        Vec3 f;
        for (int dim = 0; dim < 3; ++dim) {
            const EnergyDerivative ed = harmonicEnergy(d[dim], 0.0, t.k[dim]);
            energy += ed.energy;
            f[dim] = -ed.derivative;
            // GROMACS (refcoord-scaling = no) adds only the diagonal, -1/2 x_d f_d, with x the
            // image of the atom nearest its reference: a restraint is not translation invariant.
            c.virial[dim][dim] -= 0.5 * (t.reference[dim] + d[dim]) * f[dim];
        }
        forceOn(c, t.atom) += f;
    }
    return energy;
}

} // namespace proteinmd::reference

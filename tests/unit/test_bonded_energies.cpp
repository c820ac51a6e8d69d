// Bonded energies for simple geometries, computed by hand, and the bookkeeping of
// addBondedForcesReference (which table goes to which term, error reporting).

#include <gtest/gtest.h>

#include "proteinmd/core/error.h"
#include "unit/bonded_test_support.h"

using namespace proteinmd;
using namespace proteinmd::test;

namespace {

const Box kVacuum;

// Four atoms with dihedral phi (degrees): j at the origin, k on z, i on x, l at angle phi.
std::vector<Vec3> dihedralAtoms(double phiDeg)
{
    const double p = deg(phiDeg);
    return {{1.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, {0.0, 0.0, 1.0}, {std::cos(p), std::sin(p), 1.0}};
}

} // namespace

TEST(BondedEnergies, HarmonicBond)
{
    BondedTerms t;
    t.harmonicBonds.push_back({{0, 1}, 0.1, 1000.0});
    const std::vector<Vec3> x{{0, 0, 0}, {0.15, 0, 0}};
    const ForceOutput out = evaluate(t, x, kVacuum);
    EXPECT_NEAR(out.energies[EnergyTerm::Bond], 0.5 * 1000.0 * 0.05 * 0.05, 1e-12);
    EXPECT_NEAR(out.forces[0].x, 1000.0 * 0.05, 1e-10); // stretched bond pulls 0 towards 1
    EXPECT_NEAR(out.forces[1].x, -1000.0 * 0.05, 1e-10);
}

TEST(BondedEnergies, G96Bond)
{
    BondedTerms t;
    t.g96Bonds.push_back({{0, 1}, 0.1, 1.0e4});
    const std::vector<Vec3> x{{0, 0, 0}, {0, 0.2, 0}};
    const ForceOutput out = evaluate(t, x, kVacuum);
    EXPECT_NEAR(out.energies[EnergyTerm::Bond], 0.25 * 1.0e4 * 0.03 * 0.03, 1e-12);
    // F_1 = -kb (r^2 - b0^2) r_10 = -1e4 * 0.03 * 0.2 along y.
    EXPECT_NEAR(out.forces[1].y, -1.0e4 * 0.03 * 0.2, 1e-10);
}

TEST(BondedEnergies, HarmonicAngleAtNinetyDegrees)
{
    BondedTerms t;
    t.harmonicAngles.push_back({{0, 1, 2}, deg(100.0), 400.0});
    const std::vector<Vec3> x{{0.1, 0, 0}, {0, 0, 0}, {0, 0.12, 0}};
    const ForceOutput out = evaluate(t, x, kVacuum);
    EXPECT_NEAR(out.energies[EnergyTerm::Angle], 0.5 * 400.0 * deg(10.0) * deg(10.0), 1e-12);
    // Torque from the angle opening: force on atom 0 is k dtheta / r along -y.
    EXPECT_NEAR(out.forces[0].y, -400.0 * deg(10.0) / 0.1, 1e-9);
    EXPECT_NEAR(out.forces[0].x, 0.0, 1e-12);
}

TEST(BondedEnergies, G96AngleAtNinetyDegrees)
{
    BondedTerms t;
    t.g96Angles.push_back({{0, 1, 2}, deg(120.0), 300.0});
    const std::vector<Vec3> x{{0.1, 0, 0}, {0, 0, 0}, {0, 0.1, 0}};
    const ForceOutput out = evaluate(t, x, kVacuum);
    EXPECT_NEAR(out.energies[EnergyTerm::Angle], 0.5 * 300.0 * 0.25, 1e-12);
}

TEST(BondedEnergies, UreyBradleyIsAngleAndOneThreeParts)
{
    BondedTerms t;
    t.ureyBradleyAngles.push_back({{0, 1, 2}, deg(100.0), 400.0, 0.15, 5000.0});
    const std::vector<Vec3> x{{0.1, 0, 0}, {0, 0, 0}, {0, 0.1, 0}};
    const ForceOutput out = evaluate(t, x, kVacuum);
    const double r13 = 0.1 * std::sqrt(2.0);
    EXPECT_NEAR(out.energies[EnergyTerm::UreyBradley],
                0.5 * 400.0 * deg(10.0) * deg(10.0) + 0.5 * 5000.0 * (r13 - 0.15) * (r13 - 0.15), 1e-12);
    EXPECT_FALSE(out.energies.has(EnergyTerm::Angle));
}

TEST(BondedEnergies, DihedralSignFollowsIupac)
{
    // V = 1/2 k (xi - xi0)^2 is zero only where phi = xi0: this pins sign and zero of phi.
    for (double phi : {60.0, -60.0, 150.0, -150.0, 180.0, 0.0}) {
        BondedTerms t;
        t.harmonicImpropers.push_back({{0, 1, 2, 3}, deg(phi), 100.0});
        EXPECT_NEAR(evaluate(t, dihedralAtoms(phi), kVacuum).energies.total(), 0.0, 1e-20) << phi;
        // Also through the chain builder used by the other tests.
        const auto chain = buildChain({0.15, 0.15, 0.15}, {110.0, 110.0}, {phi});
        EXPECT_NEAR(evaluate(t, chain, kVacuum).energies.total(), 0.0, 1e-20) << phi;
    }
}

TEST(BondedEnergies, ProperDihedralTrans)
{
    BondedTerms t;
    t.properDihedrals.push_back({{0, 1, 2, 3}, 0.0, 5.0, 1});
    t.properDihedrals.push_back({{0, 1, 2, 3}, 0.0, 2.0, 2});
    t.properDihedrals.push_back({{0, 1, 2, 3}, deg(30.0), 3.0, 3});
    const ForceOutput out = evaluate(t, dihedralAtoms(180.0), kVacuum);
    // 5 (1 + cos 180) + 2 (1 + cos 360) + 3 (1 + cos(540 - 30)).
    EXPECT_NEAR(out.energies[EnergyTerm::ProperDihedral], 0.0 + 4.0 + 3.0 * (1.0 + std::cos(deg(510.0))), 1e-12);
    // At +60 and -60 degrees a phase of 30 degrees tells the two apart.
    BondedTerms s;
    s.properDihedrals.push_back({{0, 1, 2, 3}, deg(30.0), 5.0, 1});
    EXPECT_NEAR(evaluate(s, dihedralAtoms(60.0), kVacuum).energies.total(), 5.0 * (1 + std::cos(deg(30.0))), 1e-12);
    EXPECT_NEAR(evaluate(s, dihedralAtoms(-60.0), kVacuum).energies.total(), 5.0, 1e-12);
}

TEST(BondedEnergies, HarmonicImproperWrapsDifference)
{
    BondedTerms t;
    t.harmonicImpropers.push_back({{0, 1, 2, 3}, deg(170.0), 200.0});
    // phi = -170: phi - xi0 = -340 degrees, which is +20 degrees periodically.
    const ForceOutput out = evaluate(t, dihedralAtoms(-170.0), kVacuum);
    EXPECT_NEAR(out.energies[EnergyTerm::ImproperDihedral], 0.5 * 200.0 * deg(20.0) * deg(20.0), 1e-12);
}

TEST(BondedEnergies, PeriodicImproperGoesToImproperTerm)
{
    BondedTerms t;
    t.periodicImpropers.push_back({{0, 1, 2, 3}, deg(180.0), 4.6, 2});
    const ForceOutput out = evaluate(t, dihedralAtoms(90.0), kVacuum);
    EXPECT_NEAR(out.energies[EnergyTerm::ImproperDihedral], 4.6 * (1.0 + std::cos(deg(0.0))), 1e-12);
    EXPECT_FALSE(out.energies.has(EnergyTerm::ProperDihedral));
}

TEST(BondedEnergies, RyckaertBellemans)
{
    BondedTerms t;
    t.rbDihedrals.push_back({{0, 1, 2, 3}, {9.28, 12.16, -13.12, -3.06, 26.24, -31.5}});
    // Trans: psi = 0, V = sum C_n. 90 degrees: cos psi = 0, V = C0. 0 degrees (cis): cos psi = -1.
    EXPECT_NEAR(evaluate(t, dihedralAtoms(180.0), kVacuum).energies.total(), 9.28 + 12.16 - 13.12 - 3.06 + 26.24 - 31.5,
                1e-12);
    EXPECT_NEAR(evaluate(t, dihedralAtoms(90.0), kVacuum).energies.total(), 9.28, 1e-12);
    EXPECT_NEAR(evaluate(t, dihedralAtoms(0.0), kVacuum).energies.total(), 9.28 - 12.16 - 13.12 + 3.06 + 26.24 + 31.5,
                1e-12);
    // 60 degrees: psi = -120, cos psi = -1/2.
    double v = 0;
    for (int n = 0; n < 6; ++n) {
        v += t.rbDihedrals[0].c[static_cast<std::size_t>(n)] * std::pow(-0.5, n);
    }
    EXPECT_NEAR(evaluate(t, dihedralAtoms(60.0), kVacuum).energies[EnergyTerm::RbDihedral], v, 1e-12);
}

TEST(BondedEnergies, Pair14)
{
    BondedTerms t;
    t.pairs.push_back({{0, 1}, 2.0e-3, 3.0e-6, 0.5 * -0.4});
    const std::vector<Vec3> x{{0, 0, 0}, {0.3, 0, 0}};
    const ForceOutput out = evaluate(t, x, kVacuum, 2.0);
    const double r = 0.3;
    EXPECT_NEAR(out.energies[EnergyTerm::Lj14], 3.0e-6 / std::pow(r, 12) - 2.0e-3 / std::pow(r, 6), 1e-12);
    EXPECT_NEAR(out.energies[EnergyTerm::Coulomb14], units::kCoulombConstant / 2.0 * -0.2 / r, 1e-12);
    const double dvdr = -12 * 3.0e-6 / std::pow(r, 13) + 6 * 2.0e-3 / std::pow(r, 7) +
                        units::kCoulombConstant / 2.0 * 0.2 / (r * r);
    EXPECT_NEAR(out.forces[1].x, -dvdr, 1e-9);
}

TEST(BondedEnergies, PositionRestraintUsesMinimumImageFromReference)
{
    BondedTerms t;
    t.positionRestraints.push_back({0, {0.05, 1.0, 1.0}, {1000.0, 2000.0, 3000.0}});
    const std::vector<Vec3> x{{2.95, 1.02, 0.97}};
    const Box box = Box::rectangular(3.0, 3.0, 3.0);
    const ForceOutput out = evaluate(t, x, box);
    // Displacement (-0.1, 0.02, -0.03) through the x boundary.
    EXPECT_NEAR(out.energies[EnergyTerm::PositionRestraint],
                0.5 * (1000.0 * 0.01 + 2000.0 * 0.0004 + 3000.0 * 0.0009), 1e-12);
    EXPECT_NEAR(out.forces[0].x, 100.0, 1e-10);
    EXPECT_NEAR(out.forces[0].y, -40.0, 1e-10);
    EXPECT_NEAR(out.forces[0].z, 90.0, 1e-10);
    // GROMACS's posres virial: diagonal -1/2 (ref + dx)_d F_d, the atom's image nearest the reference.
    EXPECT_NEAR(out.virial[0][0], -0.5 * (-0.05) * 100.0, 1e-12);
    EXPECT_NEAR(out.virial[1][1], -0.5 * 1.02 * -40.0, 1e-12);
    EXPECT_NEAR(out.virial[2][2], -0.5 * 0.97 * 90.0, 1e-12);
    EXPECT_EQ(out.virial[0][1], 0.0);
}

TEST(BondedEnergies, TermsArePresentOnlyForNonEmptyTables)
{
    BondedTerms t;
    t.harmonicBonds.push_back({{0, 1}, 0.1, 1000.0}); // at rest: energy 0, still present
    t.pairs.push_back({{0, 1}, 0.0, 0.0, 0.0});
    const std::vector<Vec3> x{{0, 0, 0}, {0.1, 0, 0}};
    const ForceOutput out = evaluate(t, x, kVacuum);
    EXPECT_TRUE(out.energies.has(EnergyTerm::Bond));
    EXPECT_TRUE(out.energies.has(EnergyTerm::Lj14));
    EXPECT_TRUE(out.energies.has(EnergyTerm::Coulomb14));
    EXPECT_FALSE(out.energies.has(EnergyTerm::Angle));
    EXPECT_FALSE(out.energies.has(EnergyTerm::Cmap));
    EXPECT_FALSE(out.energies.has(EnergyTerm::PositionRestraint));
    EXPECT_EQ(out.energies[EnergyTerm::Bond], 0.0);
}

TEST(BondedEnergies, AddsToExistingOutput)
{
    BondedTerms t;
    t.harmonicBonds.push_back({{0, 1}, 0.1, 1000.0});
    const std::vector<Vec3> x{{0, 0, 0}, {0.15, 0, 0}};
    ForceOutput out;
    out.reset(2);
    out.forces[0] = {1.0, 2.0, 3.0};
    out.energies.add(EnergyTerm::Bond, 7.0);
    addBondedForcesReference(t, 1.0, x, kVacuum, out);
    EXPECT_NEAR(out.energies[EnergyTerm::Bond], 7.0 + 1.25, 1e-12);
    EXPECT_NEAR(out.forces[0].x, 1.0 + 50.0, 1e-10);
    EXPECT_EQ(out.forces[0].y, 2.0);
}

TEST(BondedEnergies, BadIndicesThrowSetupErrorNamingTheEntry)
{
    const std::vector<Vec3> x{{0, 0, 0}, {0.15, 0, 0}};
    BondedTerms t;
    t.harmonicBonds.push_back({{0, 1}, 0.1, 1000.0});
    t.harmonicAngles.push_back({{0, 1, 2}, 1.0, 100.0});
    ForceOutput out;
    out.reset(2);
    try {
        addBondedForcesReference(t, 1.0, x, kVacuum, out);
        FAIL() << "expected SetupError";
    } catch (const SetupError& e) {
        EXPECT_NE(std::string(e.what()).find("harmonicAngles[0]"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("atom index 2"), std::string::npos) << e.what();
    }
    BondedTerms p;
    p.positionRestraints.push_back({-1, {}, {}});
    EXPECT_THROW(addBondedForcesReference(p, 1.0, x, kVacuum, out), SetupError);
    BondedTerms c;
    c.cmapTorsions.push_back({{0, 1, 0, 1, 0}, 0}); // no grid 0
    EXPECT_THROW(addBondedForcesReference(c, 1.0, x, kVacuum, out), SetupError);
    ForceOutput wrongSize;
    wrongSize.reset(1);
    EXPECT_THROW(addBondedForcesReference(BondedTerms{}, 1.0, x, kVacuum, wrongSize), SetupError);
}

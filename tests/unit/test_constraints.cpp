// SETTLE and SHAKE/RATTLE: constraints hold after random displacements, SETTLE agrees with a tightly
// converged SHAKE on the same water (positions and virial), the virial equals -1/2 sum r0 (x) m dx/dt^2
// computed from the displacements, and impossible displacements raise ConstraintError naming atoms.

#include <gtest/gtest.h>


#include "proteinmd/constraints/constraints.h"
#include "proteinmd/io/simulation_inputs.h"
#include "test_support/random_displacement.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

constexpr double kDOH = 0.09572, kDHH = 0.15139; // TIP3P

// Two TIP3P waters (one across the periodic boundary) and a methyl-like group C-H3 + C-C.
System makeSystem()
{
    System s;
    s.masses = {15.9994, 1.008, 1.008, 15.9994, 1.008, 1.008, 12.011, 1.008, 1.008, 1.008, 12.011};
    s.settles = {SettleGroup{{0, 1, 2}, kDOH, kDHH}, SettleGroup{{3, 4, 5}, kDOH, kDHH}};
    s.constraints = {DistanceConstraint{{6, 7}, 0.109}, DistanceConstraint{{6, 8}, 0.109},
                     DistanceConstraint{{6, 9}, 0.109}, DistanceConstraint{{6, 10}, 0.1526}};
    return s;
}

std::vector<Vec3> constrainedGeometry()
{
    // Waters built from the exact geometry; the second straddles x = 0 of the 2 nm box.
    const double half = 0.5 * kDHH, h = std::sqrt(kDOH * kDOH - half * half);
    const double ch = 0.109, cc = 0.1526;
    const double s = ch * std::sqrt(8.0) / 3.0; // tetrahedral H off-axis distance
    return {Vec3{1.0, 1.0, 1.0},          Vec3{1.0 + half, 1.0 + h, 1.0}, Vec3{1.0 - half, 1.0 + h, 1.0},
            Vec3{0.01, 0.5, 0.5},         Vec3{1.99, 0.5 + h, 0.5 + half}, Vec3{1.99, 0.5 + h, 0.5 - half},
            Vec3{1.5, 1.5, 1.5},          Vec3{1.5 + s, 1.5 + ch / 3, 1.5}, Vec3{1.5 - s / 2, 1.5 + ch / 3, 1.5 + s * 0.866},
            Vec3{1.5 - s / 2, 1.5 + ch / 3, 1.5 - s * 0.866}, Vec3{1.5, 1.5 - cc, 1.5}};
}

using test::displaced;

TEST(Settle, HoldsToMachinePrecisionAfterRandomDisplacement)
{
    const System system = makeSystem();
    const Box box = Box::rectangular(2, 2, 2);
    const Constraints constraints(system);
    const std::vector<Vec3> reference = displaced(constrainedGeometry(), 0.0, 1);
    for (unsigned seed = 1; seed <= 20; ++seed) {
        std::vector<Vec3> x = displaced(reference, 0.01, seed);
        constraints.constrainPositions(reference, x, box, 0.002);
        EXPECT_LT(constraints.maxRelativeDeviation(x, box), 1e-10) << "seed " << seed;
    }
    // SETTLE alone: machine precision on the waters.
    System waters = system;
    waters.constraints.clear();
    const Constraints settleOnly(waters);
    std::vector<Vec3> x = displaced(reference, 0.01, 99);
    settleOnly.constrainPositions(reference, x, box, 0.002);
    EXPECT_LT(settleOnly.maxRelativeDeviation(x, box), 1e-14);
}

TEST(Settle, AgreesWithConvergedShakeOnTheSameWaterIncludingVirial)
{
    const Box box = Box::rectangular(2, 2, 2);
    System settleSystem = makeSystem();
    settleSystem.constraints.clear();
    System shakeSystem = settleSystem;
    shakeSystem.settles.clear();
    for (const SettleGroup& g : settleSystem.settles) {
        shakeSystem.constraints.push_back({{g.atoms[0], g.atoms[1]}, g.dOH});
        shakeSystem.constraints.push_back({{g.atoms[0], g.atoms[2]}, g.dOH});
        shakeSystem.constraints.push_back({{g.atoms[1], g.atoms[2]}, g.dHH});
    }
    const Constraints settle(settleSystem);
    const Constraints shake(shakeSystem, nullptr, ConstraintOptions{1e-15, 10000});
    const std::vector<Vec3> reference = constrainedGeometry();
    const std::vector<Vec3> start = displaced(reference, 0.005, 7);
    std::vector<Vec3> xSettle = start, xShake = start;
    std::vector<Vec3> vSettle(start.size()), vShake(start.size());
    Matrix3 virialSettle{}, virialShake{};
    settle.constrainPositions(reference, xSettle, box, 0.002, vSettle, &virialSettle);
    shake.constrainPositions(reference, xShake, box, 0.002, vShake, &virialShake);
    for (std::size_t i = 0; i < 6; ++i) {
        for (int d = 0; d < 3; ++d) {
            EXPECT_NEAR(xSettle[i][d], xShake[i][d], 1e-12) << "atom " << i;
            EXPECT_NEAR(vSettle[i][d], vShake[i][d], 1e-9) << "atom " << i;
        }
    }
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            EXPECT_NEAR(virialSettle[r][c], virialShake[r][c], 1e-6 * std::abs(virialShake[r][c]) + 1e-9);
        }
    }
    // Velocity constraints (RATTLE): same velocities and virial.
    std::vector<Vec3> uSettle = displaced(std::vector<Vec3>(start.size()), 1.0, 8), uShake = uSettle;
    Matrix3 velocityVirialSettle{}, velocityVirialShake{};
    settle.constrainVelocities(xSettle, uSettle, box, 0.001, &velocityVirialSettle);
    shake.constrainVelocities(xSettle, uShake, box, 0.001, &velocityVirialShake);
    for (std::size_t i = 0; i < 6; ++i) {
        for (int d = 0; d < 3; ++d) { EXPECT_NEAR(uSettle[i][d], uShake[i][d], 1e-10) << "atom " << i; }
    }
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            EXPECT_NEAR(velocityVirialSettle[r][c], velocityVirialShake[r][c],
                        1e-8 * std::abs(velocityVirialShake[r][c]) + 1e-9);
        }
    }
}

TEST(Constraints, VirialAndVelocityMatchTheDisplacements)
{
    // Non-periodic copy (no minimum image) so that -1/2 sum r0_i (x) m_i dx_i / dt^2 is unambiguous.
    const System system = makeSystem();
    const Constraints constraints(system);
    const Box vacuum;
    std::vector<Vec3> reference = constrainedGeometry();
    reference[4].x -= 2.0; // unwrap the second water
    reference[5].x -= 2.0;
    const double dt = 0.002;
    const std::vector<Vec3> start = displaced(reference, 0.004, 3);
    std::vector<Vec3> x = start;
    const Vec3 v0{0.1, -0.2, 0.3};
    std::vector<Vec3> v(x.size(), v0);
    Matrix3 virial{};
    constraints.constrainPositions(reference, x, vacuum, dt, v, &virial);
    Matrix3 expected{};
    for (std::size_t i = 0; i < x.size(); ++i) {
        expected += outer(reference[i], (x[i] - start[i]) * system.masses[i]) * (-0.5 / (dt * dt));
        for (int d = 0; d < 3; ++d) {
            EXPECT_NEAR(v[i][d], v0[d] + (x[i][d] - start[i][d]) / dt, 1e-9);
        }
    }
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            EXPECT_NEAR(virial[r][c], expected[r][c], 1e-7 * std::abs(expected[r][c]) + 1e-6) << r << "," << c;
        }
    }
}

TEST(Constraints, VelocityConstraintsRemoveBondComponents)
{
    const System system = makeSystem();
    const Constraints constraints(system);
    const Box box = Box::rectangular(2, 2, 2);
    const std::vector<Vec3> x = constrainedGeometry();
    std::vector<Vec3> v = displaced(std::vector<Vec3>(x.size()), 1.0, 5);
    std::vector<Vec3> before = v;
    constraints.constrainVelocities(x, v, box);
    EXPECT_LT(constraints.maxRelativeVelocityAlongBonds(x, v, box), 1e-10);
    EXPECT_GT(constraints.maxRelativeVelocityAlongBonds(x, before, box), 0.1);
    // Momentum is conserved by the internal constraint forces.
    Vec3 p0{}, p1{};
    for (std::size_t i = 0; i < v.size(); ++i) {
        p0 += before[i] * system.masses[i];
        p1 += v[i] * system.masses[i];
    }
    for (int d = 0; d < 3; ++d) { EXPECT_NEAR(p0[d], p1[d], 1e-11); }
}

TEST(Constraints, ImpossibleDisplacementNamesTheAtoms)
{
    const System system = makeSystem();
    const Constraints constraints(system);
    const Box box = Box::rectangular(2, 2, 2);
    const std::vector<Vec3> reference = constrainedGeometry();
    // Flip the C-C bond through the carbon: SHAKE cannot follow a rotation beyond 90 degrees.
    std::vector<Vec3> x = reference;
    x[10] = Vec3{1.5, 1.5 + 0.1526, 1.5};
    try {
        constraints.constrainPositions(reference, x, box, 0.002);
        FAIL() << "expected ConstraintError";
    } catch (const ConstraintError& e) {
        EXPECT_NE(std::string(e.what()).find("atom 7"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("atom 11"), std::string::npos) << e.what();
    }
    // A water hydrogen thrown far away: SETTLE cannot rebuild it.
    x = reference;
    x[1] += Vec3{0.5, 0.3, 0.2};
    EXPECT_THROW(constraints.constrainPositions(reference, x, box, 0.002), ConstraintError);
}

TEST(Constraints, UnequalWaterHydrogenMassesAreASetupError)
{
    System system = makeSystem();
    system.masses[2] = 2.0;
    EXPECT_THROW(Constraints{system}, SetupError);
}

TEST(Constraints, Ala2SolvatedAllWatersAndHBondsHold)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto dir = test::benchmarkDir("ala2_solvated");
    SimulationInputs in = loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", dir / "bench.mdp", {}, {}});
    ASSERT_EQ(in.system.settles.size(), 749u);
    ASSERT_GT(in.system.constraints.size(), 0u);
    const Constraints constraints(in.system, &in.topology);
    EXPECT_EQ(constraints.numConstrainedDof(), static_cast<int>(in.system.constraints.size()) + 3 * 749);
    // Start from a constrained configuration, then move every atom as a 2 fs step at ~1 nm/ps would.
    std::vector<Vec3> reference = in.state.positions;
    constraints.constrainPositions(in.state.positions, reference, in.state.box, 0);
    EXPECT_LT(constraints.maxRelativeDeviation(reference, in.state.box), 1e-10);
    std::vector<Vec3> x = displaced(reference, 0.002, 11);
    EXPECT_GT(constraints.maxRelativeDeviation(x, in.state.box), 1e-3);
    constraints.constrainPositions(reference, x, in.state.box, 0.002);
    EXPECT_LT(constraints.maxRelativeDeviation(x, in.state.box), 1e-10);

    // An error names the residue and atom through the topology.
    x = reference;
    const auto [i, j] = in.system.constraints.front().atoms;
    x[static_cast<std::size_t>(j)] = x[static_cast<std::size_t>(i)] + (x[static_cast<std::size_t>(i)] - x[static_cast<std::size_t>(j)]);
    try {
        constraints.constrainPositions(reference, x, in.state.box, 0.002);
        FAIL() << "expected ConstraintError";
    } catch (const ConstraintError& e) {
        EXPECT_NE(std::string(e.what()).find(in.topology.describeAtom(i)), std::string::npos) << e.what();
    }
}

} // namespace

namespace {

TEST(Lincs, ConvergesWithOrderAndIterationsAndAgreesWithShake)
{
    const System system = makeSystem();
    const Box box = Box::rectangular(2, 2, 2);
    const std::vector<Vec3> reference = constrainedGeometry();
    const std::vector<Vec3> start = displaced(reference, 0.003, 21);
    ConstraintOptions lincsDefaults;
    lincsDefaults.algorithm = ConstraintAlgorithm::Lincs;
    ConstraintOptions lincsTight = lincsDefaults;
    lincsTight.lincsOrder = 16;
    lincsTight.lincsIterations = 8;
    const Constraints coarse(system, nullptr, lincsDefaults), tight(system, nullptr, lincsTight);
    const Constraints shake(system, nullptr, ConstraintOptions{1e-14, 10000});
    EXPECT_EQ(coarse.numConstrainedDof(), shake.numConstrainedDof());

    std::vector<Vec3> xCoarse = start, xTight = start, xShake = start;
    std::vector<Vec3> vTight(start.size()), vShake(start.size());
    Matrix3 virialTight{}, virialShake{};
    coarse.constrainPositions(reference, xCoarse, box, 0.002);
    tight.constrainPositions(reference, xTight, box, 0.002, vTight, &virialTight);
    shake.constrainPositions(reference, xShake, box, 0.002, vShake, &virialShake);
    const double devCoarse = coarse.maxRelativeDeviation(xCoarse, box);
    const double devTight = tight.maxRelativeDeviation(xTight, box);
    std::printf("LINCS max relative deviation: order 4 iter 1 %.2e, order 16 iter 8 %.2e\n", devCoarse, devTight);
    EXPECT_LT(devCoarse, 1e-3);
    EXPECT_GT(devCoarse, devTight);
    EXPECT_LT(devTight, 1e-10);
    for (std::size_t i = 0; i < start.size(); ++i) {
        for (int d = 0; d < 3; ++d) {
            EXPECT_NEAR(xTight[i][d], xShake[i][d], 1e-11) << "atom " << i;
            EXPECT_NEAR(vTight[i][d], vShake[i][d], 1e-8) << "atom " << i;
        }
    }
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            EXPECT_NEAR(virialTight[r][c], virialShake[r][c], 1e-4 * std::abs(virialShake[r][c]) + 1e-6);
        }
    }

    std::vector<Vec3> v = displaced(std::vector<Vec3>(start.size()), 1.0, 5);
    tight.constrainVelocities(reference, v, box);
    EXPECT_LT(tight.maxRelativeVelocityAlongBonds(reference, v, box), 1e-10);
}

TEST(Lincs, RotationBeyondReachNamesTheAtoms)
{
    const System system = makeSystem();
    ConstraintOptions options;
    options.algorithm = ConstraintAlgorithm::Lincs;
    const Constraints constraints(system, nullptr, options);
    const Box box = Box::rectangular(2, 2, 2);
    const std::vector<Vec3> reference = constrainedGeometry();
    std::vector<Vec3> x = reference;
    x[10] = Vec3{1.5 + 0.3, 1.5 - 0.05, 1.5}; // C-C bond turned by ~70 degrees and stretched
    try {
        constraints.constrainPositions(reference, x, box, 0.002);
        FAIL() << "expected ConstraintError";
    } catch (const ConstraintError& e) {
        EXPECT_NE(std::string(e.what()).find("atom 11"), std::string::npos) << e.what();
    }
}

} // namespace

// Pressure and barostats: the pressure tensor by hand, one deterministic C-rescale/Berendsen step by
// hand (noise off at T = 0), the isothermal-isobaric volume of an ideal gas (<V> = (N+1) kT / P0,
// var(V) = (N+1) (kT/P0)^2, exact for P(V) ~ V^N exp(-P0 V/kT)) for C-rescale and the Monte Carlo
// barostat, Monte Carlo on an LJ fluid keeping molecules whole, and makeBarostat's choices.

#include <gtest/gtest.h>

#include <cmath>

#include "dynamics_test_toys.h"

#include "proteinmd/core/units.h"
#include "proteinmd/integrators/barostat.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/temperature_coupling.h"
#include "proteinmd/io/mdp.h"

using namespace proteinmd;

namespace {

TEST(Pressure, TensorFromKineticEnergyAndVirialByHand)
{
    const std::vector<double> masses = {2.0, 4.0};
    const std::vector<Vec3> v = {Vec3{1, 0, 0}, Vec3{0, 1, 1}};
    const Matrix3 k = kineticEnergyTensor(masses, v);
    EXPECT_DOUBLE_EQ(k[0][0], 1.0);
    EXPECT_DOUBLE_EQ(k[1][1], 2.0);
    EXPECT_DOUBLE_EQ(k[1][2], 2.0);
    Matrix3 virial{};
    virial[0][0] = 0.5;
    virial[2][2] = -1.0;
    const Box box = Box::rectangular(2, 2, 2);
    const Matrix3 p = pressureTensor(k, virial, box);
    const double f = 2.0 / 8.0 * 16.6054; // GROMACS PRESFAC to 6 digits
    EXPECT_NEAR(p[0][0], (1.0 - 0.5) * f, 1e-4);
    EXPECT_NEAR(p[2][2], (2.0 + 1.0) * f, 1e-4);
    EXPECT_NEAR(p[1][2], 2.0 * f, 1e-4);
    EXPECT_NEAR(scalarPressure(p), (0.5 + 2 + 3) * f / 3, 1e-4);
    EXPECT_EQ(pressureTensor(k, virial, Box{})[0][0], 0.0); // no box, no pressure
}

TEST(CRescale, DeterministicStepByHandAndSemiIsotropic)
{
    PressureCouplingOptions o;
    o.tau = 2.0;
    o.interval = 10;
    o.timeStep = 0.002;
    o.temperature = 0; // no noise
    o.referencePressure = {1.0, 1.0};
    o.compressibility = {4.5e-5, 4.5e-5};
    CRescaleBarostat isotropic(o);
    State state;
    state.box = Box::rectangular(3, 3, 3);
    state.positions = {Vec3{1, 2, 3}};
    state.velocities = {Vec3{1, 1, 1}};
    StepEnergies e;
    e.step = 20;
    e.pressureTensor[0][0] = 400;
    e.pressureTensor[1][1] = 500;
    e.pressureTensor[2][2] = 600;
    ASSERT_TRUE(isotropic.apply(state, e));
    const double mu = std::exp(-4.5e-5 * 0.02 / 2.0 * (1.0 - 500.0) / 3.0);
    EXPECT_NEAR(state.box.vectors()[0][0], 3 * mu, 1e-14);
    EXPECT_NEAR(state.positions[0].z, 3 * mu, 1e-14);
    EXPECT_NEAR(state.velocities[0].x, 1 / mu, 1e-14);
    e.step = 21; // not a coupling step
    EXPECT_FALSE(isotropic.apply(state, e));

    o.type = PressureCouplingType::SemiIsotropic;
    CRescaleBarostat semi(o);
    State s2;
    s2.box = Box::rectangular(3, 3, 3);
    s2.positions = {Vec3{1, 1, 1}};
    e.step = 30;
    ASSERT_TRUE(semi.apply(s2, e));
    const double xy = std::exp(-4.5e-5 * 0.01 * (1.0 - 450.0) / 3.0),
                 z = std::exp(-4.5e-5 * 0.01 * (1.0 - 600.0) / 3.0);
    EXPECT_NEAR(s2.box.vectors()[0][0], 3 * xy, 1e-14);
    EXPECT_NEAR(s2.box.vectors()[1][1], 3 * xy, 1e-14);
    EXPECT_NEAR(s2.box.vectors()[2][2], 3 * z, 1e-14);

    BerendsenBarostat berendsen(o);
    State s3;
    s3.box = Box::rectangular(3, 3, 3);
    s3.positions = {Vec3{1, 1, 1}};
    s3.velocities = {Vec3{1, 1, 1}};
    ASSERT_TRUE(berendsen.apply(s3, e));
    EXPECT_NEAR(s3.box.vectors()[2][2], 3 * (1 - 4.5e-5 * 0.01 * (1.0 - 600.0) / 3.0), 1e-14);
    EXPECT_EQ(s3.velocities[0], (Vec3{1, 1, 1})); // Berendsen leaves velocities alone
}

// N ideal-gas atoms at 300 K and 1 bar: returns the mean and variance of the volume.
test::Moments idealGasVolume(Barostat& barostat, int steps, double dt, std::vector<double>* volumesOut = nullptr)
{
    const int n = 100;
    System system;
    system.masses.assign(static_cast<std::size_t>(n), 20.0);
    State state;
    const double kT = units::kBoltzmann * 300.0, p0 = 1.0 / units::kPressureFactorBar;
    const double length = std::cbrt((n + 1) * kT / p0);
    state.box = Box::rectangular(length, length, length);
    for (int i = 0; i < n; ++i) {
        state.positions.push_back(Vec3{0.1 * i, 0.05 * i, 0.02 * i});
    }
    state.velocities.assign(static_cast<std::size_t>(n), Vec3{});
    generateVelocities(system.masses, 300.0, 9, state.velocities);
    TemperatureCouplingOptions t;
    t.referenceTemperatures = {300};
    t.timeConstants = {0.1};
    t.seed = 4;
    TemperatureCoupling thermostat(t);
    auto integrator =
        makeLeapFrog(system, test::idealGasForces(), nullptr, IntegratorOptions{dt, 0, "None"}, &thermostat, &barostat);
    std::vector<double> volumes;
    for (int s = 0; s < steps; ++s) {
        integrator->step(state);
        if (s >= steps / 10) {
            volumes.push_back(state.box.volume());
        }
    }
    if (volumesOut != nullptr) {
        *volumesOut = volumes;
    }
    return test::moments(volumes);
}

TEST(CRescale, IdealGasVolumeDistribution)
{
    PressureCouplingOptions o;
    o.tau = 0.5;
    o.interval = 1;
    o.timeStep = 0.01;
    o.temperature = 300;
    o.referencePressure = {1.0, 1.0};
    o.compressibility = {1.0, 1.0}; // an ideal gas's: 1/P0
    o.seed = 77;
    CRescaleBarostat barostat(o);
    const auto m = idealGasVolume(barostat, 200000, 0.01);
    const double v0 = 101 * units::kBoltzmann * 300.0 * units::kPressureFactorBar;
    std::printf("C-rescale ideal gas: <V>/V_exact %.4f, var(V)/exact %.3f\n", m.mean / v0,
                m.variance / (v0 * v0 / 101));
    EXPECT_NEAR(m.mean / v0, 1.0, 0.02);
    EXPECT_NEAR(m.variance / (v0 * v0 / 101), 1.0, 0.2);
}

TEST(MonteCarloBarostat, IdealGasVolumeDistributionAndState)
{
    const int n = 100;
    std::vector<std::array<int, 2>> molecules;
    for (int i = 0; i < n; ++i) {
        molecules.push_back({i, 1});
    }
    const std::vector<double> masses(static_cast<std::size_t>(n), 20.0);
    MonteCarloBarostatOptions o;
    o.pressure = 1.0;
    o.temperature = 300;
    o.interval = 2;
    o.seed = 5;
    MonteCarloBarostat barostat(masses, molecules, test::idealGasForces(), o);
    const auto m = idealGasVolume(barostat, 200000, 0.01);
    const double v0 = 101 * units::kBoltzmann * 300.0 * units::kPressureFactorBar;
    const double acceptance = static_cast<double>(barostat.accepted()) / static_cast<double>(barostat.attempted());
    std::printf("MC ideal gas: <V>/V_exact %.4f, var(V)/exact %.3f, acceptance %.2f\n", m.mean / v0,
                m.variance / (v0 * v0 / 101), acceptance);
    EXPECT_NEAR(m.mean / v0, 1.0, 0.02);
    EXPECT_NEAR(m.variance / (v0 * v0 / 101), 1.0, 0.2);
    EXPECT_GT(acceptance, 0.2);
    EXPECT_LT(acceptance, 0.8);

    Barostat::StateMap saved;
    barostat.saveState(saved);
    MonteCarloBarostat restored(masses, molecules, test::idealGasForces(), o);
    restored.restoreState(saved);
    EXPECT_EQ(restored.volumeScale(), barostat.volumeScale());
    EXPECT_EQ(restored.accepted(), barostat.accepted());
    EXPECT_THROW(MonteCarloBarostat(masses, molecules, test::idealGasForces(), o).restoreState({}), SetupError);
    molecules.pop_back();
    EXPECT_THROW(MonteCarloBarostat(masses, molecules, test::idealGasForces(), o), SetupError);
}

TEST(MonteCarloBarostat, MovesMoleculesRigidly)
{
    // Two-atom molecules straddling the box edge stay whole (their COM is scaled, not their atoms).
    const std::vector<double> masses = {1.0, 3.0, 1.0, 1.0};
    MonteCarloBarostatOptions o;
    o.interval = 1;
    o.pressure = -1e6; // strongly favours expansion: accepted
    o.temperature = 300;
    MonteCarloBarostat barostat(masses, {{0, 2}, {2, 2}}, test::idealGasForces(), o);
    State state;
    state.box = Box::rectangular(2, 2, 2);
    state.positions = {Vec3{1.95, 1, 1}, Vec3{0.05, 1, 1}, Vec3{0.5, 0.5, 0.5}, Vec3{0.6, 0.5, 0.5}};
    const State before = state;
    StepEnergies e;
    int accepted = 0;
    for (int s = 0; s < 20; ++s) {
        e.step = s;
        accepted += barostat.apply(state, e) ? 1 : 0;
    }
    ASSERT_GT(accepted, 0);
    EXPECT_GT(state.box.volume(), 8.0);
    for (int m = 0; m < 2; ++m) {
        const Vec3 d0 = before.box.minimumImage(before.positions[2 * m + 1] - before.positions[2 * m]);
        const Vec3 d1 = state.box.minimumImage(state.positions[2 * m + 1] - state.positions[2 * m]);
        EXPECT_NEAR(norm(d1 - d0), 0.0, 1e-12);
    }
}

TEST(MakeBarostat, FollowsTheMdp)
{
    System system;
    system.masses = {1.0, 1.0};
    Topology topology;
    State state;
    state.box = Box::rectangular(3, 3, 3);
    MdpOptions mdp;
    mdp.refT = {300};
    mdp.tauT = {1};
    Diagnostics d;
    EXPECT_EQ(makeBarostat(mdp, system, topology, state, test::idealGasForces(), d), nullptr);
    mdp.pcoupl = "c-rescale";
    mdp.refP = {1.0};
    mdp.compressibility = {4.5e-5};
    mdp.tauP = 2;
    EXPECT_NE(
        dynamic_cast<CRescaleBarostat*>(makeBarostat(mdp, system, topology, state, test::idealGasForces(), d).get()),
        nullptr);
    EXPECT_TRUE(d.warnings.empty());
    mdp.pcoupl = "berendsen";
    EXPECT_NE(makeBarostat(mdp, system, topology, state, test::idealGasForces(), d), nullptr);
    ASSERT_EQ(d.warnings.size(), 1u);
    EXPECT_NE(d.warnings[0].find("Berendsen"), std::string::npos);
    mdp.pcoupl = "parrinello-rahman";
    EXPECT_THROW(makeBarostat(mdp, system, topology, state, test::idealGasForces(), d), SetupError);
    mdp.mcBarostat = true;
    EXPECT_THROW(makeBarostat(mdp, system, topology, state, test::idealGasForces(), d), SetupError); // both
    mdp.pcoupl = "no";
    EXPECT_NE(
        dynamic_cast<MonteCarloBarostat*>(makeBarostat(mdp, system, topology, state, test::idealGasForces(), d).get()),
        nullptr);
    EXPECT_THROW(makeBarostat(mdp, system, topology, State{}, test::idealGasForces(), d), SetupError); // no box
}

} // namespace

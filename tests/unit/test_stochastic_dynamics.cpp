// Stochastic dynamics (sd): canonical kinetic energy on an LJ fluid, with distance constraints (the
// constrained degrees of freedom are not heated), reproducibility by seed, and plain leap-frog when
// a group has no friction (tau-t < 0).

#include <gtest/gtest.h>

#include <cmath>

#include "dynamics_test_toys.h"

#include "proteinmd/core/units.h"
#include "proteinmd/integrators/integrator.h"

using namespace proteinmd;

namespace {

StochasticDynamicsOptions sdOptions(double temperature, double tau, std::uint64_t seed)
{
    StochasticDynamicsOptions o;
    o.referenceTemperatures = {temperature};
    o.frictionTimes = {tau};
    o.seed = seed;
    return o;
}

TEST(StochasticDynamics, CanonicalKineticEnergyOnLennardJonesFluid)
{
    auto toy = test::makeLennardJones(4, 0.8, 100.0, 8); // starts colder than the bath
    auto integrator = makeStochasticDynamics(toy.system, toy.forces(), nullptr, IntegratorOptions{0.005, 100, "Linear"},
                                             sdOptions(120, 0.5, 31));
    const int ndf = integrator->degreesOfFreedom();
    std::vector<double> kinetic;
    for (int s = 0; s < 16000; ++s) {
        const StepEnergies e = integrator->step(toy.state);
        if (s >= 1000) {
            kinetic.push_back(e.kinetic);
        }
    }
    const auto m = test::moments(kinetic);
    const double kT = units::kBoltzmann * 120.0;
    std::printf("sd: <K>/K_ref %.4f, var(K)/canonical %.3f\n", m.mean / (0.5 * ndf * kT),
                m.variance / (0.5 * ndf * kT * kT));
    EXPECT_NEAR(m.mean / (0.5 * ndf * kT), 1.0, 0.02);
    EXPECT_NEAR(m.variance / (0.5 * ndf * kT * kT), 1.0, 0.25);
}

TEST(StochasticDynamics, ConstrainedDimersStayRigidAtTheBathTemperature)
{
    // 40 dimers tethered harmonically to the origin, each held at 0.1 nm by a distance constraint.
    const int n = 80;
    auto toy = test::makeOscillators(n, 10.0);
    toy.k = 200;
    for (int i = 0; i < n; i += 2) {
        toy.system.constraints.push_back(DistanceConstraint{{i, i + 1}, 0.1});
    }
    State state;
    for (int i = 0; i < n; i += 2) {
        const Vec3 c{0.05 * std::sin(i), 0.05 * std::cos(i), 0.02 * i / n};
        state.positions.push_back(c);
        state.positions.push_back(c + Vec3{0.1, 0, 0});
    }
    state.velocities.assign(static_cast<std::size_t>(n), Vec3{});
    const Constraints constraints(toy.system);
    auto integrator = makeStochasticDynamics(toy.system, toy.forces(), &constraints,
                                             IntegratorOptions{0.002, 0, "None"}, sdOptions(300, 0.05, 3));
    ASSERT_EQ(integrator->degreesOfFreedom(), 3 * n - n / 2);
    double sum = 0;
    int count = 0;
    for (int s = 0; s < 15000; ++s) {
        const StepEnergies e = integrator->step(state);
        if (s >= 1000) {
            sum += e.temperature;
            ++count;
        }
    }
    std::printf("sd with constraints: <T> %.2f K\n", sum / count);
    EXPECT_NEAR(sum / count, 300.0, 6.0);
    EXPECT_LT(constraints.maxRelativeDeviation(state.positions, state.box), 1e-9);
}

TEST(StochasticDynamics, ReproducibleBySeedAndLeapFrogWithoutFriction)
{
    auto run = [](StochasticDynamicsOptions o, bool leapFrog) {
        auto toy = test::makeOscillators(8, 12.0);
        State state = test::oscillatorStart(8);
        const IntegratorOptions options{0.002, 0, "None"};
        auto integrator = leapFrog ? makeLeapFrog(toy.system, toy.forces(), nullptr, options)
                                   : makeStochasticDynamics(toy.system, toy.forces(), nullptr, options, o);
        for (int s = 0; s < 200; ++s) {
            integrator->step(state);
        }
        return state.positions;
    };
    EXPECT_EQ(run(sdOptions(300, 1.0, 5), false), run(sdOptions(300, 1.0, 5), false));
    EXPECT_NE(run(sdOptions(300, 1.0, 5), false), run(sdOptions(300, 1.0, 6), false));
    EXPECT_EQ(run(sdOptions(300, -1.0, 5), false), run({}, true));
    auto toy = test::makeOscillators(2, 1.0);
    EXPECT_THROW(makeStochasticDynamics(toy.system, toy.forces(), nullptr, IntegratorOptions{}, sdOptions(300, 0, 1)),
                 SetupError);
}

} // namespace

// Integrator building blocks: Philox known answers, Maxwell-Boltzmann generation, degrees of freedom,
// and the integrators on toy harmonic systems (exact solutions, v-rescale's canonical distribution).

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "proteinmd/core/units.h"
#include "proteinmd/integrators/barostat.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/integrators/philox.h"
#include "proteinmd/integrators/thermostat.h"
#include "proteinmd/integrators/velocity_generation.h"
#include "proteinmd/io/mdp.h"
#include "dynamics_test_toys.h"

using namespace proteinmd;

namespace {

TEST(Philox, KnownAnswersFromRandom123)
{
    // Known-answer vectors of the Random123 distribution (kat_vectors, philox4x32 10 rounds).
    EXPECT_EQ(philox4x32({0, 0, 0, 0}, {0, 0}), (PhiloxCounter{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
    EXPECT_EQ(philox4x32({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu}),
              (PhiloxCounter{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
    EXPECT_EQ(philox4x32({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u}),
              (PhiloxCounter{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

TEST(Philox, NormalDeviatesHaveUnitMomentsAndDependOnlyOnTheirKey)
{
    double sum = 0, sum2 = 0, sum4 = 0;
    const int n = 50000;
    for (int i = 0; i < n; ++i) {
        for (double z : normalQuad(42, RandomPurpose::Thermostat, 7, static_cast<std::uint32_t>(i))) {
            sum += z;
            sum2 += z * z;
            sum4 += z * z * z * z;
        }
    }
    const double count = 4.0 * n;
    EXPECT_NEAR(sum / count, 0.0, 0.01);
    EXPECT_NEAR(sum2 / count, 1.0, 0.01);
    EXPECT_NEAR(sum4 / count, 3.0, 0.06);
    EXPECT_EQ(normalQuad(42, RandomPurpose::Thermostat, 7, 3), normalQuad(42, RandomPurpose::Thermostat, 7, 3));
    EXPECT_NE(normalQuad(42, RandomPurpose::Thermostat, 7, 3), normalQuad(42, RandomPurpose::Thermostat, 8, 3));
    EXPECT_NE(normalQuad(42, RandomPurpose::Thermostat, 7, 3), normalQuad(43, RandomPurpose::Thermostat, 7, 3));
}

TEST(VelocityGeneration, ExactTemperatureZeroMomentumAndReproducible)
{
    std::vector<double> masses;
    for (int i = 0; i < 3000; ++i) { masses.push_back(i % 3 == 0 ? 15.9994 : 1.008); }
    masses.push_back(0.0); // a virtual site stays at rest
    std::vector<Vec3> v(masses.size());
    generateVelocities(masses, 300.0, 1234, v);
    EXPECT_EQ(v.back(), Vec3{});
    const Vec3 vcm = centerOfMassVelocity(masses, v);
    EXPECT_LT(norm(vcm), 1e-14);
    // Scaled to exactly 300 K over 3N before the COM removal, which takes out a tiny amount more.
    const double t3n = 2 * kineticEnergy(masses, v) / (3.0 * 3000 * units::kBoltzmann);
    EXPECT_LT(t3n, 300.0);
    EXPECT_GT(t3n, 300.0 * (1 - 1e-2));
    // Each species follows its own Maxwell-Boltzmann width: <m v_x^2> = kB T.
    double oxygen = 0, hydrogen = 0;
    for (std::size_t i = 0; i < 3000; ++i) {
        (i % 3 == 0 ? oxygen : hydrogen) += masses[i] * norm2(v[i]) / 3.0;
    }
    EXPECT_NEAR(oxygen / 1000 / (units::kBoltzmann * 300), 1.0, 0.06);
    EXPECT_NEAR(hydrogen / 2000 / (units::kBoltzmann * 300), 1.0, 0.05);
    std::vector<Vec3> again(masses.size()), other(masses.size());
    generateVelocities(masses, 300.0, 1234, again);
    generateVelocities(masses, 300.0, 4321, other);
    EXPECT_EQ(v, again);
    EXPECT_NE(v, other);
}

TEST(DegreesOfFreedom, CountsConstraintsSettlesAndComRemoval)
{
    System s;
    s.masses = {16, 1, 1, 16, 1, 1, 12, 1, 0};
    s.settles = {SettleGroup{{0, 1, 2}, 0.1, 0.15}, SettleGroup{{3, 4, 5}, 0.1, 0.15}};
    s.constraints = {DistanceConstraint{{6, 7}, 0.1}};
    EXPECT_EQ(degreesOfFreedom(s, "Linear"), 24 - 6 - 1 - 3);
    EXPECT_EQ(degreesOfFreedom(s, "None"), 24 - 6 - 1);
    EXPECT_THROW(degreesOfFreedom(s, "Angular"), SetupError);
}

// Independent 3D harmonic oscillators (k, m) around the origin; no box.
struct HarmonicToy {
    System system;
    double k = 1000; // kJ/mol/nm^2
    ForceFunction forces()
    {
        return [this](std::span<const Vec3> x, const Box&, ForceOutput& out) {
            out.reset(static_cast<int>(x.size()));
            double energy = 0;
            for (std::size_t i = 0; i < x.size(); ++i) {
                out.forces[i] = -k * x[i];
                energy += 0.5 * k * norm2(x[i]);
            }
            out.energies.add(EnergyTerm::Bond, energy);
        };
    }
};

HarmonicToy makeToy(int n, double mass)
{
    HarmonicToy toy;
    toy.system.masses.assign(static_cast<std::size_t>(n), mass);
    return toy;
}

TEST(Integrators, VelocityVerletAndLeapFrogFollowTheHarmonicSolution)
{
    HarmonicToy toy = makeToy(1, 10.0);
    const double omega = std::sqrt(toy.k / 10.0), dt = 0.001;
    for (const bool leapFrog : {false, true}) {
        State state;
        state.positions = {Vec3{0.1, 0, 0}};
        // Leap-frog wants v(-dt/2) = -A omega sin(-omega dt/2).
        state.velocities = {Vec3{leapFrog ? 0.1 * omega * std::sin(omega * dt / 2) : 0.0, 0, 0}};
        IntegratorOptions options{dt, 0, "None"};
        auto integrator = leapFrog ? makeLeapFrog(toy.system, toy.forces(), nullptr, options)
                                   : makeVelocityVerlet(toy.system, toy.forces(), nullptr, options);
        const int steps = 1000;
        for (int s = 0; s < steps; ++s) { integrator->step(state); }
        const double exact = 0.1 * std::cos(omega * steps * dt);
        EXPECT_NEAR(state.positions[0].x, exact, 2e-4) << (leapFrog ? "leap-frog" : "md-vv");
        EXPECT_NEAR(state.time, steps * dt, 1e-12);
        EXPECT_EQ(state.step, steps);
    }
}

class VRescale : public ::testing::TestWithParam<bool> {}; // true: leap-frog, false: velocity Verlet

TEST_P(VRescale, CanonicalMeanAndVarianceOfKineticEnergy)
{
    const bool leapFrog = GetParam();
    const int n = 100;
    HarmonicToy toy = makeToy(n, 12.0);
    State state;
    for (int i = 0; i < n; ++i) {
        state.positions.push_back(Vec3{0.01 * std::sin(i), 0.01 * std::cos(3 * i), 0.005 * i / n});
    }
    state.velocities.assign(static_cast<std::size_t>(n), Vec3{});
    VRescaleThermostat thermostat(300.0, 0.05, 2024);
    const IntegratorOptions options{0.002, 0, "None"};
    auto integrator = leapFrog ? makeLeapFrog(toy.system, toy.forces(), nullptr, options, &thermostat)
                               : makeVelocityVerlet(toy.system, toy.forces(), nullptr, options, &thermostat);
    state.velocities[0] = Vec3{1, 0, 0}; // any non-zero start
    const int ndf = integrator->degreesOfFreedom();
    ASSERT_EQ(ndf, 3 * n);
    double sum = 0, sum2 = 0;
    int count = 0;
    double driftStart = 0;
    for (int s = 0; s < 40000; ++s) {
        const StepEnergies e = integrator->step(state);
        if (s == 2000) {
            driftStart = e.conserved;
        }
        if (s >= 2000) {
            sum += e.kinetic;
            sum2 += e.kinetic * e.kinetic;
            ++count;
        }
        if (s == 39999) {
            // The conserved energy only drifts by the integration error.
            EXPECT_NEAR(e.conserved, driftStart, 0.01 * e.kinetic);
        }
    }
    const double mean = sum / count;
    const double variance = sum2 / count - mean * mean;
    const double kT = units::kBoltzmann * 300.0;
    std::printf("v-rescale (%s): <K>/K_ref %.4f, var(K)/canonical %.3f\n", leapFrog ? "leap-frog" : "md-vv",
                mean / (0.5 * ndf * kT), variance / (0.5 * ndf * kT * kT));
    EXPECT_NEAR(mean / (0.5 * ndf * kT), 1.0, 0.01);
    EXPECT_NEAR(variance / (0.5 * ndf * kT * kT), 1.0, 0.15);
}

INSTANTIATE_TEST_SUITE_P(Integrators, VRescale, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& param) {
                             return std::string(param.param ? "LeapFrog" : "VelocityVerlet");
                         });

TEST(MakeIntegrator, FollowsTheMdpAndRefusesWhatIsNotImplemented)
{
    HarmonicToy toy = makeToy(2, 1.0);
    MdpOptions mdp;
    mdp.commMode = "None";
    mdp.integrator = "md";
    EXPECT_NE(makeIntegrator(mdp, toy.system, toy.forces(), nullptr), nullptr);
    mdp.integrator = "md-vv";
    EXPECT_NE(makeIntegrator(mdp, toy.system, toy.forces(), nullptr), nullptr);
    mdp.integrator = "sd";
    EXPECT_THROW(makeIntegrator(mdp, toy.system, toy.forces(), nullptr), SetupError); // no tc group
    mdp.tauT = {1.0};
    mdp.refT = {300};
    EXPECT_NE(makeIntegrator(mdp, toy.system, toy.forces(), nullptr), nullptr);
    mdp.integrator = "bd";
    EXPECT_THROW(makeIntegrator(mdp, toy.system, toy.forces(), nullptr), SetupError);
    mdp.integrator = "md";

    mdp.tcoupl = "no";
    EXPECT_EQ(makeThermostat(mdp), nullptr);
    mdp.tcoupl = "v-rescale";
    mdp.tauT = {0.1};
    mdp.refT = {300};
    mdp.ldSeed = 5;
    EXPECT_NE(makeThermostat(mdp), nullptr);
    mdp.tcoupl = "nose-hoover";
    EXPECT_NE(makeThermostat(mdp), nullptr);
    mdp.tauT = {0.1, 0.1};
    mdp.refT = {300, 300};
    EXPECT_THROW(makeThermostat(mdp), SetupError); // several groups need the topology
    mdp.tcoupl = "andersen";
    mdp.tauT = {0.1};
    mdp.refT = {300};
    EXPECT_THROW(makeThermostat(mdp), SetupError);
}

} // namespace

// nstcalcenergy: the integrators ask for energies only on the steps the rule names (velocity Verlet
// computes step k+1's forces at the end of step k, so it must ask for k+1), report hasPotential
// accordingly, and the trajectory does not depend on the rule when the forces do not.
TEST(Integrators, AskForEnergiesOnlyOnTheStepsTheRuleNames)
{
    for (const char* kind : {"md", "md-vv", "sd"}) {
        SCOPED_TRACE(kind);
        test::OscillatorToy toy = test::makeOscillators(5, 12.0);
        std::vector<bool> asked;
        ForceFunction base = toy.forces();
        ForceFunction recording = [&](std::span<const Vec3> x, const Box& box, ForceOutput& out) {
            asked.push_back(out.energiesWanted);
            base(x, box, out);
        };
        const auto run = [&](ForceFunction forces, std::function<bool(std::int64_t)> rule) {
            IntegratorOptions options{0.002, 0, "None"};
            options.energyOnStep = std::move(rule);
            std::unique_ptr<Integrator> integrator;
            if (std::string(kind) == "md") {
                integrator = makeLeapFrog(toy.system, forces, nullptr, options);
            } else if (std::string(kind) == "md-vv") {
                integrator = makeVelocityVerlet(toy.system, forces, nullptr, options);
            } else {
                StochasticDynamicsOptions sd;
                sd.referenceTemperatures = {300};
                sd.frictionTimes = {1.0};
                sd.seed = 7;
                integrator = makeStochasticDynamics(toy.system, forces, nullptr, options, sd);
            }
            State state = test::oscillatorStart(5);
            std::vector<StepEnergies> energies;
            for (int s = 0; s < 7; ++s) {
                energies.push_back(integrator->step(state));
            }
            return std::make_pair(energies, state);
        };
        const auto [everyStep, stateEvery] = run(toy.forces(), {});
        const auto [sparse, stateSparse] = run(recording, [](std::int64_t step) { return step % 3 == 0; });
        // md and sd: one call per step 0..6; md-vv: step 0 at the start, then step k+1 at the end of step k.
        const std::vector<bool> expected = std::string(kind) == "md-vv"
                                               ? std::vector<bool>{true, false, false, true, false, false, true, false}
                                               : std::vector<bool>{true, false, false, true, false, false, true};
        EXPECT_EQ(asked, expected);
        for (std::size_t s = 0; s < sparse.size(); ++s) {
            const bool energyStep = s % 3 == 0;
            EXPECT_EQ(sparse[s].hasPotential, energyStep) << "step " << s;
            EXPECT_TRUE(everyStep[s].hasPotential);
            if (energyStep) {
                EXPECT_EQ(sparse[s].potential, everyStep[s].potential) << "step " << s;
                EXPECT_GT(sparse[s].potential, 0.0);
            } else {
                EXPECT_EQ(sparse[s].potential, 0.0) << "step " << s;
            }
            // The leap-frog and md-vv sum kinetic energies only on energy steps (no barostat here);
            // sd on every step (its conserved energy books the friction's work each step).
            const bool kineticStep = energyStep || std::string(kind) == "sd";
            EXPECT_EQ(sparse[s].hasKinetic, kineticStep) << "step " << s;
            EXPECT_TRUE(everyStep[s].hasKinetic);
            EXPECT_EQ(sparse[s].kinetic, kineticStep ? everyStep[s].kinetic : 0.0) << "step " << s;
        }
        EXPECT_EQ(stateSparse.positions, stateEvery.positions);
    }
}

namespace {

// A barostat that never moves anything: only its presence matters below.
class IdleBarostat : public Barostat {
public:
    bool apply(State& /*state*/, const StepEnergies& /*energies*/) override { return false; }
};

} // namespace

// ForceOutput::virialWanted: off exactly where energies are (the virial is read with them), and on
// every step when a barostat reads the pressure, so backends may skip virial sums (PME's) only there.
TEST(Integrators, AskForTheVirialWithEnergiesOrWhenABarostatReadsIt)
{
    for (const char* kind : {"md", "md-vv", "sd"}) {
        for (const bool withBarostat : {false, true}) {
            SCOPED_TRACE(std::string(kind) + (withBarostat ? " with barostat" : ""));
            test::OscillatorToy toy = test::makeOscillators(5, 12.0);
            std::vector<bool> energies, virials;
            ForceFunction base = toy.forces();
            ForceFunction recording = [&](std::span<const Vec3> x, const Box& box, ForceOutput& out) {
                energies.push_back(out.energiesWanted);
                virials.push_back(out.virialWanted);
                base(x, box, out);
            };
            IntegratorOptions options{0.002, 0, "None"};
            options.energyOnStep = [](std::int64_t step) { return step % 3 == 0; };
            IdleBarostat idle;
            Barostat* barostat = withBarostat ? &idle : nullptr;
            std::unique_ptr<Integrator> integrator;
            if (std::string(kind) == "md") {
                integrator = makeLeapFrog(toy.system, recording, nullptr, options, nullptr, barostat);
            } else if (std::string(kind) == "md-vv") {
                integrator = makeVelocityVerlet(toy.system, recording, nullptr, options, nullptr, barostat);
            } else {
                StochasticDynamicsOptions sd;
                sd.referenceTemperatures = {300};
                sd.frictionTimes = {1.0};
                sd.seed = 7;
                integrator = makeStochasticDynamics(toy.system, recording, nullptr, options, sd, barostat);
            }
            State state = test::oscillatorStart(5);
            for (int s = 0; s < 7; ++s) {
                integrator->step(state);
            }
            ASSERT_EQ(virials.size(), energies.size());
            ASSERT_GE(energies.size(), 7u);
            for (std::size_t call = 0; call < energies.size(); ++call) {
                EXPECT_EQ(virials[call], withBarostat || energies[call]) << "call " << call;
            }
        }
    }
}

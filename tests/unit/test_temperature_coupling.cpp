// Temperature coupling: canonical kinetic-energy statistics (mean and variance against 1/2 ndf kT and
// 1/2 ndf (kT)^2) for v-rescale and Nose-Hoover chains with both integrators, Berendsen's too-narrow
// distribution, several tc groups at different temperatures, nsttcouple, bit-exact restarts, and
// the default-group selection from residue names.

#include <gtest/gtest.h>

#include <cmath>

#include "dynamics_test_toys.h"

#include "proteinmd/core/units.h"
#include "proteinmd/integrators/coupling_groups.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/integrators/temperature_coupling.h"
#include "proteinmd/io/mdp.h"

using namespace proteinmd;
using test::makeOscillators;
using test::moments;
using test::oscillatorStart;

namespace {

struct CanonicalCase {
    CouplingAlgorithm algorithm;
    bool leapFrog;
    int chainLength;
    const char* name;
};

class Canonical : public ::testing::TestWithParam<CanonicalCase> {};

TEST_P(Canonical, KineticEnergyMeanAndVariance)
{
    // 64 argon-like atoms, liquid density, 120 K: interacting, so a Nose-Hoover chain can equilibrate it.
    const CanonicalCase c = GetParam();
    auto toy = test::makeLennardJones(4, 0.8, 120.0, 5);
    TemperatureCouplingOptions o;
    o.algorithm = c.algorithm;
    o.referenceTemperatures = {120};
    o.timeConstants = {0.5};
    o.chainLength = c.chainLength;
    o.seed = 2;
    TemperatureCoupling thermostat(o);
    const IntegratorOptions options{0.005, 1, "Linear"};
    auto integrator = c.leapFrog ? makeLeapFrog(toy.system, toy.forces(), nullptr, options, &thermostat)
                                 : makeVelocityVerlet(toy.system, toy.forces(), nullptr, options, &thermostat);
    const int ndf = integrator->degreesOfFreedom();
    ASSERT_EQ(ndf, 189);
    std::vector<double> kinetic;
    double conservedStart = 0, conservedEnd = 0;
    for (int s = 0; s < 16000; ++s) { // 80 ps, 160 tau-t
        const StepEnergies e = integrator->step(toy.state);
        if (s == 1000) {
            conservedStart = e.conserved;
        }
        if (s >= 1000) {
            kinetic.push_back(e.kinetic);
            conservedEnd = e.conserved;
        }
    }
    const auto m = moments(kinetic);
    const double kT = units::kBoltzmann * 120.0;
    const double meanRatio = m.mean / (0.5 * ndf * kT), varianceRatio = m.variance / (0.5 * ndf * kT * kT);
    std::printf("%s: <K>/K_ref %.4f, var(K)/canonical %.3f, conserved drift %.2e of <K>\n", c.name, meanRatio,
                varianceRatio, (conservedEnd - conservedStart) / m.mean);
    // Statistical errors over ~160 relaxation times: ~0.8% on the mean, ~10% on the variance.
    EXPECT_NEAR(meanRatio, 1.0, 0.02);
    EXPECT_NEAR(varianceRatio, 1.0, 0.25);
    EXPECT_NEAR(conservedEnd, conservedStart, 0.02 * m.mean);
}

INSTANTIATE_TEST_SUITE_P(
    Thermostats, Canonical,
    ::testing::Values(CanonicalCase{CouplingAlgorithm::VRescale, true, 1, "VRescaleLeapFrog"},
                      CanonicalCase{CouplingAlgorithm::VRescale, false, 1, "VRescaleVelocityVerlet"},
                      // A single Nose-Hoover thermostat is not ergodic for independent oscillators (the
                      // reason for chains); the chain element works under leap-frog too, although
                      // makeThermostat keeps GROMACS's length 1 there.
                      CanonicalCase{CouplingAlgorithm::NoseHoover, true, 4, "NoseHooverChainLeapFrog"},
                      CanonicalCase{CouplingAlgorithm::NoseHoover, false, 10, "NoseHooverChainVelocityVerlet"}),
    [](const ::testing::TestParamInfo<CanonicalCase>& p) { return std::string(p.param.name); });

TEST(Berendsen, RightMeanButTooNarrowDistribution)
{
    const int n = 64;
    auto toy = makeOscillators(n, 12.0, 2e5);
    State state = oscillatorStart(n);
    TemperatureCouplingOptions o;
    o.algorithm = CouplingAlgorithm::Berendsen;
    o.referenceTemperatures = {300};
    o.timeConstants = {0.1};
    TemperatureCoupling thermostat(o);
    auto integrator = makeLeapFrog(toy.system, toy.forces(), nullptr, IntegratorOptions{0.002, 0, "None"}, &thermostat);
    std::vector<double> kinetic;
    for (int s = 0; s < 20000; ++s) {
        const StepEnergies e = integrator->step(state);
        if (s >= 2000) {
            kinetic.push_back(e.kinetic);
        }
    }
    const auto m = moments(kinetic);
    const double kT = units::kBoltzmann * 300.0, ndf = 3.0 * n;
    EXPECT_NEAR(m.mean / (0.5 * ndf * kT), 1.0, 0.02);
    EXPECT_LT(m.variance / (0.5 * ndf * kT * kT), 0.5); // the reason makeThermostat warns
}

TEST(TemperatureCoupling, GroupsReachTheirOwnTemperatures)
{
    const int n = 60;
    auto toy = makeOscillators(n, 12.0, 2e5);
    State state = oscillatorStart(n);
    TemperatureCouplingOptions o;
    o.referenceTemperatures = {200, 400};
    o.timeConstants = {0.1, 0.1};
    for (int i = 0; i < n; ++i) {
        o.groupOfAtom.push_back(i < 20 ? 0 : 1);
    }
    o.groupDegreesOfFreedom = groupDegreesOfFreedom(toy.system, o.groupOfAtom, 2, "None");
    EXPECT_EQ(o.groupDegreesOfFreedom, (std::vector<double>{60, 120}));
    o.seed = 3;
    TemperatureCoupling thermostat(o);
    auto integrator =
        makeVelocityVerlet(toy.system, toy.forces(), nullptr, IntegratorOptions{0.002, 0, "None"}, &thermostat);
    double k0 = 0, k1 = 0;
    int count = 0;
    for (int s = 0; s < 20000; ++s) {
        integrator->step(state);
        if (s >= 2000) {
            for (int i = 0; i < n; ++i) {
                const double k = 0.5 * 12.0 * norm2(state.velocities[static_cast<std::size_t>(i)]);
                (i < 20 ? k0 : k1) += k;
            }
            ++count;
        }
    }
    EXPECT_NEAR(2 * k0 / count / (60 * units::kBoltzmann), 200.0, 4.0);
    EXPECT_NEAR(2 * k1 / count / (120 * units::kBoltzmann), 400.0, 6.0);
}

TEST(TemperatureCoupling, CouplesEveryNstTcoupleStepsWithTheLongerInterval)
{
    TemperatureCouplingOptions o;
    o.algorithm = CouplingAlgorithm::Berendsen;
    o.referenceTemperatures = {300};
    o.timeConstants = {1.0};
    o.interval = 5;
    TemperatureCoupling thermostat(o);
    const int ndf = 30;
    const double kinetic = 0.5 * ndf * units::kBoltzmann * 330.0; // 330 K
    EXPECT_EQ(thermostat.scaleFactor(kinetic, ndf, 3, 0.002), 1.0);
    // Hand-computed: lambda^2 = 1 + (5 * 0.002 / 1.0) (300/330 - 1).
    const double expected = std::sqrt(1 + 0.01 * (300.0 / 330.0 - 1));
    EXPECT_NEAR(thermostat.scaleFactor(kinetic, ndf, 10, 0.002), expected, 1e-14);
    EXPECT_NEAR(thermostat.energyAdded(), (expected * expected - 1) * kinetic, 1e-12);
}

TEST(TemperatureCoupling, NoseHooverRestartIsBitExact)
{
    const int n = 16;
    auto toy = makeOscillators(n, 12.0, 2e5);
    TemperatureCouplingOptions o;
    o.algorithm = CouplingAlgorithm::NoseHoover;
    o.referenceTemperatures = {300};
    o.timeConstants = {0.1};
    o.chainLength = 4;
    TemperatureCoupling first(o);
    State state = oscillatorStart(n);
    const IntegratorOptions options{0.002, 0, "None"};
    auto integrator = makeVelocityVerlet(toy.system, toy.forces(), nullptr, options, &first);
    for (int s = 0; s < 100; ++s) {
        integrator->step(state);
    }
    Thermostat::StateMap saved;
    first.saveState(saved);
    State checkpoint = state;
    std::vector<double> reference;
    for (int s = 0; s < 100; ++s) {
        reference.push_back(integrator->step(state).conserved);
    }

    TemperatureCoupling second(o);
    second.restoreState(saved);
    auto restarted = makeVelocityVerlet(toy.system, toy.forces(), nullptr, options, &second);
    for (int s = 0; s < 100; ++s) {
        EXPECT_EQ(restarted->step(checkpoint).conserved, reference[static_cast<std::size_t>(s)]);
    }
    EXPECT_EQ(checkpoint.positions, state.positions);
    EXPECT_EQ(second.chainVelocities(0), first.chainVelocities(0));
    EXPECT_THROW(TemperatureCoupling(o).restoreState(Thermostat::StateMap{}), SetupError);
}

Topology mixedTopology()
{
    // ALA (3 atoms), LIG (2), SOL (3), NA (1)
    Topology t;
    const std::vector<std::pair<std::string, int>> residues = {{"ALA", 3}, {"LIG", 2}, {"SOL", 3}, {"NA", 1}};
    for (const auto& [name, atoms] : residues) {
        ResidueInfo r;
        r.name = name;
        r.firstAtom = t.numAtoms();
        r.numAtoms = atoms;
        for (int a = 0; a < atoms; ++a) {
            AtomInfo info;
            info.name = "X";
            info.residueIndex = static_cast<int>(t.residues.size());
            t.atoms.push_back(info);
        }
        t.residues.push_back(r);
    }
    return t;
}

TEST(CouplingGroups, DefaultGroupsFromResidueNames)
{
    const Topology t = mixedTopology();
    EXPECT_EQ(couplingGroupOfAtoms(t, std::vector<std::string>{"Protein", "non-Protein"}),
              (std::vector<int>{0, 0, 0, 1, 1, 1, 1, 1, 1}));
    EXPECT_EQ(couplingGroupOfAtoms(t, std::vector<std::string>{"water", "non-water"}),
              (std::vector<int>{1, 1, 1, 1, 1, 0, 0, 0, 1}));
    EXPECT_EQ(couplingGroupOfAtoms(t, std::vector<std::string>{"non-Water", "SOL"}),
              (std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1, 0}));
    EXPECT_THROW(couplingGroupOfAtoms(t, std::vector<std::string>{"Water_and_ions", "non-Protein"}), SetupError);
    EXPECT_EQ(couplingGroupOfAtoms(t, std::vector<std::string>{"System"}), std::vector<int>(9, 0));
    EXPECT_EQ(classifyResidue("HOH"), ResidueClass::Water);
    EXPECT_EQ(classifyResidue("NME"), ResidueClass::Protein);
    EXPECT_EQ(classifyResidue("Cl"), ResidueClass::Ion);

    try {
        couplingGroupOfAtoms(t, std::vector<std::string>{"Membrane"});
        FAIL() << "unknown group accepted";
    } catch (const SetupError& e) {
        EXPECT_NE(std::string(e.what()).find("'Membrane'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("Water_and_ions"), std::string::npos) << e.what();
    }
    EXPECT_THROW(couplingGroupOfAtoms(t, std::vector<std::string>{"Protein", "System"}), SetupError); // overlap
    try {
        couplingGroupOfAtoms(t, std::vector<std::string>{"Protein", "SOL"});
        FAIL() << "uncoupled atoms accepted";
    } catch (const SetupError& e) {
        EXPECT_NE(std::string(e.what()).find("LIG"), std::string::npos) << e.what();
    }
}

TEST(CouplingGroups, DegreesOfFreedomFollowGrompp)
{
    System s;
    s.masses = {16, 1, 1, 12, 1, 1};
    s.settles = {SettleGroup{{0, 1, 2}, 0.1, 0.15}};
    s.constraints = {DistanceConstraint{{3, 4}, 0.1}, DistanceConstraint{{2, 5}, 0.1}}; // one across groups
    const std::vector<int> groups = {0, 0, 0, 1, 1, 1};
    const auto none = groupDegreesOfFreedom(s, groups, 2, "None");
    EXPECT_DOUBLE_EQ(none[0], 9 - 3 - 0.5);
    EXPECT_DOUBLE_EQ(none[1], 9 - 1 - 0.5);
    const auto linear = groupDegreesOfFreedom(s, groups, 2, "Linear");
    EXPECT_DOUBLE_EQ(linear[0] + linear[1], degreesOfFreedom(s, "Linear"));
    EXPECT_DOUBLE_EQ(linear[0] / linear[1], none[0] / none[1]);
}

TEST(MakeThermostat, GroupsWarningsAndChainLength)
{
    Topology t = mixedTopology();
    System s;
    s.masses.assign(9, 10.0);
    MdpOptions mdp;
    mdp.integrator = "md";
    mdp.tcoupl = "berendsen";
    mdp.tcGroups = {"Protein", "non-Protein"};
    mdp.tauT = {0.1, 0.1};
    mdp.refT = {300, 310};
    mdp.ldSeed = 1;
    Diagnostics diagnostics;
    auto thermostat = makeThermostat(mdp, s, t, diagnostics);
    ASSERT_NE(thermostat, nullptr);
    ASSERT_EQ(diagnostics.warnings.size(), 1u);
    EXPECT_NE(diagnostics.warnings[0].find("canonical"), std::string::npos);
    const auto* coupling = dynamic_cast<const TemperatureCoupling*>(thermostat.get());
    ASSERT_NE(coupling, nullptr);
    EXPECT_EQ(coupling->numGroups(), 2);
    EXPECT_EQ(coupling->options().interval, 10); // GROMACS default: nstcalcenergy-like 10, tau-t allows it

    mdp.tcoupl = "nose-hoover";
    mdp.nhChainLength = 4;
    auto leapFrogNh = makeThermostat(mdp, s, t, diagnostics);
    EXPECT_EQ(dynamic_cast<const TemperatureCoupling&>(*leapFrogNh).options().chainLength, 1);
    // GROMACS: 10 steps unless tau-t spans fewer than 20 (Nose-Hoover) couplings: 0.1 / (0.001 * 20) = 5.
    EXPECT_EQ(dynamic_cast<const TemperatureCoupling&>(*leapFrogNh).options().interval, 5);
    mdp.integrator = "md-vv";
    auto vvNh = makeThermostat(mdp, s, t, diagnostics);
    EXPECT_EQ(dynamic_cast<const TemperatureCoupling&>(*vvNh).options().chainLength, 4);
    mdp.tcGroups = {"Protein", "Lipids"};
    EXPECT_THROW(makeThermostat(mdp, s, t, diagnostics), SetupError);
}

} // namespace

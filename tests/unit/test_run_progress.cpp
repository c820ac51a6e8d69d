// The progress reporter's timing rules, and pressure/density against hand-computed values.

#include <cmath>

#include <gtest/gtest.h>

#include "proteinmd/constraints/constraint_error.h"
#include "proteinmd/simulation/progress.h"
#include "proteinmd/simulation/stability.h"
#include "proteinmd/simulation/thermodynamics.h"

namespace proteinmd {
namespace {

ProgressInfo at(std::int64_t step, double seconds)
{
    return ProgressInfo{step, 0, 1000, static_cast<double>(step) * 0.002, 0.002, seconds};
}

TEST(ProgressReporter, TerminalLineIsRewrittenAtMostFourTimesASecond)
{
    ProgressReporter reporter(true, 0);
    int printed = 0;
    for (int step = 1; step <= 200; ++step) { // 200 steps over 2 s
        if (auto text = reporter.update(at(step, step * 0.01))) {
            ++printed;
            EXPECT_EQ(text->front(), '\r');
            EXPECT_EQ(text->find('\n'), std::string::npos);
        }
    }
    EXPECT_GE(printed, 7);
    EXPECT_LE(printed, 9);
    EXPECT_EQ(reporter.finish(), "\n");
}

TEST(ProgressReporter, PlainLinesEveryNStepsWithRateAndEta)
{
    ProgressReporter reporter(false, 100);
    std::vector<std::string> lines;
    for (int step = 1; step <= 1000; ++step) { // 10 ms per step: 100 steps/s
        if (auto text = reporter.update(at(step, step * 0.01))) {
            lines.push_back(*text);
        }
    }
    ASSERT_EQ(lines.size(), 10u);
    EXPECT_EQ(lines[0].back(), '\n');
    // 100 steps/s of 2 fs = 0.2 ps/s = 17.28 ns/day; at step 500, 500 steps left = 5 s.
    EXPECT_NEAR(reporter.currentNsPerDay(), 17.28, 0.01);
    EXPECT_NE(lines[4].find("step 500/1000"), std::string::npos) << lines[4];
    EXPECT_NE(lines[4].find("17.28 ns/day"), std::string::npos) << lines[4];
    EXPECT_NE(lines[4].find("ETA 0:05"), std::string::npos) << lines[4];
    EXPECT_EQ(reporter.finish(), "");
}

TEST(ProgressReporter, PlainLinesAboutEveryTenSecondsWithoutAStepInterval)
{
    ProgressReporter reporter(false, 0);
    int printed = 0;
    for (int step = 1; step <= 600; ++step) { // 0.1 s per step: 60 s
        if (reporter.update(at(step, step * 0.1))) {
            ++printed;
        }
    }
    EXPECT_GE(printed, 6);
    EXPECT_LE(printed, 8);
}

TEST(ProgressReporter, DurationFormat)
{
    EXPECT_EQ(ProgressReporter::formatDuration(3723), "1:02:03");
    EXPECT_EQ(ProgressReporter::formatDuration(187), "3:07");
    EXPECT_EQ(ProgressReporter::formatDuration(-1), "--:--");
}

// P = 2/(3V) (Ekin - tr Xi) * 16.6054 bar nm^3 mol/kJ (GROMACS PRESFAC).
TEST(Thermodynamics, PressureAndDensityByHand)
{
    Matrix3 virial{};
    virial[0] = Vec3{100, 5, 0};
    virial[1] = Vec3{5, 200, 0};
    virial[2] = Vec3{0, 0, 300};
    const double p = pressureBar(1500.0, virial, 27.0);
    EXPECT_NEAR(p, 2.0 / 81.0 * 900.0 * 16.6054, 1e-3);
    EXPECT_NEAR(units::kPressureFactorBar, 16.6054, 1e-4);
    // 1000 water molecules (18.015 amu) in 30 nm^3: 18015 * 1.66054e-27 kg / 3e-26 m^3 = 997.15 kg/m^3.
    EXPECT_NEAR(densityKgPerM3(18015.0, 30.0), 997.15, 0.01);
}

TEST(Stability, CheckStepFlagsNonFiniteEnergiesAndJumps)
{
    Topology topology;
    topology.atoms.resize(2); // unnamed atoms are described by number
    const std::vector<Vec3> before{{0, 0, 0}, {1, 0, 0}};
    std::vector<Vec3> after = before;
    EXPECT_FALSE(checkStep(-10, 5, before, after, Box(), topology).has_value());
    EXPECT_TRUE(checkStep(std::nan(""), 5, before, after, Box(), topology).has_value());
    EXPECT_TRUE(checkStep(-10, INFINITY, before, after, Box(), topology).has_value());
    after[1].x = 2.0; // 1 nm in one step
    const auto jump = checkStep(-10, 5, before, after, Box(), topology);
    ASSERT_TRUE(jump.has_value());
    EXPECT_EQ(jump->atoms, std::vector<int>{1});
    // The same jump across a periodic boundary is no jump.
    after[1].x = 1.0 + 3.0;
    EXPECT_FALSE(checkStep(-10, 5, before, after, Box::rectangular(3, 3, 3), topology).has_value());
}

TEST(Stability, CheckStepFindsTheAtomInAnyLaneAndTheTail)
{
    // 21 atoms: two full blocks of the quick pass's 8 lanes and a tail of 5. Each bad atom, in a lane
    // or in the tail, is found and named; small moves everywhere else are fine.
    constexpr int kAtoms = 21;
    Topology topology;
    topology.atoms.resize(kAtoms);
    std::vector<Vec3> before(kAtoms);
    for (int i = 0; i < kAtoms; ++i) {
        before[static_cast<std::size_t>(i)] = Vec3{0.1 * i, 0.05 * i, 0.0};
    }
    std::vector<Vec3> moved = before;
    for (Vec3& x : moved) {
        x.z += 0.01; // thermal-sized moves
    }
    EXPECT_FALSE(checkStep(-10, 5, before, moved, Box(), topology).has_value());
    for (int bad : {0, 7, 8, 12, 16, 17, 20}) {
        std::vector<Vec3> after = moved;
        after[static_cast<std::size_t>(bad)].y += 0.8;
        const auto jump = checkStep(-10, 5, before, after, Box(), topology);
        ASSERT_TRUE(jump.has_value()) << "atom " << bad;
        EXPECT_EQ(jump->atoms, std::vector<int>{bad});
        after[static_cast<std::size_t>(bad)].y = std::nan("");
        const auto notFinite = checkStep(-10, 5, before, after, Box(), topology);
        ASSERT_TRUE(notFinite.has_value()) << "atom " << bad;
        EXPECT_EQ(notFinite->atoms, std::vector<int>{bad});
    }
}

// A two-atom integrator for takeCheckedStep: moves atom 1 by `move` nm along x, or throws a
// constraint failure.
class ScriptedIntegrator : public Integrator {
public:
    double move = 0.01;
    bool failConstraints = false;
    StepEnergies step(State& state) override
    {
        if (failConstraints) {
            throw ConstraintError("SETTLE of water 3 could not rebuild it");
        }
        state.positions[1].x += move;
        StepEnergies e;
        e.step = state.step++;
        e.potential = -10;
        e.kinetic = 5;
        return e;
    }
    int degreesOfFreedom() const override { return 3; }
};

TEST(Stability, TakeCheckedStepKeepsTheLastGoodPositionsAndReportsWhatWentWrong)
{
    Topology topology;
    topology.atoms.resize(2);
    State state;
    state.positions = {{0, 0, 0}, {1, 0, 0}};
    ScriptedIntegrator integrator;
    std::vector<Vec3> lastGood;
    StepEnergies e;
    EXPECT_FALSE(takeCheckedStep(integrator, state, lastGood, topology, e).has_value());
    EXPECT_EQ(lastGood, (std::vector<Vec3>{{0, 0, 0}, {1, 0, 0}}));
    EXPECT_EQ(e.potential, -10);
    integrator.move = 0.9; // past the 0.5 nm limit
    const auto jump = takeCheckedStep(integrator, state, lastGood, topology, e);
    ASSERT_TRUE(jump.has_value());
    EXPECT_EQ(jump->atoms, std::vector<int>{1});
    EXPECT_DOUBLE_EQ(lastGood[1].x, 1.01); // the positions before the bad step
    integrator.failConstraints = true;
    const auto constraints = takeCheckedStep(integrator, state, lastGood, topology, e);
    ASSERT_TRUE(constraints.has_value());
    EXPECT_NE(constraints->what.find("constraints could not be satisfied"), std::string::npos) << constraints->what;
    EXPECT_NE(constraints->what.find("SETTLE of water 3"), std::string::npos) << constraints->what;
}

} // namespace
} // namespace proteinmd

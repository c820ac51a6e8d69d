// CpuForceField's pair-list state (saveState/restoreState/recompute): a force field restored from
// the state another one saved mid-trajectory gives, from there on, bit-identical energies, forces
// and virials; without the state it does not (so the comparison can fail).

#include <cstdint>
#include <random>

#include <gtest/gtest.h>

#include "proteinmd/backends/cpu_force_field.h"
#include "proteinmd/core/error.h"
#include "proteinmd/io/simulation_inputs.h"
#include "test_support/test_paths.h"

namespace proteinmd {
namespace {

constexpr int kSteps = 16;
constexpr int kSaveAt = 6;

SimulationInputs ala2Solvated()
{
    const auto dir = test::benchmarkDir("ala2_solvated");
    return loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", dir / "bench.mdp", {}, {}});
}

// A made-up trajectory: every atom drifts along its own random direction, up to 0.003 nm per step,
// so a 0.01 nm buffer is outgrown (rebuild on the displacement check) every couple of steps.
std::vector<std::vector<Vec3>> trajectory(const std::vector<Vec3>& start)
{
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(-0.0017, 0.0017);
    std::vector<Vec3> velocity(start.size());
    for (Vec3& v : velocity) {
        v = Vec3{u(rng), u(rng), u(rng)};
    }
    std::vector<std::vector<Vec3>> frames(kSteps, start);
    for (int s = 1; s < kSteps; ++s) {
        for (std::size_t i = 0; i < start.size(); ++i) {
            frames[static_cast<std::size_t>(s)][i] = frames[static_cast<std::size_t>(s) - 1][i] + velocity[i];
        }
    }
    return frames;
}

bool identical(const ForceOutput& a, const ForceOutput& b)
{
    return a.forces == b.forces && a.energies.values == b.energies.values && a.virial[0] == b.virial[0] &&
           a.virial[1] == b.virial[1] && a.virial[2] == b.virial[2];
}

CpuForceFieldOptions smallBufferOptions(const MdpOptions& mdp, bool prune)
{
    CpuForceFieldOptions o = cpuForceFieldOptions(mdp, 2);
    o.nstlist = 5;
    o.buffer = 0.01;
    o.pruneBuffer = prune ? 0.004 : -1;
    return o;
}

class CpuForceFieldState : public ::testing::TestWithParam<bool> {};

TEST_P(CpuForceFieldState, RestoredListContinuesBitForBit)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = ala2Solvated();
    const auto frames = trajectory(in.state.positions);
    const CpuForceFieldOptions options = smallBufferOptions(in.mdp, GetParam());
    const Box& box = in.state.box;

    CpuForceField continuous(in.system, in.mdp.nonbonded, box, options);
    ASSERT_TRUE(continuous.usesFastPath());
    std::vector<ForceOutput> expected(kSteps);
    CpuForceField::StateMap saved;
    for (int s = 0; s < kSteps; ++s) {
        if (s == kSaveAt) {
            continuous.saveState(saved);
        }
        continuous.compute(frames[static_cast<std::size_t>(s)], box, expected[static_cast<std::size_t>(s)]);
    }
    EXPECT_GT(continuous.pairListBuilds(), kSteps / 5 + 1) << "the displacement check never rebuilt";
    ASSERT_TRUE(saved.count("cpu_ff.list_positions"));
    EXPECT_EQ(saved.count("cpu_ff.prune_positions"), GetParam() ? 1u : 0u);

    CpuForceField resumed(in.system, in.mdp.nonbonded, box, options);
    resumed.restoreState(saved);
    EXPECT_EQ(resumed.steps(), kSaveAt);
    CpuForceField fresh(in.system, in.mdp.nonbonded, box, options); // the same steps, no saved state
    int freshDiffers = 0;
    for (int s = kSaveAt; s < kSteps; ++s) {
        ForceOutput out, freshOut;
        resumed.compute(frames[static_cast<std::size_t>(s)], box, out);
        EXPECT_TRUE(identical(out, expected[static_cast<std::size_t>(s)])) << "step " << s;
        fresh.compute(frames[static_cast<std::size_t>(s)], box, freshOut);
        freshDiffers += !identical(freshOut, expected[static_cast<std::size_t>(s)]);
    }
    EXPECT_GT(freshDiffers, 0) << "the list history made no difference: this test could not fail";
}

INSTANTIATE_TEST_SUITE_P(Pruning, CpuForceFieldState, ::testing::Bool(),
                         [](const auto& paramInfo) { return paramInfo.param ? "pruned" : "unpruned"; });

// recompute() at the last positions: the same result, no step counted, no rebuild.
TEST(CpuForceFieldStateRecompute, RepeatsTheLastCallWithoutCountingAStep)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = ala2Solvated();
    const auto frames = trajectory(in.state.positions);
    CpuForceField ff(in.system, in.mdp.nonbonded, in.state.box, smallBufferOptions(in.mdp, false));
    ForceOutput first, again;
    ff.compute(frames[0], in.state.box, first);
    ff.compute(frames[3], in.state.box, first);
    const long long builds = ff.pairListBuilds();
    ff.recompute(frames[3], in.state.box, again);
    EXPECT_TRUE(identical(first, again));
    EXPECT_EQ(ff.steps(), 2);
    EXPECT_EQ(ff.pairListBuilds(), builds);
}

TEST(CpuForceFieldStateRecompute, StateOfAnotherSystemIsASetupError)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = ala2Solvated();
    CpuForceField ff(in.system, in.mdp.nonbonded, in.state.box, smallBufferOptions(in.mdp, false));
    CpuForceField::StateMap state{{"cpu_ff.step", {3}},
                                  {"cpu_ff.list_positions", std::vector<double>(3 * 22, 1.0)},
                                  {"cpu_ff.list_box", {3, 0, 0, 0, 3, 0, 0, 0, 3}}};
    EXPECT_THROW(ff.restoreState(state), SetupError);
    state["cpu_ff.list_box"] = {3, 0, 0};
    EXPECT_THROW(ff.restoreState(state), SetupError);
    EXPECT_NO_THROW(ff.restoreState({})); // no saved list: built at the next step, as in a fresh run
}

} // namespace
} // namespace proteinmd

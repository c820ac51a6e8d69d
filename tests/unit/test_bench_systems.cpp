// The benchmark systems: lj32k's step-0 potential energy against LAMMPS (set by the fcc lattice),
// the water-box builder (atom counts, exclusions, density equal to the source's), unknown names.

#include <gtest/gtest.h>

#include <cmath>

#include "proteinmd/backends/cpu_force_field.h"
#include "proteinmd/backends/reference_force_field.h"
#include "proteinmd/core/error.h"
#include "proteinmd/io/npy.h"
#include "proteinmd/io/simulation_inputs.h"
#include "proteinmd/perf/bench_systems.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

TEST(BenchSystems, Lj32kStepZeroPotentialMatchesLammps)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    auto b = makeBenchSystem("lj32k", test::benchmarkDir(""));
    ASSERT_EQ(b->system.numAtoms(), 32000);
    ASSERT_TRUE(b->referencePotentialPerAtom);

    // Double-precision reference: LAMMPS prints 10 significant digits (-6.773368053 +- 5e-10).
    ReferenceForceField reference(b->system, b->mdp.nonbonded, b->state.box);
    ForceOutput ref;
    reference.compute(b->state.positions, b->state.box, ref);
    EXPECT_NEAR(ref.energies.total() / 32000, -6.773368053, 6e-10);

    // The single-precision SIMD path with the benchmark's list settings.
    CpuForceFieldOptions options = b->forceField;
    options.numThreads = 2;
    CpuForceField fast(b->system, b->mdp.nonbonded, b->state.box, options);
    ASSERT_TRUE(fast.usesFastPath());
    EXPECT_NEAR(fast.rlist(), 2.5 + 0.5, 1e-12); // the list's buffer; no pruning
    EXPECT_EQ(fast.pruneBuffer(), -1.0);
    ForceOutput out;
    fast.compute(b->state.positions, b->state.box, out);
    const double perAtom = out.energies.total() / 32000;
    EXPECT_NEAR(perAtom, -6.773368053, 1e-6 * 6.773368053);
    RecordProperty("fast_relative_error", std::to_string(std::abs(perAtom / -6.773368053 - 1)));
}

TEST(BenchSystems, WaterBoxReplicatesTheSourceWaters)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto dir = test::benchmarkDir("ala2_solvated");
    const SimulationInputs in = loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", dir / "bench.mdp", {}, {}});
    ASSERT_EQ(in.system.settles.size(), 749u);

    System water;
    State state;
    replicateWaters(in.system, in.state, {2, 2, 1}, water, state);
    EXPECT_EQ(water.numAtoms(), 4 * 749 * 3);
    EXPECT_EQ(state.numAtoms(), water.numAtoms());
    EXPECT_EQ(water.settles.size(), 4u * 749u);
    EXPECT_NEAR(water.totalCharge(), 0.0, 1e-9);
    EXPECT_TRUE(water.constraints.empty());
    EXPECT_EQ(water.exclusions[0], (std::vector<int>{1, 2}));
    EXPECT_EQ(water.exclusions[4], (std::vector<int>{3, 5}));

    // Mass density equals that of the source's waters in the source box.
    double sourceWaterMass = 0;
    for (const SettleGroup& s : in.system.settles) {
        for (int a : s.atoms) {
            sourceWaterMass += in.system.masses[static_cast<std::size_t>(a)];
        }
    }
    double mass = 0;
    for (double m : water.masses) {
        mass += m;
    }
    EXPECT_NEAR(mass / state.box.volume(), sourceWaterMass / in.state.box.volume(), 1e-9);
    EXPECT_NEAR(state.box.volume(), 4 * in.state.box.volume(), 1e-9);

    // Every copy sits one box vector away from the first.
    const std::size_t perCopy = 749 * 3;
    const Vec3 shift = state.positions[perCopy] - state.positions[0];
    EXPECT_NEAR(norm(shift), in.state.box.vectors()[1][1], 1e-12); // copies run k, then j, then i
}

TEST(BenchSystems, NamedWaterBoxesHaveTheDocumentedSizes)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    EXPECT_EQ(makeBenchSystem("water-1k", test::benchmarkDir(""))->system.numAtoms(), 2247);
    EXPECT_EQ(makeBenchSystem("water-10k", test::benchmarkDir(""))->system.numAtoms(), 8988);
}

TEST(BenchSystems, UnknownNameListsTheKnownOnes)
{
    try {
        makeBenchSystem("apoa1", "/nonexistent");
        FAIL() << "no exception";
    } catch (const SetupError& e) {
        EXPECT_NE(std::string(e.what()).find("lj32k"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("water-1m"), std::string::npos);
    }
}

TEST(BenchSystems, WaterBuilderRefusesASourceWithoutWaters)
{
    System dry;
    State state;
    state.box = Box::rectangular(3, 3, 3);
    System out;
    State outState;
    EXPECT_THROW(replicateWaters(dry, state, {1, 1, 1}, out, outState), SetupError);
}

TEST(BenchSystems, Lj32kStateFileMustBeNx6)
{
    const auto dir = test::scratchDir("bench_lj_bad");
    std::vector<Vec3> rows(4);
    writeNpy(dir / "bad.npy", rows); // N x 3
    EXPECT_THROW(makeLjFluid(dir / "bad.npy", 10.0), InputError);
}

} // namespace

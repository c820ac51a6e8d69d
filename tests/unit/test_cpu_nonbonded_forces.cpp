// The fast CPU non-bonded path against the double-precision reference backend on the shared
// benchmark systems: energies within 1e-6 relative, forces within 1e-5 relative RMS, virial
// within 1e-5 relative; 1- and 2-thread results bit-identical; the fallback equals the reference.
// Rectangular boxes and a rhombic dodecahedron (triclinic).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include <fmt/format.h>

#include "proteinmd/backends/cpu_nonbonded.h"
#include "proteinmd/backends/reference_nonbonded.h"
#include "proteinmd/core/error.h"
#include "proteinmd/io/simulation_inputs.h"
#include "test_support/force_comparison.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

SimulationInputs load(const char* system, const char* mdp) { return test::loadBenchmark(system, mdp); }
using test::relativeRms;

double relativeMatrixDiff(const Matrix3& a, const Matrix3& b)
{
    double diff2 = 0, ref2 = 0;
    for (int r = 0; r < 3; ++r) {
        diff2 += norm2(a[r] - b[r]);
        ref2 += norm2(b[r]);
    }
    return std::sqrt(diff2 / ref2);
}

ForceOutput runFast(const SimulationInputs& in, double buffer, int threads, bool energy = true)
{
    CpuNonbonded nb(in.system, in.mdp.nonbonded, in.state.box, buffer, threads);
    EXPECT_TRUE(nb.usesFastPath());
    ForceOutput out;
    out.reset(in.system.numAtoms());
    nb.buildPairList(in.state.positions, in.state.box);
    nb.compute(in.state.positions, in.state.box, out, energy);
    return out;
}

// nb.compute() at the inputs' positions (whatever its list state) against the reference: the
// short-range energies to 1e-6 relative, the forces to 1e-5 relative RMS.
void expectComputeMatchesReference(CpuNonbonded& nb, const SimulationInputs& in)
{
    ForceOutput fast, ref;
    fast.reset(in.system.numAtoms());
    ref.reset(in.system.numAtoms());
    nb.compute(in.state.positions, in.state.box, fast);
    addNonbondedForcesReference(in.system, in.mdp.nonbonded, in.state.positions, in.state.box, ref);
    for (EnergyTerm t : {EnergyTerm::LjSr, EnergyTerm::CoulombSr}) {
        EXPECT_NEAR(fast.energies[t], ref.energies[t], 1e-6 * std::abs(ref.energies[t])) << energyTermKey(t);
    }
    EXPECT_LT(relativeRms(fast.forces, ref.forces), 1e-5);
}

void compareWithReference(const SimulationInputs& in, double buffer)
{
    ForceOutput ref;
    ref.reset(in.system.numAtoms());
    addNonbondedForcesReference(in.system, in.mdp.nonbonded, in.state.positions, in.state.box, ref);
    const ForceOutput fast = runFast(in, buffer, 2);

    for (EnergyTerm t : {EnergyTerm::LjSr, EnergyTerm::CoulombSr, EnergyTerm::DispersionCorrection}) {
        const double r = ref.energies.values[static_cast<std::size_t>(t)];
        const double f = fast.energies.values[static_cast<std::size_t>(t)];
        EXPECT_EQ(ref.energies.present[static_cast<std::size_t>(t)], fast.energies.present[static_cast<std::size_t>(t)]);
        EXPECT_NEAR(f, r, 1e-6 * std::abs(r) + 1e-9) << energyTermKey(t);
        ::testing::Test::RecordProperty(std::string(energyTermKey(t)) + "_relative_error",
                       fmt::format("{:.3g}", r != 0 ? std::abs(f - r) / std::abs(r) : std::abs(f)));
    }
    EXPECT_LT(relativeRms(fast.forces, ref.forces), 1e-5);
    EXPECT_LT(relativeMatrixDiff(fast.virial, ref.virial), 1e-5);
    ::testing::Test::RecordProperty("force_relative_rms", fmt::format("{:.3g}", relativeRms(fast.forces, ref.forces)));
    ::testing::Test::RecordProperty("virial_relative_error", fmt::format("{:.3g}", relativeMatrixDiff(fast.virial, ref.virial)));
}

} // namespace

TEST(CpuNonbonded, Ala2SolvatedReactionFieldMatchesReference)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    compareWithReference(load("ala2_solvated", "energy_rf.mdp"), 0.1);
}

TEST(CpuNonbonded, Ala2SolvatedEwaldRealSpaceMatchesReference)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    compareWithReference(load("ala2_solvated", "energy.mdp"), 0.1);
}

TEST(CpuNonbonded, Ala2SolvatedPlainCutoffNoModifiersMatchesReference)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = load("ala2_solvated", "energy_rf.mdp");
    in.mdp.nonbonded.coulombType = CoulombType::CutOff;
    in.mdp.nonbonded.coulombModifier = InteractionModifier::None;
    in.mdp.nonbonded.vdwModifier = InteractionModifier::None;
    compareWithReference(in, 0.0);
}

TEST(CpuNonbonded, Ala2SolvatedForceSwitchMatchesReference)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = load("ala2_solvated", "energy_rf.mdp");
    in.mdp.nonbonded.vdwModifier = InteractionModifier::ForceSwitch;
    in.mdp.nonbonded.rvdwSwitch = 0.8;
    compareWithReference(in, 0.1);
}

TEST(CpuNonbonded, Ala2SolvatedPotentialSwitchEwaldMatchesReference)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = load("ala2_solvated", "energy.mdp");
    in.mdp.nonbonded.vdwModifier = InteractionModifier::PotentialSwitch;
    in.mdp.nonbonded.rvdwSwitch = 0.7;
    compareWithReference(in, 0.1);
}

TEST(CpuNonbonded, Ala2SolvatedShorterLjCutoffThanCoulombMatchesReference)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = load("ala2_solvated", "energy.mdp");
    in.mdp.nonbonded.rvdw = 0.8;
    in.mdp.nonbonded.vdwModifier = InteractionModifier::PotentialShift;
    in.mdp.nonbonded.coulombModifier = InteractionModifier::PotentialShift;
    compareWithReference(in, 0.05);
}

TEST(CpuNonbonded, DhfrEwaldRealSpaceMatchesReference)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    compareWithReference(load("dhfr", "energy.mdp"), 0.1);
}

TEST(CpuNonbonded, PrunedListStillMatchesReferenceAfterSmallMoves)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = load("ala2_solvated", "energy.mdp");
    const double buffer = 0.1, innerBuffer = 0.04;
    CpuNonbonded nb(in.system, in.mdp.nonbonded, in.state.box, buffer, 2);
    nb.buildPairList(in.state.positions, in.state.box);
    const long long full = nb.numClusterPairs();
    // Two random moves of just under innerBuffer / 2 each: the first before pruning (still within the
    // outer buffer), the second after it.
    std::mt19937 rng(11);
    std::normal_distribution<double> gauss;
    auto move = [&](std::vector<Vec3>& x) {
        for (Vec3& xi : x) {
            const Vec3 dir{gauss(rng), gauss(rng), gauss(rng)};
            xi += dir * (0.499 * innerBuffer / norm(dir));
        }
    };
    move(in.state.positions);
    nb.pruneList(in.state.positions, innerBuffer);
    EXPECT_LT(nb.numClusterPairs(), full);
    move(in.state.positions);
    EXPECT_FALSE(nb.needsRebuild(in.state.positions));

    expectComputeMatchesReference(nb, in);
}

TEST(CpuNonbonded, StaleListIsRebuiltByComputeAfterLargeMoves)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = load("ala2_solvated", "energy_rf.mdp");
    CpuNonbonded nb(in.system, in.mdp.nonbonded, in.state.box, 0.02, 1);
    nb.buildPairList(in.state.positions, in.state.box);
    nb.pruneList(in.state.positions, 0.01);
    // Every atom moves 0.05 nm: far beyond half of both buffers.
    for (std::size_t i = 0; i < in.state.positions.size(); ++i) {
        in.state.positions[i] += Vec3{i % 2 ? 0.03 : -0.03, 0.04, i % 3 ? 0.0 : 0.01};
    }
    expectComputeMatchesReference(nb, in);
}

TEST(CpuNonbonded, RefusesNonFinitePositions)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = load("ala2_solvated", "energy_rf.mdp");
    CpuNonbonded nb(in.system, in.mdp.nonbonded, in.state.box, 0.1, 1);
    nb.buildPairList(in.state.positions, in.state.box);
    in.state.positions[7].y = std::nan("");
    ForceOutput out;
    out.reset(in.system.numAtoms());
    EXPECT_THROW(nb.compute(in.state.positions, in.state.box, out), SetupError);
}

TEST(CpuNonbonded, OneAndTwoThreadsAreBitIdentical)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = load("ala2_solvated", "energy.mdp");
    const ForceOutput one = runFast(in, 0.1, 1);
    const ForceOutput two = runFast(in, 0.1, 2);
    ASSERT_EQ(one.forces.size(), two.forces.size());
    EXPECT_EQ(0, std::memcmp(one.forces.data(), two.forces.data(), one.forces.size() * sizeof(Vec3)));
    EXPECT_EQ(0, std::memcmp(&one.virial, &two.virial, sizeof(Matrix3)));
    EXPECT_EQ(0, std::memcmp(one.energies.values.data(), two.energies.values.data(),
                             one.energies.values.size() * sizeof(double)));
}

TEST(CpuNonbonded, ForceOnlyVariantGivesSameForcesAndNoEnergies)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = load("ala2_solvated", "energy.mdp");
    const ForceOutput withEnergy = runFast(in, 0.1, 1, true);
    const ForceOutput forceOnly = runFast(in, 0.1, 1, false);
    EXPECT_LT(relativeRms(forceOnly.forces, withEnergy.forces), 1e-7);
    EXPECT_LT(relativeMatrixDiff(forceOnly.virial, withEnergy.virial), 1e-7);
    for (std::size_t t = 0; t < kNumEnergyTerms; ++t) {
        EXPECT_FALSE(forceOnly.energies.present[t]);
    }
}

// A rhombic dodecahedron as editconf -bt dodecahedron makes it (tests/refdata/pme_dodecahedron_ala2):
// the fast path runs, matches the reference (energies, forces, virial; Ewald real space and reaction
// field), and 1 and 2 threads give the same bits.
TEST(CpuNonbonded, RhombicDodecahedronMatchesReference)
{
    const auto dir = test::refdataDir() / "pme_dodecahedron_ala2";
    SimulationInputs in = loadGromacsInputs(InputFiles{dir / "topol.top", dir / "conf.gro", dir / "energy.mdp", {}, {}});
    ASSERT_FALSE(in.state.box.isRectangular());
    compareWithReference(in, 0.1);
    const ForceOutput one = runFast(in, 0.1, 1);
    const ForceOutput two = runFast(in, 0.1, 2);
    EXPECT_EQ(0, std::memcmp(one.forces.data(), two.forces.data(), one.forces.size() * sizeof(Vec3)));
    EXPECT_EQ(0, std::memcmp(&one.virial, &two.virial, sizeof(Matrix3)));
    in.mdp.nonbonded.coulombType = CoulombType::ReactionField;
    in.mdp.nonbonded.epsilonRf = 78;
    compareWithReference(in, 0.05);
}

// A triclinic box not in GROMACS's reduced form (|bx| > ax/2) takes the reference fallback.
TEST(CpuNonbonded, UnreducedTriclinicBoxFallsBackToReference)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = load("ala2_solvated", "energy_rf.mdp");
    const Matrix3 v = in.state.box.vectors();
    in.state.box = Box::triclinic(v[0], Vec3{0.6 * v[0][0], v[1][1], 0}, v[2]);
    CpuNonbonded nb(in.system, in.mdp.nonbonded, in.state.box, 0.1, 2);
    EXPECT_FALSE(nb.usesFastPath());
    ForceOutput fast, ref;
    fast.reset(in.system.numAtoms());
    ref.reset(in.system.numAtoms());
    nb.compute(in.state.positions, in.state.box, fast);
    addNonbondedForcesReference(in.system, in.mdp.nonbonded, in.state.positions, in.state.box, ref);
    EXPECT_EQ(fast.energies.values, ref.energies.values);
    EXPECT_EQ(fast.forces, ref.forces);
}

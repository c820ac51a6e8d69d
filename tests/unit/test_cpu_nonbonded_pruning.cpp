// Dynamic pruning and the displacement bound behind both list checks: largestClosing is the sum of
// the two largest moves; a pruned list holds every pair within the cut-off as long as needsPrune
// is false, and is the same for any thread count; updatePrunedList keeps its schedule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "neighbor/cluster_pair_list.h"
#include "neighbor/displacement.h"
#include "test_support/test_paths.h"

#include "proteinmd/backends/cpu_force_field.h"
#include "proteinmd/backends/cpu_nonbonded.h"
#include "proteinmd/backends/verlet_buffer.h"
#include "proteinmd/core/error.h"
#include "proteinmd/io/simulation_inputs.h"

using namespace proteinmd;

namespace {

SimulationInputs loadAla2()
{
    const auto dir = test::benchmarkDir("ala2_solvated");
    return loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", dir / "energy.mdp", {}, {}});
}

// Slot positions in the list's frame, as CpuNonbonded hands them to prune().
void slotPositions(const ClusterPairList& list, std::span<const Vec3> positions, std::vector<float>& x,
                   std::vector<float>& y, std::vector<float>& z)
{
    const auto slots = list.slotAtoms();
    x.clear();
    y.clear();
    z.clear();
    for (std::size_t s = 0; s < slots.size(); ++s) {
        const std::size_t src = slots[s] >= 0 ? s : s - s % 4; // padding: the cluster's first atom
        const Vec3 p = positions[static_cast<std::size_t>(slots[src])] + list.slotOffsets()[src];
        x.push_back(static_cast<float>(p.x));
        y.push_back(static_cast<float>(p.y));
        z.push_back(static_cast<float>(p.z));
    }
}

} // namespace

TEST(LargestClosing, IsTheSumOfTheTwoLargestMoves)
{
    std::vector<Vec3> then(21, Vec3{1, 2, 3});
    std::vector<Vec3> now = then;
    EXPECT_EQ(largestClosing(now, then), 0.0);
    now[4].x += 0.3;
    EXPECT_NEAR(largestClosing(now, then), 0.3, 1e-12);
    now[12].y -= 0.4; // same lane as atom 4 in an 8-lane loop
    now[20].z += 0.1; // the remainder after the lanes
    EXPECT_NEAR(largestClosing(now, then), 0.7, 1e-12);
    now[17] += Vec3{0.5, 0, 0.5};
    EXPECT_NEAR(largestClosing(now, then), 0.4 + std::sqrt(0.5), 1e-12);
    now[3].x = std::numeric_limits<double>::quiet_NaN();
    EXPECT_TRUE(std::isinf(largestClosing(now, then)));
    EXPECT_NEAR(largestClosing(std::vector<Vec3>{Vec3{0.2, 0, 0}}, std::vector<Vec3>{Vec3{}}), 0.2, 1e-12);
}

namespace {

// Brute force: a pair within `cutoff` now that was farther than cutoff + buffer then.
bool somePairClosedIn(std::span<const Vec3> now, std::span<const Vec3> then, const Box& box, double cutoff,
                      double buffer)
{
    for (std::size_t i = 0; i < now.size(); ++i) {
        for (std::size_t j = i + 1; j < now.size(); ++j) {
            if (norm(box.minimumImage(now[i] - now[j])) < cutoff &&
                norm(box.minimumImage(then[i] - then[j])) > cutoff + buffer) {
                return true;
            }
        }
    }
    return false;
}

} // namespace

// Atoms A and B 1.15 nm apart (outside rc + buffer = 1.1), D 0.5 nm from A (listed with it), C far.
TEST(PairMayBeMissing, OnlyAPairNowInsideTheCutoffThatWasOutsideTheListCounts)
{
    const Box box = Box::rectangular(5, 5, 5);
    const double rc = 1.0, buffer = 0.1;
    const std::vector<Vec3> then{{1, 1, 1}, {2.15, 1, 1}, {4, 4, 4}, {1, 1.5, 1}};
    MoverScratch scratch;
    const auto missing = [&](const std::vector<Vec3>& now, long maxPairs = 1000, int threads = 1) {
        return pairMayBeMissing(now, then, box, rc, buffer, maxPairs, threads, scratch);
    };
    EXPECT_FALSE(missing(then));
    std::vector<Vec3> now = then;
    now[0].x += 0.06; // A and B: 0.12 closer, still 1.03 apart
    now[1].x -= 0.06;
    EXPECT_FALSE(missing(now));
    EXPECT_TRUE(missing(now, 0)); // more pairs to check than allowed: rebuild
    now[0].x += 0.02; // 0.99 apart: inside the cut-off, not in the list
    now[1].x -= 0.02;
    EXPECT_TRUE(missing(now));
    EXPECT_TRUE(missing(now, 1000, 2));
    now = then;
    now[0].x += 0.08; // A with far-away C
    now[2].x += 0.08;
    EXPECT_FALSE(missing(now));
    now = then;
    now[0].y += 0.08; // A with D, listed together
    now[3].y -= 0.08;
    EXPECT_FALSE(missing(now));
    now = then;
    now[2].x += 0.1001; // one atom alone past the buffer
    EXPECT_TRUE(missing(now));
    now = then;
    now[0].z = std::numeric_limits<double>::quiet_NaN();
    EXPECT_TRUE(missing(now));
}

// Across the periodic boundary: B sits 1.15 nm from A through the x face.
TEST(PairMayBeMissing, UsesTheMinimumImage)
{
    const Box box = Box::rectangular(5, 5, 5);
    const std::vector<Vec3> then{{0.5, 1, 1}, {4.35, 1, 1}};
    std::vector<Vec3> now = then;
    now[0].x -= 0.08;
    now[1].x += 0.0801; // 0.9899 apart through the face (the list frame may have wrapped either)
    MoverScratch scratch;
    EXPECT_TRUE(pairMayBeMissing(now, then, box, 1.0, 0.1, 1000, 1, scratch));
    now[1].x -= 0.02;
    EXPECT_FALSE(pairMayBeMissing(now, then, box, 1.0, 0.1, 1000, 1, scratch));
}

// Random gas, random moves of growing size: the answer is the brute-force one (no margin case
// arises at random), for 1 and 2 threads.
TEST(PairMayBeMissing, AgreesWithBruteForceOnRandomMoves)
{
    const Box box = Box::rectangular(4, 4, 4);
    const double rc = 0.9, buffer = 0.2;
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> uniform(0.0, 4.0);
    std::normal_distribution<double> gauss;
    std::vector<Vec3> then(1500);
    for (Vec3& x : then) {
        x = Vec3{uniform(rng), uniform(rng), uniform(rng)};
    }
    MoverScratch scratch;
    int missed = 0, kept = 0;
    for (int trial = 0; trial < 24; ++trial) {
        const double scale = 0.01 + 0.005 * trial; // per-component sigma of the moves (nm)
        std::vector<Vec3> now = then;
        for (Vec3& x : now) {
            x += Vec3{gauss(rng), gauss(rng), gauss(rng)} * scale;
        }
        const bool expected = somePairClosedIn(now, then, box, rc, buffer);
        EXPECT_EQ(pairMayBeMissing(now, then, box, rc, buffer, 1L << 40, 1, scratch), expected) << trial;
        EXPECT_EQ(pairMayBeMissing(now, then, box, rc, buffer, 1L << 40, 2, scratch), expected) << trial;
        const bool pastSum = largestClosing(now, then) > buffer;
        missed += expected ? 1 : 0;
        kept += (pastSum && !expected) ? 1 : 0;
    }
    EXPECT_GT(missed, 0); // both answers occur
    EXPECT_GT(kept, 0);   // and lists outlive the two-largest-moves bound
}

TEST(ClusterPairListPrune, OneAndTwoThreadsPruneToTheSameList)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    std::vector<float> x, y, z;
    ClusterPairList one, two;
    one.build(in.system, in.state.positions, in.state.box, 1.2, 1);
    two.build(in.system, in.state.positions, in.state.box, 1.2, 2);
    slotPositions(one, in.state.positions, x, y, z);
    one.prune(x, y, z, 1.03, 1);
    two.prune(x, y, z, 1.03, 2);
    EXPECT_LT(one.numClusterPairs(), one.numBuiltClusterPairs());
    ASSERT_EQ(one.numClusterPairs(), two.numClusterPairs());
    ASSERT_EQ(one.iEntries().size(), two.iEntries().size());
    std::size_t counted = 0;
    for (std::size_t k = 0; k < one.iEntries().size(); ++k) {
        const auto& a = one.iEntries()[k];
        const auto& b = two.iEntries()[k];
        EXPECT_EQ(a.cluster, b.cluster);
        EXPECT_EQ(a.shift, b.shift);
        ASSERT_EQ(a.jBegin, b.jBegin);
        ASSERT_EQ(a.jEnd, b.jEnd);
        // The pruned list keeps the built layout with gaps: read pairs through the entries.
        for (int j = a.jBegin; j < a.jEnd; ++j) {
            const auto u = static_cast<std::size_t>(j);
            EXPECT_EQ(one.jEntries()[u].cluster, two.jEntries()[u].cluster);
            EXPECT_EQ(one.jEntries()[u].interact, two.jEntries()[u].interact);
            EXPECT_EQ(one.jEntries()[u].excluded, two.jEntries()[u].excluded);
        }
        counted += static_cast<std::size_t>(a.jEnd - a.jBegin);
        if (k > 0) {
            EXPECT_GE(a.jBegin, one.iEntries()[k - 1].jEnd); // ranges do not overlap
        }
    }
    EXPECT_EQ(counted, one.numClusterPairs());
}

namespace {

// The per-part records of the current list: parts tile the i-entries in order; each part's touched
// groups cover its pairs' i- and j-clusters (a built part's exactly those); fullBegin splits each
// entry into masked then full pairs.
void expectPartRecordsMatchTheList(const ClusterPairList& list, bool exactTouch)
{
    const auto iEntries = list.iEntries();
    const auto jEntries = list.jEntries();
    const std::size_t numGroups =
        static_cast<std::size_t>((list.numClusters() + ClusterPairList::kTouchGroup - 1) / ClusterPairList::kTouchGroup);
    ASSERT_EQ(list.partBegin(0), 0);
    ASSERT_EQ(list.partBegin(ClusterPairList::kNumParts), static_cast<int>(iEntries.size()));
    ASSERT_EQ(list.fullBegin().size(), iEntries.size());
    for (int part = 0; part < ClusterPairList::kNumParts; ++part) {
        ASSERT_LE(list.partBegin(part), list.partBegin(part + 1));
        std::vector<std::uint8_t> used(numGroups, 0);
        for (int e = list.partBegin(part); e < list.partBegin(part + 1); ++e) {
            const auto& entry = iEntries[static_cast<std::size_t>(e)];
            used[static_cast<std::size_t>(entry.cluster / ClusterPairList::kTouchGroup)] = 1;
            const int split = list.fullBegin()[static_cast<std::size_t>(e)];
            ASSERT_LE(entry.jBegin, split);
            ASSERT_LE(split, entry.jEnd);
            for (int j = entry.jBegin; j < entry.jEnd; ++j) {
                const auto& pair = jEntries[static_cast<std::size_t>(j)];
                EXPECT_EQ(ClusterPairList::isFullPair(pair), j >= split) << "i-entry " << e << ", j " << j;
                used[static_cast<std::size_t>(pair.cluster / ClusterPairList::kTouchGroup)] = 1;
            }
        }
        const auto touched = list.partTouched(part);
        ASSERT_EQ(touched.size(), numGroups);
        for (std::size_t g = 0; g < numGroups; ++g) {
            if (exactTouch) {
                EXPECT_EQ(touched[g] != 0, used[g] != 0) << "part " << part << ", group " << g;
            } else if (used[g] != 0) {
                EXPECT_NE(touched[g], 0) << "part " << part << ", group " << g;
            }
        }
    }
}

} // namespace

TEST(ClusterPairListPrune, PartRecordsMatchTheBuiltAndThePrunedList)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    std::vector<float> x, y, z;
    for (int threads : {1, 2}) {
        ClusterPairList list;
        list.build(in.system, in.state.positions, in.state.box, 1.2, threads);
        expectPartRecordsMatchTheList(list, true);
        slotPositions(list, in.state.positions, x, y, z);
        list.prune(x, y, z, 1.03, threads);
        ASSERT_TRUE(list.isPruned());
        expectPartRecordsMatchTheList(list, false);
    }
}

// The pruned list of a ClusterPairList misses no pair while the two largest moves since the prune
// stay within the inner buffer (ClusterPairList.PrunedListHoldsEveryPair...); CpuNonbonded's check:
TEST(CpuNonbondedPrune, NeedsPruneWhenTheTwoLargestMovesAddUpToMoreThanTheInnerBuffer)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    CpuNonbonded nb(in.system, in.mdp.nonbonded, in.state.box, 0.1, 2);
    nb.buildPairList(in.state.positions, in.state.box);
    EXPECT_FALSE(nb.needsPrune(in.state.positions)); // not pruned
    const long long fullPairs = nb.numClusterPairs();
    nb.pruneList(in.state.positions, 0.02);
    EXPECT_LT(nb.numClusterPairs(), fullPairs);
    std::vector<Vec3> moved = in.state.positions;
    moved[7].x += 0.011;
    moved[2].y += 0.0089;
    EXPECT_FALSE(nb.needsPrune(moved));
    moved[2].y += 0.0002;
    EXPECT_TRUE(nb.needsPrune(moved));
    EXPECT_FALSE(nb.needsRebuild(moved));
    // compute() re-prunes by itself: afterwards the list is pruned at the moved positions.
    ForceOutput out;
    out.reset(in.system.numAtoms());
    nb.compute(moved, in.state.box, out);
    EXPECT_FALSE(nb.needsPrune(moved));
    EXPECT_EQ(nb.listPrunePositions()[2].y, moved[2].y);
}

TEST(CpuNonbondedPrune, UpdatePrunesAfterABuildEveryNstpruneStepsOrWhenAtomsMovedTooFar)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    CpuNonbonded nb(in.system, in.mdp.nonbonded, in.state.box, 0.1, 1);
    std::vector<Vec3> x = in.state.positions;
    EXPECT_FALSE(nb.updatePrunedList(x, 0, 4, 0.02)); // nothing built yet
    EXPECT_TRUE(nb.updatePairList(x, in.state.box, 0, 100));
    EXPECT_TRUE(nb.updatePrunedList(x, 1, 4, 0.02)); // a new list is pruned at once
    EXPECT_FALSE(nb.updatePrunedList(x, 2, 4, 0.02));
    EXPECT_TRUE(nb.updatePrunedList(x, 4, 4, 0.02));
    x[3].y += 0.011;
    x[8].z += 0.010;
    EXPECT_TRUE(nb.updatePrunedList(x, 5, 4, 0.02)); // two moves add up to more than 0.02
    EXPECT_FALSE(nb.updatePrunedList(x, 6, 4, 0.02));
    EXPECT_TRUE(nb.updatePrunedList(x, 7, 4, 0.03)); // another inner buffer
    EXPECT_THROW(nb.updatePrunedList(x, 8, 0, 0.02), SetupError);
}

// proteinmd run's list: the outer buffer is at least kMinRunBuffer, but never so wide that the box
// loses the fast path, and that floor leaves kBoxShrinkRoom for a barostat; the pruned list is on.
TEST(CpuRunForceFieldOptions, OuterBufferAtLeastTheRunMinimumAsFarAsTheBoxAllows)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    const CpuForceFieldOptions o = cpuRunForceFieldOptions(in.mdp, 1);
    EXPECT_GE(o.nstlist, kMinRunNstlist);
    EXPECT_EQ(o.pruneRule, PruneRule::Estimated);
    EXPECT_EQ(o.pruneToleranceFraction, kRunPruneToleranceFraction);
    EXPECT_EQ(o.nstprune, kRunNstprune);
    const double rc = std::max(in.mdp.nonbonded.rcoulomb, in.mdp.nonbonded.rvdw);
    CpuForceField wide(in.system, in.mdp.nonbonded, in.state.box, o);
    EXPECT_TRUE(wide.usesFastPath());
    EXPECT_GE(wide.buffer(), std::min(kMinRunBuffer, (1 - kBoxShrinkRoom) * in.state.box.maxCutoff() - rc));
    EXPECT_LE(wide.rlist(), in.state.box.maxCutoff());
    // A box just wide enough for rc + 0.1 nm: the minimum gives way, the fast path stays.
    const double width = 2 * (rc + 0.1);
    const Box small = Box::rectangular(width, width, width);
    CpuForceField narrow(in.system, in.mdp.nonbonded, small, o);
    EXPECT_TRUE(narrow.usesFastPath());
    EXPECT_LT(narrow.buffer(), kMinRunBuffer);
    EXPECT_LE(narrow.rlist(), small.maxCutoff());
    // The floor stops short of the limit, so the box can shrink by kBoxShrinkRoom in length; only the
    // estimate itself (the list without a floor) may ask for more.
    CpuForceFieldOptions noFloor = o;
    noFloor.minBuffer = 0;
    const double estimate = CpuForceField(in.system, in.mdp.nonbonded, small, noFloor).buffer();
    EXPECT_NEAR(narrow.rlist(), std::max((1 - kBoxShrinkRoom) * small.maxCutoff(), rc + estimate), 1e-9);
    EXPECT_LT(rc + estimate, (1 - kBoxShrinkRoom) * small.maxCutoff()); // so the line above tests the room
}

// proteinmd run's inner list: with a tolerance, the estimate for kRunPruneToleranceFraction of it
// over kRunNstprune steps (narrower than the GROMACS setting's, wider than for fewer steps); with
// an explicit rlist, the exact rule at kRunPruneBuffer.
TEST(CpuRunForceFieldOptions, InnerListIsEstimatedForAFractionOfTheToleranceOrExactWithoutOne)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    const CpuForceFieldOptions o = cpuRunForceFieldOptions(in.mdp, 1);
    ASSERT_GT(o.verletBufferTolerance, 0);
    const CpuForceField ff(in.system, in.mdp.nonbonded, in.state.box, o);
    const auto estimate = [&](double tolerance, int steps) {
        return verletBufferFromTolerance(in.system, in.mdp.nonbonded, in.state.box,
                                         VerletBufferSettings{tolerance, o.temperature, steps, o.dt});
    };
    EXPECT_EQ(ff.pruneRule(), PruneRule::Estimated);
    EXPECT_EQ(ff.nstprune(), kRunNstprune);
    EXPECT_DOUBLE_EQ(ff.pruneBuffer(), estimate(o.verletBufferTolerance * kRunPruneToleranceFraction, kRunNstprune));
    EXPECT_GT(ff.pruneBuffer(), estimate(o.verletBufferTolerance, kRunNstprune));
    EXPECT_GT(ff.pruneBuffer(), estimate(o.verletBufferTolerance * kRunPruneToleranceFraction, kRunNstprune - 1));
    EXPECT_LT(ff.pruneBuffer(), ff.buffer());

    MdpOptions explicitList = in.mdp;
    explicitList.verletBufferTolerance = -1;
    explicitList.rlist = std::max(in.mdp.nonbonded.rcoulomb, in.mdp.nonbonded.rvdw) + 0.1;
    const CpuForceFieldOptions e = cpuRunForceFieldOptions(explicitList, 1);
    EXPECT_EQ(e.pruneRule, PruneRule::Exact);
    const CpuForceField exact(in.system, in.mdp.nonbonded, in.state.box, e);
    EXPECT_EQ(exact.pruneRule(), PruneRule::Exact);
    EXPECT_DOUBLE_EQ(exact.pruneBuffer(), kRunPruneBuffer);

    CpuForceFieldOptions zero = o;
    zero.pruneToleranceFraction = 0;
    EXPECT_THROW(CpuForceField(in.system, in.mdp.nonbonded, in.state.box, zero), SetupError);
}

// The temperature the buffer estimates assume, as grompp picks it.
TEST(CpuRunForceFieldOptions, BufferTemperatureFollowsGrompp)
{
    MdpOptions mdp;
    mdp.genTemp = 310;
    mdp.refT = {300, 320};
    mdp.tcoupl = "v-rescale";
    EXPECT_EQ(bufferTemperature(mdp, 350).kelvin, 320); // coupled: the largest ref-t
    mdp.tcoupl = "no";
    mdp.integrator = "sd";
    EXPECT_EQ(bufferTemperature(mdp, 350).kelvin, 320); // sd couples through its friction
    mdp.integrator = "md";
    mdp.genVel = true;
    EXPECT_EQ(bufferTemperature(mdp, 350).kelvin, 310); // constant energy, generated velocities
    mdp.genVel = false;
    EXPECT_EQ(bufferTemperature(mdp, 350).kelvin, 350); // constant energy: the start velocities'
    EXPECT_EQ(bufferTemperature(mdp, -1).kelvin, 310);  // none known
    EXPECT_EQ(cpuRunForceFieldOptions(mdp, 1, 350).temperature, 350);
    // A hotter start widens the run's inner (estimated) list.
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = loadAla2();
    in.mdp.tcoupl = "no";
    in.mdp.genVel = false;
    const CpuForceField at300(in.system, in.mdp.nonbonded, in.state.box, cpuRunForceFieldOptions(in.mdp, 1, 300));
    const CpuForceField at400(in.system, in.mdp.nonbonded, in.state.box, cpuRunForceFieldOptions(in.mdp, 1, 400));
    EXPECT_GT(at400.pruneBuffer(), at300.pruneBuffer());
}

// GROMACS's dynamic pruning (PruneRule::Estimated): with the checks off, moves that would force an
// exact re-prune do not; the list is re-pruned after a build and on the nstprune schedule only.
TEST(CpuNonbondedPrune, WithoutChecksPrunesOnlyAfterABuildAndOnTheSchedule)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    CpuNonbonded nb(in.system, in.mdp.nonbonded, in.state.box, 0.1, 1);
    nb.setPruneChecks(false);
    std::vector<Vec3> x = in.state.positions;
    EXPECT_TRUE(nb.updatePairList(x, in.state.box, 0, 100));
    EXPECT_TRUE(nb.updatePrunedList(x, 1, 4, 0.02));
    x[3].y += 0.011;
    x[8].z += 0.010; // closes pairs in by up to 0.021 nm > 0.02
    EXPECT_FALSE(nb.needsPrune(x));
    EXPECT_FALSE(nb.updatePrunedList(x, 2, 4, 0.02));
    ForceOutput out;
    out.reset(in.system.numAtoms());
    nb.compute(x, in.state.box, out); // no re-prune of its own either
    EXPECT_EQ(nb.listPrunePositions()[3].y, in.state.positions[3].y);
    EXPECT_TRUE(nb.updatePrunedList(x, 4, 4, 0.02));
    EXPECT_EQ(nb.listPrunePositions()[3].y, x[3].y);
    // The outer list keeps its exact check (one atom alone past the 0.1 nm buffer).
    x[5].x += 0.11;
    EXPECT_TRUE(nb.needsRebuild(x));
    nb.setPruneChecks(true);
    EXPECT_TRUE(nb.needsPrune(x));
}

// PruneRule::Estimated (GROMACS's scheme, `proteinmd bench --prune-rule estimated`): the inner
// buffer is the tolerance estimate for the nstprune steps a pruned list lives; a tighter tolerance
// widens it; without a tolerance (explicit rlist) there is no estimate and no pruning.
TEST(CpuForceFieldPruneRule, EstimatedInnerBufferIsTheToleranceEstimateForNstpruneSteps)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    CpuForceFieldOptions o = cpuRunForceFieldOptions(in.mdp, 1);
    ASSERT_GT(o.verletBufferTolerance, 0);
    o.pruneRule = PruneRule::Estimated;
    o.pruneBuffer = -1;
    o.pruneToleranceFraction = 1; // GROMACS's setting
    o.nstprune = 5;
    CpuForceField ff(in.system, in.mdp.nonbonded, in.state.box, o);
    const double estimate =
        verletBufferFromTolerance(in.system, in.mdp.nonbonded, in.state.box,
                                  VerletBufferSettings{o.verletBufferTolerance, o.temperature, o.nstprune, o.dt});
    EXPECT_EQ(ff.pruneRule(), PruneRule::Estimated);
    EXPECT_DOUBLE_EQ(ff.pruneBuffer(), estimate);
    EXPECT_GT(ff.pruneBuffer(), 0);
    EXPECT_LT(ff.pruneBuffer(), ff.buffer());
    CpuForceFieldOptions tight = o;
    tight.verletBufferTolerance = o.verletBufferTolerance / 10;
    EXPECT_GT(CpuForceField(in.system, in.mdp.nonbonded, in.state.box, tight).pruneBuffer(), ff.pruneBuffer());
    CpuForceFieldOptions noTolerance = o;
    noTolerance.verletBufferTolerance = -1;
    noTolerance.buffer = 0.1;
    EXPECT_EQ(CpuForceField(in.system, in.mdp.nonbonded, in.state.box, noTolerance).pruneBuffer(), -1);
}

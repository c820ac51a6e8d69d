// The cluster pair list: every pair within the cut-off is in it exactly once (compared with the
// reference cell grid), also after atoms moved by less than half the buffer and after moves past
// that which close in no pair not in the list; needsRebuild notices when a pair may have closed in
// past the buffer; exclusions end up in the excluded mask. The same in triclinic cells (rhombic
// dodecahedron, truncated octahedron, tilts that add up along x).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <utility>

#include "backends/reference/pair_iteration.h"
#include "neighbor/cluster_pair_list.h"
#include "neighbor/displacement.h"
#include "proteinmd/backends/cpu_nonbonded.h"
#include "proteinmd/core/error.h"
#include "proteinmd/io/simulation_inputs.h"
#include "test_support/random_displacement.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

using PairKey = std::uint64_t;
PairKey key(int i, int j)
{
    return (static_cast<PairKey>(std::min(i, j)) << 32) | static_cast<PairKey>(std::max(i, j));
}

struct ListedPairs {
    std::set<PairKey> normal, excluded;
    int duplicates = 0;
};

// Pairs of the list within `cutoff` at `positions` (the list's own frame: offsets and shifts).
ListedPairs listedWithin(const ClusterPairList& list, std::span<const Vec3> positions, double cutoff)
{
    ListedPairs out;
    const auto slots = list.slotAtoms();
    const auto offsets = list.slotOffsets();
    for (const auto& ie : list.iEntries()) {
        const Vec3& s = list.shiftVectors()[static_cast<std::size_t>(ie.shift)];
        for (int je = ie.jBegin; je < ie.jEnd; ++je) {
            const auto& j = list.jEntries()[static_cast<std::size_t>(je)];
            for (int a = 0; a < 4; ++a) {
                for (int b = 0; b < 4; ++b) {
                    const int bit = 1 << (4 * a + b);
                    if (((j.interact | j.excluded) & bit) == 0) {
                        continue;
                    }
                    const std::size_t sa = static_cast<std::size_t>(ie.cluster) * 4 + static_cast<std::size_t>(a);
                    const std::size_t sb = static_cast<std::size_t>(j.cluster) * 4 + static_cast<std::size_t>(b);
                    const Vec3 xa = positions[static_cast<std::size_t>(slots[sa])] + offsets[sa] + s;
                    const Vec3 xb = positions[static_cast<std::size_t>(slots[sb])] + offsets[sb];
                    if (norm2(xa - xb) < cutoff * cutoff) {
                        auto& set = (j.interact & bit) ? out.normal : out.excluded;
                        out.duplicates += set.insert(key(slots[sa], slots[sb])).second ? 0 : 1;
                    }
                }
            }
        }
    }
    return out;
}

void expectComplete(const System& system, std::span<const Vec3> positions, const Box& box,
                    const ClusterPairList& list, double cutoff)
{
    std::set<PairKey> normal, excluded;
    forEachPair(system, positions, box, true, cutoff, PairSearch::CellGrid,
                [&](int i, int j, const Vec3&, double, bool isExcluded) {
                    (isExcluded ? excluded : normal).insert(key(i, j));
                });
    const ListedPairs listed = listedWithin(list, positions, cutoff);
    EXPECT_EQ(listed.duplicates, 0);
    int missing = 0;
    for (PairKey k : normal) {
        missing += listed.normal.count(k) == 0 ? 1 : 0;
    }
    for (PairKey k : excluded) {
        missing += listed.excluded.count(k) == 0 ? 1 : 0;
    }
    EXPECT_EQ(missing, 0);
    EXPECT_EQ(listed.normal.size(), normal.size());
    EXPECT_EQ(listed.excluded.size(), excluded.size());
    EXPECT_GT(normal.size(), 0u);
}

// Prunes `list` to rPrune at `positions`, given in float slot order in the list's frame as the
// kernels hold them (padding slots repeat their cluster's first atom).
void pruneAt(ClusterPairList& list, std::span<const Vec3> positions, double rPrune)
{
    std::vector<float> x, y, z;
    const auto slots = list.slotAtoms();
    for (std::size_t s = 0; s < slots.size(); ++s) {
        const std::size_t src = slots[s] >= 0 ? s : s - s % 4;
        const Vec3 p = positions[static_cast<std::size_t>(slots[src])] + list.slotOffsets()[src];
        x.push_back(static_cast<float>(p.x));
        y.push_back(static_cast<float>(p.y));
        z.push_back(static_cast<float>(p.z));
    }
    list.prune(x, y, z, rPrune, 2);
}

SimulationInputs loadAla2()
{
    const auto dir = test::benchmarkDir("ala2_solvated");
    return loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", dir / "energy.mdp", {}, {}});
}

} // namespace

TEST(ClusterPairList, HoldsEveryPairWithinCutoffOnce)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    ClusterPairList list;
    list.build(in.system, in.state.positions, in.state.box, 1.1, 2);
    expectComplete(in.system, in.state.positions, in.state.box, list, 1.1);
}

TEST(ClusterPairList, NoPairMissingAfterMovesBelowHalfTheBuffer)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    const double rc = 1.0, buffer = 0.1;
    ClusterPairList list;
    list.build(in.system, in.state.positions, in.state.box, rc + buffer, 1);
    // Every atom moves by just under half the buffer in a random direction.
    const std::vector<Vec3> moved = test::movedInRandomDirections(in.state.positions, 0.499 * buffer, 7);
    EXPECT_FALSE(list.needsRebuild(moved, buffer)); // any two moves add up to less than the buffer
    expectComplete(in.system, moved, in.state.box, list, rc);
}

TEST(ClusterPairList, OneThreadAndTwoThreadsBuildTheSameList)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    ClusterPairList one, two;
    one.build(in.system, in.state.positions, in.state.box, 1.1, 1);
    two.build(in.system, in.state.positions, in.state.box, 1.1, 2);
    ASSERT_EQ(one.jEntries().size(), two.jEntries().size());
    ASSERT_EQ(one.iEntries().size(), two.iEntries().size());
    for (std::size_t k = 0; k < one.jEntries().size(); ++k) {
        EXPECT_EQ(one.jEntries()[k].cluster, two.jEntries()[k].cluster);
        EXPECT_EQ(one.jEntries()[k].interact, two.jEntries()[k].interact);
    }
}

TEST(CpuNonbondedPairList, NeedsRebuildOnlyWhenAPairMayHaveClosedInPastTheBuffer)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    CpuNonbonded nb(in.system, in.mdp.nonbonded, in.state.box, 0.1, 1);
    EXPECT_TRUE(nb.needsRebuild(in.state.positions)); // never built
    nb.buildPairList(in.state.positions, in.state.box);
    EXPECT_FALSE(nb.needsRebuild(in.state.positions));
    std::vector<Vec3> moved = in.state.positions;
    moved[5].x += 0.099; // one atom alone can close no pair by more than its own move
    EXPECT_FALSE(nb.needsRebuild(moved));
    moved[5].x += 0.002;
    EXPECT_TRUE(nb.needsRebuild(moved));
    // Atoms 5 and 9 of the peptide are listed with each other, and farther than the cut-off from
    // every other atom that moved: their moves adding up to more than the buffer miss no pair.
    moved[5] = in.state.positions[5];
    moved[5].x += 0.051;
    moved[9].y -= 0.051;
    EXPECT_FALSE(nb.needsRebuild(moved));
    moved[5].x += 0.05; // alone past the buffer
    EXPECT_TRUE(nb.needsRebuild(moved));
}

// Every atom moves by just under half the buffer, and two atoms of one molecule by far more (their
// moves add up to more than the buffer): the list is kept, and it holds every pair within rc.
TEST(ClusterPairList, KeptPastTheTwoLargestMovesItStillHoldsEveryPair)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    const double rc = 1.0, buffer = 0.1;
    ClusterPairList list;
    list.build(in.system, in.state.positions, in.state.box, rc + buffer, 2);
    std::vector<Vec3> moved = test::movedInRandomDirections(in.state.positions, 0.45 * buffer, 11);
    moved[7] = in.state.positions[7] + Vec3{0.07, 0, 0};
    moved[8] = in.state.positions[8] + Vec3{0, -0.07, 0};
    ASSERT_GT(largestClosing(moved, in.state.positions), buffer);
    EXPECT_FALSE(list.needsRebuild(moved, buffer, 2));
    expectComplete(in.system, moved, in.state.box, list, rc);
}

// A pair just outside rlist at the build, moved straight towards each other: the check fires
// exactly when the pair can have come inside the cut-off.
TEST(ClusterPairList, RebuildCheckIsExactForAPairClosingIn)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    const double rc = 1.0, buffer = 0.1;
    ClusterPairList list;
    list.build(in.system, in.state.positions, in.state.box, rc + buffer, 1);
    const auto& x = in.state.positions;
    int a = -1, b = -1;
    Vec3 d{};
    for (int i = 0; i < static_cast<int>(x.size()) && a < 0; ++i) {
        for (int j = i + 1; j < static_cast<int>(x.size()) && a < 0; ++j) {
            d = in.state.box.minimumImage(x[static_cast<std::size_t>(j)] - x[static_cast<std::size_t>(i)]);
            if (norm(d) > rc + buffer && norm(d) < rc + buffer + 0.002) {
                a = i;
                b = j;
            }
        }
    }
    ASSERT_GE(b, 0);
    const Vec3 u = d / norm(d);
    const double gap = norm(d) - rc; // closing by more than this puts the pair inside rc
    std::vector<Vec3> moved = x;
    moved[static_cast<std::size_t>(a)] += u * (0.7 * gap);
    moved[static_cast<std::size_t>(b)] -= u * (0.3 * gap + 1e-4);
    EXPECT_TRUE(list.needsRebuild(moved, buffer));
    EXPECT_LT(norm(in.state.box.minimumImage(moved[static_cast<std::size_t>(b)] - moved[static_cast<std::size_t>(a)])), rc);
    moved = x;
    moved[static_cast<std::size_t>(a)] += u * (0.7 * buffer);
    moved[static_cast<std::size_t>(b)] -= u * (0.3 * buffer - 1e-6);
    EXPECT_FALSE(list.needsRebuild(moved, buffer));
    expectComplete(in.system, moved, in.state.box, list, rc);
}

// Pruned to rc + inner at the starting positions, then every atom moves by just under half the
// inner buffer (so any two add up to less than it): every pair within rc is still listed once.
TEST(ClusterPairList, PrunedListHoldsEveryPairWhileMovesStayWithinTheInnerBuffer)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    const double rc = 1.0, buffer = 0.1, inner = 0.02;
    ClusterPairList list;
    list.build(in.system, in.state.positions, in.state.box, rc + buffer, 2);
    const std::size_t built = list.jEntries().size();
    pruneAt(list, in.state.positions, rc + inner);
    ASSERT_TRUE(list.isPruned());
    EXPECT_LT(list.numClusterPairs(), built);
    const std::vector<Vec3> moved = test::movedInRandomDirections(in.state.positions, 0.499 * inner, 11);
    expectComplete(in.system, moved, in.state.box, list, rc);
}

TEST(ClusterPairList, RefusesTriclinicBoxesNotInReducedForm)
{
    System system;
    ClusterPairList list;
    const Box box = Box::triclinic(Vec3{4, 0, 0}, Vec3{2.5, 4, 0}, Vec3{0, 0, 4}); // |bx| > ax/2
    EXPECT_FALSE(ClusterPairList::usable(box, 1.0));
    EXPECT_THROW(list.build(system, {}, box, 1.0, 1), SetupError);
    EXPECT_TRUE(ClusterPairList::usable(Box::triclinic(Vec3{4, 0, 0}, Vec3{2, 4, 0}, Vec3{-2, 2, 4}), 1.0));
}

namespace {

// Triclinic cells in GROMACS's reduced form, about as large as ala2_solvated's box: the rhombic
// dodecahedron (xy-square) and truncated octahedron of editconf -bt, and one whose tilts add up
// along x (bx + cx ~ ax, with cy < 0 so that the image b + c stays near along y): pairs there need
// the shifts two a's away.
std::vector<std::pair<const char*, Box>> triclinicBoxes()
{
    const double d = 3.4;
    return {
        {"dodecahedron", Box::triclinic(Vec3{d, 0, 0}, Vec3{0, d, 0}, Vec3{d / 2, d / 2, d * std::sqrt(2.0) / 2})},
        {"octahedron", Box::triclinic(Vec3{d, 0, 0}, Vec3{d / 3, 2 * std::sqrt(2.0) * d / 3, 0},
                                      Vec3{-d / 3, std::sqrt(2.0) * d / 3, std::sqrt(6.0) * d / 3})},
        {"tilts adding up", Box::triclinic(Vec3{3.3, 0, 0}, Vec3{1.6, 3.2, 0}, Vec3{1.6, -1.55, 3.1})},
    };
}

// ala2_solvated's atoms in `box`: fractional coordinates of the original box mapped onto the new
// cell vectors (so they fill it), then every atom shifted by a random multiple (-2..2) of each box
// vector, so the list has to wrap positions far outside the cell.
std::vector<Vec3> intoBox(const SimulationInputs& in, const Box& box)
{
    const Matrix3& from = in.state.box.vectors();
    const Matrix3& to = box.vectors();
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> image(-2, 2);
    std::vector<Vec3> out;
    for (const Vec3& x : in.state.positions) {
        const Vec3 f{x.x / from[0][0], x.y / from[1][1], x.z / from[2][2]};
        out.push_back(to[0] * (f.x + image(rng)) + to[1] * (f.y + image(rng)) + to[2] * (f.z + image(rng)));
    }
    return out;
}

} // namespace

// Every pair within the cut-off (the reference's minimum image, which tries all neighbouring images
// in a triclinic cell) is in the list exactly once: at the build, after moves below half the
// buffer, and after a prune; 1 and 2 threads make the same list.
TEST(ClusterPairList, HoldsEveryPairWithinCutoffOnceInTriclinicBoxes)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    for (const auto& [name, box] : triclinicBoxes()) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(box.isReduced());
        const double rc = std::min(1.0, box.maxCutoff() - 0.15), buffer = 0.1;
        const std::vector<Vec3> x = intoBox(in, box);
        ClusterPairList list, one;
        list.build(in.system, x, box, rc + buffer, 2);
        one.build(in.system, x, box, rc + buffer, 1);
        ASSERT_EQ(list.jEntries().size(), one.jEntries().size());
        for (std::size_t k = 0; k < list.jEntries().size(); ++k) {
            EXPECT_EQ(list.jEntries()[k].cluster, one.jEntries()[k].cluster);
        }
        expectComplete(in.system, x, box, list, rc + buffer);
        const std::vector<Vec3> moved = test::movedInRandomDirections(x, 0.499 * buffer, 3);
        EXPECT_FALSE(list.needsRebuild(moved, buffer));
        expectComplete(in.system, moved, box, list, rc);

        pruneAt(list, x, rc + 0.02);
        expectComplete(in.system, test::movedInRandomDirections(x, 0.0099, 4), box, list, rc);
    }
}

// The rebuild check in a triclinic cell: a pair just outside rlist at the build, closing in through
// a periodic boundary, makes it fire exactly when the pair can have come inside the cut-off.
TEST(ClusterPairList, RebuildCheckIsExactInATriclinicBox)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    const Box box = triclinicBoxes()[0].second;
    const std::vector<Vec3> x = intoBox(in, box);
    const double rc = 1.0, buffer = 0.1;
    ClusterPairList list;
    list.build(in.system, x, box, rc + buffer, 1);
    int a = -1, b = -1;
    Vec3 d{};
    for (int i = 0; i < static_cast<int>(x.size()) && a < 0; ++i) {
        for (int j = i + 1; j < static_cast<int>(x.size()) && a < 0; ++j) {
            const Vec3 plain = x[static_cast<std::size_t>(j)] - x[static_cast<std::size_t>(i)];
            d = box.minimumImage(plain);
            // A pair whose nearest image lies across the tilted c face (an image shift with a c
            // component), where per-axis rounding of the rectangular case gives the wrong image.
            if (norm(d) > rc + buffer && norm(d) < rc + buffer + 0.01 && std::abs(d.z - plain.z) > 0.1) {
                a = i;
                b = j;
            }
        }
    }
    ASSERT_GE(b, 0);
    const Vec3 u = d / norm(d);
    const double gap = norm(d) - rc;
    std::vector<Vec3> moved = x;
    moved[static_cast<std::size_t>(a)] += u * (0.7 * gap);
    moved[static_cast<std::size_t>(b)] -= u * (0.3 * gap + 1e-4);
    EXPECT_TRUE(list.needsRebuild(moved, buffer));
    moved = x;
    moved[static_cast<std::size_t>(a)] += u * (0.7 * buffer);
    moved[static_cast<std::size_t>(b)] -= u * (0.3 * buffer - 1e-6);
    EXPECT_FALSE(list.needsRebuild(moved, buffer));
    expectComplete(in.system, moved, box, list, rc);
}

TEST(CpuNonbondedPairList, UpdateRebuildsEveryNstlistStepsOrWhenAtomsMovedTooFar)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadAla2();
    CpuNonbonded nb(in.system, in.mdp.nonbonded, in.state.box, 0.1, 1);
    std::vector<Vec3> x = in.state.positions;
    EXPECT_TRUE(nb.updatePairList(x, in.state.box, 0, 10));
    x[3].y += 0.01;
    EXPECT_FALSE(nb.updatePairList(x, in.state.box, 1, 10));
    EXPECT_TRUE(nb.updatePairList(x, in.state.box, 10, 10));
    x[3].y += 0.105; // alone more than the buffer since the rebuild at step 10
    EXPECT_TRUE(nb.updatePairList(x, in.state.box, 11, 10));
    EXPECT_FALSE(nb.updatePairList(x, in.state.box, 12, 10));
    EXPECT_THROW(nb.updatePairList(x, in.state.box, 13, 0), SetupError);
}

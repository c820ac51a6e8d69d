// Pieces of the fast CPU non-bonded kernel (backends/cpu): the SIMD helpers it relies on against
// plain scalar arithmetic, the Ewald fits in r^2 with beta folded in, the per-list reordering
// (KernelPairOrder), and the kernel variants the shared-system tests do not reach (no charges:
// the Coulomb-free kernel; an LJ matrix that breaks the Lorentz-Berthelot rule: the gathers; the
// wide and the narrow Ewald fit),
// each against the double-precision reference.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "backends/cpu/ewald_correction.h"
#include "backends/cpu/kernel_pair_order.h"
#include "neighbor/cluster_pair_list.h"
#include "proteinmd/backends/cpu_nonbonded.h"
#include "proteinmd/backends/reference_nonbonded.h"
#include "proteinmd/forces/ewald_parameters.h"
#include "proteinmd/io/simulation_inputs.h"
#include "proteinmd/simd/simd_float16.h"
#include "test_support/force_comparison.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

SimulationInputs load(const char* system, const char* mdp) { return test::loadBenchmark(system, mdp); }
using test::relativeRms;

// Fast path (2 threads, 0.1 nm buffer) vs reference: forces 1e-5 relative RMS, energies 1e-6.
void expectFastMatchesReference(const SimulationInputs& in)
{
    ForceOutput ref;
    ref.reset(in.system.numAtoms());
    addNonbondedForcesReference(in.system, in.mdp.nonbonded, in.state.positions, in.state.box, ref);
    CpuNonbonded nb(in.system, in.mdp.nonbonded, in.state.box, 0.1, 2);
    ASSERT_TRUE(nb.usesFastPath());
    ForceOutput fast;
    fast.reset(in.system.numAtoms());
    nb.buildPairList(in.state.positions, in.state.box);
    nb.compute(in.state.positions, in.state.box, fast, true);
    EXPECT_LT(relativeRms(fast.forces, ref.forces), 1e-5);
    for (EnergyTerm t : {EnergyTerm::LjSr, EnergyTerm::CoulombSr}) {
        const double r = ref.energies.values[static_cast<std::size_t>(t)];
        const double f = fast.energies.values[static_cast<std::size_t>(t)];
        EXPECT_NEAR(f, r, 1e-6 * std::abs(r) + 1e-9) << energyTermKey(t);
    }
}

std::vector<float> ramp(float start, float step)
{
    std::vector<float> v(simd::kWidth);
    for (int l = 0; l < simd::kWidth; ++l) {
        v[static_cast<std::size_t>(l)] = start + step * static_cast<float>(l * l % 7) + 0.25f * static_cast<float>(l);
    }
    return v;
}

} // namespace

TEST(CpuKernelSimd, SumOverBlocksAddsTheFourLaneBlocksPerComponent)
{
    const std::vector<float> x = ramp(1.0f, 0.5f), y = ramp(-3.0f, 1.5f), z = ramp(7.0f, -2.0f);
    alignas(64) float out[simd::kWidth];
    simd::store(out, simd::sumOverBlocks(simd::load(x.data()), simd::load(y.data()), simd::load(z.data())));
    const std::vector<float>* in[4] = {&x, &y, &z, &z};
    for (std::size_t c = 0; c < 4; ++c) {
        for (std::size_t k = 0; k < 4; ++k) {
            const auto& v = *in[c];
            EXPECT_EQ(out[4 * c + k], (v[k] + v[k + 8]) + (v[k + 4] + v[k + 12])) << c << " " << k;
        }
    }
}

TEST(CpuKernelSimd, TransposeSwapsSlotAndLaneOfEachBlock)
{
    const std::vector<float> v = ramp(2.0f, 3.0f);
    alignas(64) float out[simd::kWidth];
    simd::store(out, simd::transpose4x4(simd::load(v.data())));
    for (int a = 0; a < 4; ++a) {
        for (int b = 0; b < 4; ++b) {
            EXPECT_EQ(out[4 * a + b], v[static_cast<std::size_t>(4 * b + a)]);
        }
    }
}

TEST(CpuKernelSimd, LoadEach4RepeatsEachOfFourValuesFourTimes)
{
    const float values[4] = {1.5f, -2.0f, 3.25f, 8.0f};
    const std::int32_t ints[4] = {7, -3, 11, 0};
    alignas(64) float out[simd::kWidth];
    simd::store(out, simd::loadEach4(values));
    simd::Int16 indices = simd::loadEach4(ints);
    alignas(64) float gathered[simd::kWidth];
    const float table[20] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
    simd::store(gathered, simd::gather(table + 3, indices)); // table[3 + index] = 3 + index
    for (int l = 0; l < simd::kWidth; ++l) {
        EXPECT_EQ(out[l], values[l / 4]) << l;
        EXPECT_EQ(gathered[l], static_cast<float>(3 + ints[l / 4])) << l;
    }
}

TEST(CpuKernelSimd, RowsOfFourLoadAndStoreAsTheFourLaneBlocks)
{
    // Rows at scattered places of one array (as PME grid rows are), in a shuffled order.
    std::vector<float> grid = ramp(0.25f, 1.0f);
    grid.resize(64);
    for (std::size_t i = 16; i < grid.size(); ++i) {
        grid[i] = 100.0f + static_cast<float>(i);
    }
    const std::size_t at[4] = {40, 3, 22, 57};
    alignas(64) float out[simd::kWidth];
    simd::store(out, simd::loadRows4(&grid[at[0]], &grid[at[1]], &grid[at[2]], &grid[at[3]]));
    for (int l = 0; l < simd::kWidth; ++l) {
        EXPECT_EQ(out[l], grid[at[l / 4] + static_cast<std::size_t>(l % 4)]) << l;
    }
    std::vector<float> written(64, -1.0f);
    simd::storeRows4(simd::load(out), &written[at[0]], &written[at[1]], &written[at[2]], &written[at[3]]);
    for (std::size_t i = 0; i < written.size(); ++i) {
        bool inRow = false;
        for (std::size_t r = 0; r < 4; ++r) {
            inRow = inRow || (i >= at[r] && i < at[r] + 4);
        }
        EXPECT_EQ(written[i], inRow ? grid[i] : -1.0f) << i; // the rows and nothing else
    }
}

TEST(CpuKernelSimd, StoreInterleaved4WritesOneRecordOfFourPerLane)
{
    const std::vector<float> r0 = ramp(1.0f, 1.0f), r1 = ramp(-5.0f, 0.5f), r2 = ramp(30.0f, -2.0f),
                             r3 = ramp(0.125f, 4.0f);
    std::vector<float> out(4 * simd::kWidth + 1, -7.0f);
    simd::storeInterleaved4(simd::load(r0.data()), simd::load(r1.data()), simd::load(r2.data()),
                            simd::load(r3.data()), out.data());
    const std::vector<float>* rows[4] = {&r0, &r1, &r2, &r3};
    for (std::size_t l = 0; l < static_cast<std::size_t>(simd::kWidth); ++l) {
        for (std::size_t j = 0; j < 4; ++j) {
            EXPECT_EQ(out[4 * l + j], (*rows[j])[l]) << l << " " << j;
        }
    }
    EXPECT_EQ(out.back(), -7.0f); // 64 floats, no more
}

TEST(CpuKernelSimd, MaskedAddFmsAndInvsqrt)
{
    const std::vector<float> a = ramp(0.5f, 0.25f), b = ramp(1.5f, 0.75f), c = ramp(-1.0f, 0.5f);
    const simd::Float16 va = simd::load(a.data()), vb = simd::load(b.data()), vc = simd::load(c.data());
    alignas(64) float added[simd::kWidth], fms[simd::kWidth], inv[simd::kWidth];
    const std::uint32_t bits = 0xa5c3;
    simd::store(added, simd::addMasked(va, simd::maskFromBits(bits), vb));
    simd::store(fms, simd::fms(va, vb, vc));
    simd::store(inv, simd::invsqrt(vb));
    for (std::size_t l = 0; l < simd::kWidth; ++l) {
        EXPECT_EQ(added[l], ((bits >> l) & 1u) != 0 ? a[l] + b[l] : a[l]) << l;
        EXPECT_NEAR(fms[l], static_cast<double>(a[l]) * b[l] - c[l], 1e-6 * (std::abs(a[l] * b[l]) + std::abs(c[l])));
        EXPECT_NEAR(inv[l], 1.0 / std::sqrt(static_cast<double>(b[l])), 2e-7 / std::sqrt(static_cast<double>(b[l])));
    }
}

namespace {

// beta^3 H(beta^2 r^2) and beta G(beta^2 r^2) from the r^2 form, SIMD and scalar, vs exp/erf, for
// r from 0.02 to rc.
template <cpu::EwaldFit kFit>
void expectFitsInRSquaredGiveTheEwaldPairTerms(double beta, double rc)
{
    constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
    const cpu::EwaldCorrectionR2<kFit> fits(beta);
    alignas(64) float r2[simd::kWidth], h[simd::kWidth], g[simd::kWidth];
    for (int first = 0; first < 320; first += simd::kWidth) {
        for (int l = 0; l < simd::kWidth; ++l) {
            const double r = 0.02 + (rc - 0.02) * (first + l) / 319.0;
            r2[l] = static_cast<float>(r * r);
        }
        simd::store(h, fits.forceTerm(simd::load(r2)));
        simd::store(g, fits.energyTerm(simd::load(r2)));
        for (int l = 0; l < simd::kWidth; ++l) {
            const double r = std::sqrt(static_cast<double>(r2[l])), z = beta * r;
            const double exactH = (std::erf(z) - kTwoOverSqrtPi * z * std::exp(-z * z)) / (r * r * r);
            const double exactG = std::erf(z) / r;
            EXPECT_NEAR(h[l], exactH, 1e-6 * exactH) << "r = " << r;
            EXPECT_NEAR(g[l], exactG, 1e-6 * exactG) << "r = " << r;
            EXPECT_NEAR(fits.forceTermScalar(r2[l]), exactH, 1e-6 * exactH) << "r = " << r;
            EXPECT_NEAR(fits.energyTermScalar(r2[l]), exactG, 1e-6 * exactG) << "r = " << r;
        }
    }
}

} // namespace

TEST(CpuKernelEwald, FitsInRSquaredGiveTheEwaldPairTerms)
{
    // beta rc = 3.82 needs the wide fit; 3.12 (ewald-rtol 1e-5) takes the narrow one.
    expectFitsInRSquaredGiveTheEwaldPairTerms<cpu::EwaldFit::Wide>(3.47, 1.1);
    expectFitsInRSquaredGiveTheEwaldPairTerms<cpu::EwaldFit::Narrow>(3.47, 0.9);
}

TEST(CpuKernelPairOrder, PutsFullClusterPairsLastInEachIEntry)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = load("ala2_solvated", "energy.mdp");
    ClusterPairList list;
    list.build(in.system, in.state.positions, in.state.box, 1.0, 2);
    cpu::KernelPairOrder order;
    order.update(list, 2);
    const auto iEntries = list.iEntries();
    ASSERT_EQ(order.fullBegin().size(), iEntries.size());
    ASSERT_EQ(order.jEntries().size(), list.jEntries().size());
    std::size_t numFull = 0, numMasked = 0;
    const auto keyOf = [](const ClusterPairList::JEntry& j) {
        return (static_cast<std::uint64_t>(j.cluster) << 32) | (static_cast<std::uint64_t>(j.interact) << 16) | j.excluded;
    };
    for (std::size_t e = 0; e < iEntries.size(); ++e) {
        const int begin = iEntries[e].jBegin, end = iEntries[e].jEnd, split = order.fullBegin()[e];
        ASSERT_LE(begin, split);
        ASSERT_LE(split, end);
        std::vector<std::uint64_t> ours, theirs;
        for (int j = begin; j < end; ++j) {
            const auto& entry = order.jEntries()[static_cast<std::size_t>(j)];
            EXPECT_EQ(cpu::KernelPairOrder::isFull(entry), j >= split) << "i-entry " << e << ", j " << j;
            ours.push_back(keyOf(entry));
            theirs.push_back(keyOf(list.jEntries()[static_cast<std::size_t>(j)]));
        }
        std::sort(ours.begin(), ours.end());
        std::sort(theirs.begin(), theirs.end());
        EXPECT_EQ(ours, theirs) << "i-entry " << e;
        numFull += static_cast<std::size_t>(end - split);
        numMasked += static_cast<std::size_t>(split - begin);
    }
    // Solvated ala2 has both kinds (waters' own clusters carry exclusions).
    EXPECT_GT(numFull, 0u);
    EXPECT_GT(numMasked, 0u);

    // The prune keeps the order, so the pruned list is split the same way.
    const auto slots = list.slotAtoms();
    std::vector<float> x(slots.size()), y(slots.size()), z(slots.size());
    for (std::size_t s = 0; s < slots.size(); ++s) {
        const std::size_t first = s - s % ClusterPairList::kClusterSize; // padding sits on its cluster's first atom
        const std::size_t src = slots[s] >= 0 ? s : first;
        const Vec3 p = in.state.positions[static_cast<std::size_t>(slots[src])] + list.slotOffsets()[src];
        x[s] = static_cast<float>(p.x);
        y[s] = static_cast<float>(p.y);
        z[s] = static_cast<float>(p.z);
    }
    list.prune(x, y, z, 0.9, 2);
    ASSERT_TRUE(list.isPruned());
    ASSERT_LT(list.numClusterPairs(), list.numBuiltClusterPairs());
    order.update(list, 1);
    ASSERT_EQ(order.jEntries().data(), list.jEntries().data());
    for (std::size_t e = 0; e < list.iEntries().size(); ++e) {
        const auto& entry = list.iEntries()[e];
        for (int j = entry.jBegin; j < entry.jEnd; ++j) {
            EXPECT_EQ(cpu::KernelPairOrder::isFull(list.jEntries()[static_cast<std::size_t>(j)]),
                      j >= order.fullBegin()[e])
                << "pruned i-entry " << e << ", j " << j;
        }
    }
}

TEST(CpuKernelVariants, NoChargesTakeTheCoulombFreeKernel)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    for (const char* mdp : {"energy.mdp", "energy_rf.mdp"}) {
        SimulationInputs in = load("ala2_solvated", mdp);
        std::fill(in.system.charges.begin(), in.system.charges.end(), 0.0);
        SCOPED_TRACE(mdp);
        expectFastMatchesReference(in);
    }
}

TEST(CpuKernelVariants, LjMatrixOffTheCombinationRuleTakesTheGatherKernel)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    for (const char* mdp : {"energy.mdp", "energy_rf.mdp"}) {
        SimulationInputs in = load("ala2_solvated", mdp);
        // Scale the c6/c12 of one pair of distinct types with LJ: no Lorentz-Berthelot parameters fit.
        const auto nt = static_cast<std::size_t>(in.system.numLjTypes);
        std::size_t t = 0, u = 0;
        for (std::size_t k = 0; k < nt * nt && t == u; ++k) {
            if (k / nt != k % nt && in.system.c6[k] > 0) {
                t = k / nt;
                u = k % nt;
            }
        }
        ASSERT_NE(t, u);
        for (std::size_t k : {t * nt + u, u * nt + t}) {
            in.system.c6[k] *= 1.3;
            in.system.c12[k] *= 0.8;
        }
        SCOPED_TRACE(mdp);
        expectFastMatchesReference(in);
    }
}

// A single LJ type and no charges (an LJ fluid such as lj32k) takes the kernel with constant c6/c12;
// every LJ modifier against the reference.
TEST(CpuKernelVariants, OneLjTypeWithoutChargesTakesTheUniformKernel)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = load("ala2_solvated", "energy.mdp");
    const auto nt = static_cast<std::size_t>(in.system.numLjTypes);
    std::size_t t = 0;
    while (t < nt && !(in.system.c6[t * nt + t] > 0)) {
        ++t;
    }
    ASSERT_LT(t, nt);
    in.system.c6 = {in.system.c6[t * nt + t]};
    in.system.c12 = {in.system.c12[t * nt + t]};
    in.system.numLjTypes = 1;
    std::fill(in.system.ljTypes.begin(), in.system.ljTypes.end(), 0);
    std::fill(in.system.charges.begin(), in.system.charges.end(), 0.0);
    for (InteractionModifier modifier : {InteractionModifier::None, InteractionModifier::PotentialShift,
                                         InteractionModifier::ForceSwitch, InteractionModifier::PotentialSwitch}) {
        in.mdp.nonbonded.vdwModifier = modifier;
        in.mdp.nonbonded.rvdwSwitch = 0.7;
        SCOPED_TRACE(static_cast<int>(modifier));
        expectFastMatchesReference(in);
    }
}

// GROMACS's default ewald-rtol (1e-5) takes the narrow Ewald fit, a tight one (1e-7, beta rc 3.77)
// the wide fit: both against the reference, forces and energies.
TEST(CpuKernelVariants, EwaldToleranceChoosesTheFitAndBothMatchTheReference)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = load("ala2_solvated", "energy.mdp");
    for (const auto& [rtol, fit] : {std::pair{1e-5, cpu::EwaldFit::Narrow}, std::pair{1e-7, cpu::EwaldFit::Wide}}) {
        in.mdp.nonbonded.ewaldRtol = rtol;
        const double betaTimesCutoff = ewaldCoefficient(in.mdp.nonbonded) * in.mdp.nonbonded.rcoulomb;
        ASSERT_EQ(cpu::ewaldFitFor(betaTimesCutoff), fit) << "ewald-rtol " << rtol;
        SCOPED_TRACE(fmt::format("ewald-rtol {}, beta rc {:.3f}", rtol, betaTimesCutoff));
        expectFastMatchesReference(in);
    }
}

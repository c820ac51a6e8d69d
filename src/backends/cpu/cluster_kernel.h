#pragma once
// The 4x4 cluster-pair non-bonded kernel, written once over simd::Float16 (one lane per atom pair:
// lane 4 a + b = i-slot a with j-slot b). Single-precision forces; energies summed in float over
// the j-list of one i-entry, then widened to double. Compile-time variants: Coulomb kind (none when
// every charge is 0, reaction field incl. plain cut-off, or Ewald real space), LJ modifier, LJ
// parameters (matrix gathers or the Lorentz-Berthelot rule from per-atom values), energies on/off.
//
// Per lane, with m = "interacts normally" and e = "excluded pair", both only inside the cut-off:
//  reaction field: V = qq (m/r + k_rf r^2 - c_rf) for m or e;  F/r = qq (m/r^3 - 2 k_rf)
//  Ewald:          V = qq (m/r - beta G(w) - m shift); F/r = qq (m/r^3 - beta^3 H(w)), w = (beta r)^2,
//                  G and H the rational fits of ewald_correction.h (no exp/erfc)
//  LJ (m and r < rvdw): V = c12 (r^-12 - s12) - c6 (r^-6 - s6); F/r = (12 c12 r^-12 - 6 c6 r^-6) / r^2,
//      or the force-switched / potential-switched forms,
// which are the formulas of forces/nonbonded_formulas.h.
//
// The loop is bound by vector-instruction throughput, so it is written for few operations per
// cluster pair: F/r = (F_lj r + qq m/r) / r^2 - qq beta^3 H with one select at the end; plain LJ as
// powers of sigma/r with the factor 6 of the force folded into the parameters (energies are
// rescaled once per i-entry); the Ewald fits in r^2 with beta folded in. Cluster pairs in which all
// 16 pairs interact normally ("full", most of them; KernelPairOrder puts them last in each i-entry)
// take a variant without the interaction/exclusion masks and the r^2 floor.
//
// Memory layout: j-data are SoA float arrays in cluster order, loaded as one 128-bit broadcast per
// quantity. Forces are kept unreduced, 48 floats per cluster (64-byte aligned): x, y, z of the 16
// lanes, lane 4 a + k holding a share of slot k's force. A cluster pair then updates its j-cluster
// with three vector subtractions (no horizontal sums in the loop); i-forces stay in registers over
// the j-list and are added once per i-entry, transposed. reduceClusterForces() sums the shares.

#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#include "backends/cpu/ewald_correction.h"
#include "backends/cpu/kernel_pair_order.h"
#include "neighbor/cluster_pair_list.h"
#include "proteinmd/forces/nonbonded_formulas.h"
#include "proteinmd/simd/simd_float16.h"

namespace proteinmd::cpu {

enum class LjKind { Plain, PotentialShift, ForceSwitch, PotentialSwitch };
// Matrix: c6/c12 gathered from the type matrix. LorentzBerthelot: c6 = eps_i eps_j (s_i + s_j)^6,
// c12 = c6 (s_i + s_j)^6 with s = sigma/2 and eps = sqrt(4 epsilon) per atom (exact when the
// matrix follows that rule, which CpuNonbonded checks). Uniform: a single LJ type (an LJ fluid),
// c6/c12 are constants.
enum class LjParams { Matrix, LorentzBerthelot, Uniform };
// None: every charge is zero (e.g. an LJ fluid); ReactionField includes the plain cut-off;
// Ewald / EwaldNarrow: Ewald real space with the wide / narrow fit of ewald_correction.h.
enum class CoulombVariant { None, ReactionField, Ewald, EwaldNarrow };

// Per-slot data in the pair list's cluster order, refreshed from the positions every step.
struct KernelData {
    std::vector<float> x, y, z;        // positions in the list's frame
    std::vector<float> q;              // charges times the Coulomb prefactor (i side) / plain (j side)
    std::vector<float> charge;         // plain charges
    std::vector<std::int32_t> type;    // LJ type (0 for padding)
    std::vector<std::int32_t> typeRow; // LJ type * numTypes
    std::vector<float> ljHalfSigma;    // Lorentz-Berthelot: sigma / 2
    std::vector<float> ljEpsilon;      // Lorentz-Berthelot: sqrt(4 epsilon)
    std::vector<float> c6, c12;        // numTypes x numTypes
    std::vector<float> c6Times6, c12Times6; // the same times 6 (plain LJ: the force's factor folded in)
    float rc2 = 0, rvdw2 = 0;
    float shift6 = 0, shift12 = 0;     // LJ potential shift
    float rSwitch = 0;                 // LJ force/potential switch
    float fsA6 = 0, fsB6 = 0, fsC6 = 0, fsA12 = 0, fsB12 = 0, fsC12 = 0; // force switch
    float sw3 = 0, sw4 = 0, sw5 = 0;   // potential switch
    float kRf = 0, cRf = 0;            // reaction field
    float beta = 0, ewaldShift = 0;    // Ewald
    EwaldFit ewaldFit = EwaldFit::Wide; // Ewald: the fit the cut-off allows, and both for this beta
    EwaldCorrectionR2<EwaldFit::Wide> ewaldWide{1.0};
    EwaldCorrectionR2<EwaldFit::Narrow> ewaldNarrow{1.0};
};

struct BlockResult {
    double energyLj = 0;
    double energyCoulomb = 0;
    // Force on i-clusters per image shift (the central one, whose shift vector is zero, stays 0).
    std::array<Vec3, ClusterPairList::kNumShifts> shiftForce{};
};

inline constexpr int kForceStride = 48; // floats per cluster in the force buffers: x, y, z of 16 lanes

// Allocator for the 64-byte aligned force buffers (full-width aligned loads and stores).
template <typename T>
struct CacheLineAllocator {
    using value_type = T;
    static constexpr std::align_val_t kAlignment{64};
    CacheLineAllocator() = default;
    template <typename U>
    CacheLineAllocator(const CacheLineAllocator<U>&) noexcept
    {
    }
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, kAlignment); }
    friend bool operator==(const CacheLineAllocator&, const CacheLineAllocator&) { return true; }
};
using ForceBuffer = std::vector<float, CacheLineAllocator<float>>;

// Forces go to f (64-byte aligned): kForceStride floats per cluster (see the memory layout above).
// j-entries come from order (the list's, reordered); i-entries from the list.
template <CoulombVariant kCoulomb, LjKind kLj, LjParams kParams, bool kEnergy>
void clusterKernel(const KernelData& d, const ClusterPairList& list, const KernelPairOrder& order, int iBegin,
                   int iEnd, float* f, BlockResult& result)
{
    using namespace simd;
    constexpr int kC = ClusterPairList::kClusterSize;
    // Plain and potential-shift LJ work with 6 c6 and 6 c12 (F r = 2 (6 c12/r^12) - 6 c6/r^6).
    constexpr bool kLjTimes6 = kLj == LjKind::Plain || kLj == LjKind::PotentialShift;
    constexpr bool kEvenPowersOnly = kCoulomb == CoulombVariant::None && kLjTimes6;
    const auto iEntries = list.iEntries();
    const auto jEntries = order.jEntries();
    const auto fullBegin = order.fullBegin();
    const auto& shifts = list.shiftVectors();

    const Float16 rc2 = set1(d.rc2);
    const Float16 rvdw2 = set1(d.rvdw2);
    const bool sameCutoff = d.rvdw2 == d.rc2;
    const Float16 two = set1(2.0f);
    const Float16 six = set1(6.0f);
    const Float16 twelve = set1(12.0f);
    const Float16 minR2 = set1(1e-10f); // keeps padding/self lanes finite before they are masked out
    // Constants and arrays in locals: the force stores below could otherwise alias them.
    const Float16 shift6 = set1(d.shift6), shift12 = set1(d.shift12);
    const Float16 kRf = set1(d.kRf), cRf = set1(d.cRf), twoKRf = set1(2.0f * d.kRf);
    const Float16 ewaldShift = set1(d.ewaldShift);
    const auto ewald = [&d] {
        if constexpr (kCoulomb == CoulombVariant::EwaldNarrow) {
            return d.ewaldNarrow;
        } else {
            return d.ewaldWide;
        }
    }();
    const Float16 rSwitch = set1(d.rSwitch);
    const Float16 fsA6 = set1(d.fsA6), fsB6 = set1(d.fsB6), fsC6 = set1(d.fsC6);
    const Float16 fsA12 = set1(d.fsA12), fsB12 = set1(d.fsB12), fsC12 = set1(d.fsC12);
    const Float16 sw3 = set1(d.sw3), sw4 = set1(d.sw4), sw5 = set1(d.sw5);
    const float* const xs = d.x.data();
    const float* const ys = d.y.data();
    const float* const zs = d.z.data();
    const float* const charges = d.charge.data();
    const std::int32_t* const types = d.type.data();
    const float* const halfSigmas = d.ljHalfSigma.data();
    const float* const epsilons = d.ljEpsilon.data();
    const float* const c6Table = kLjTimes6 ? d.c6Times6.data() : d.c6.data();
    const float* const c12Table = kLjTimes6 ? d.c12Times6.data() : d.c12.data();
    const Float16 c6Uniform = set1(c6Table[0]), c12Uniform = set1(c12Table[0]);
    DoubleAccumulator energyLj, energyCoulomb;

    for (int ie = iBegin; ie < iEnd; ++ie) {
        const ClusterPairList::IEntry& entry = iEntries[static_cast<std::size_t>(ie)];
        const std::size_t iFirst = static_cast<std::size_t>(entry.cluster) * kC;
        const Vec3& s = shifts[static_cast<std::size_t>(entry.shift)];
        const Float16 xi = loadEach4(xs + iFirst) + set1(static_cast<float>(s.x));
        const Float16 yi = loadEach4(ys + iFirst) + set1(static_cast<float>(s.y));
        const Float16 zi = loadEach4(zs + iFirst) + set1(static_cast<float>(s.z));
        const Float16 qi = loadEach4(d.q.data() + iFirst);
        Int16 rowI{};
        Float16 sigmaI{}, epsI{};
        if constexpr (kParams == LjParams::Matrix) {
            rowI = loadEach4(d.typeRow.data() + iFirst);
        } else if constexpr (kParams == LjParams::LorentzBerthelot) {
            sigmaI = loadEach4(halfSigmas + iFirst);
            epsI = kLjTimes6 ? six * loadEach4(epsilons + iFirst) : loadEach4(epsilons + iFirst);
        }
        Float16 fix = zero(), fiy = zero(), fiz = zero();
        Float16 vLjSum = zero(), vCoulombSum = zero();

        // One cluster pair; kFull: all 16 pairs interact normally (no masks but the cut-offs);
        // kSameCutoff: rvdw == rcoulomb, so the Coulomb cut-off test covers LJ too.
        const auto interactPair = [&]<bool kFull, bool kSameCutoff>(const ClusterPairList::JEntry& jEntry)
                                      __attribute__((always_inline)) {
            const std::size_t jFirst = static_cast<std::size_t>(jEntry.cluster) * kC;
            const Float16 dx = xi - loadRepeat4(xs + jFirst);
            const Float16 dy = yi - loadRepeat4(ys + jFirst);
            const Float16 dz = zi - loadRepeat4(zs + jFirst);
            const Float16 r2 = fma(dx, dx, fma(dy, dy, dz * dz));
            const Mask16 inside = r2 < rc2;
            // interact: normal pairs; any: pairs with a Coulomb term (normal or excluded).
            Mask16 interact = inside, any = inside;
            if constexpr (!kFull) {
                interact = maskFromBits(jEntry.interact) && inside;
                any = interact || (maskFromBits(jEntry.excluded) && inside);
            }
            // Full cluster pairs skip this test: for them the unpredictable branch cost more than
            // the work it saves on the pairs with no atom pair inside the cut-off (~6% measured).
            if (!kFull && !anyTrue(any)) {
                return;
            }
            // A full cluster pair has no self or padding lane, so no r = 0 either.
            const Float16 r2s = kFull ? r2 : max(r2, minR2);
            // Without Coulomb, plain LJ needs even powers of 1/r only: one reciprocal instead of
            // the inverse square root and its square.
            Float16 rinv{}, rinv2;
            if constexpr (kEvenPowersOnly) {
                rinv2 = reciprocal(r2s);
            } else {
                rinv = invsqrt(r2s);
                rinv2 = rinv * rinv;
            }

            // Lennard-Jones: frLj = F r (so F/r = frLj / r^2), vLj its energy (times 6 if kLjTimes6).
            const Mask16 ljMask = kSameCutoff ? interact : interact && (r2 < rvdw2);
            Float16 frLj, vLj;
            Float16 c6, c12; // times 6 if kLjTimes6
            if constexpr (kParams == LjParams::Matrix) {
                const Int16 index = rowI + loadRepeat4(types + jFirst);
                c6 = gather(c6Table, index);
                c12 = gather(c12Table, index);
            } else if constexpr (kParams == LjParams::Uniform) {
                c6 = c6Uniform;
                c12 = c12Uniform;
            }
            if constexpr (kLjTimes6) {
                Float16 vlj6, vlj12; // 6 c6 / r^6, 6 c12 / r^12
                if constexpr (kParams != LjParams::LorentzBerthelot) {
                    const Float16 rinv6 = rinv2 * rinv2 * rinv2;
                    vlj6 = c6 * rinv6;
                    vlj12 = c12 * rinv6 * rinv6;
                } else {
                    // c6 = eps sigma^6, c12 = c6 sigma^6: in powers of sigma/r, no r^-6 needed.
                    const Float16 sigma = sigmaI + loadRepeat4(halfSigmas + jFirst);
                    Float16 sr2;
                    if constexpr (kEvenPowersOnly) {
                        sr2 = sigma * sigma * rinv2;
                    } else {
                        const Float16 sr = sigma * rinv;
                        sr2 = sr * sr;
                    }
                    const Float16 sr6 = sr2 * sr2 * sr2;
                    vlj6 = epsI * loadRepeat4(epsilons + jFirst) * sr6;
                    vlj12 = vlj6 * sr6;
                    if constexpr (kEnergy && kLj == LjKind::PotentialShift) {
                        const Float16 sigma2 = sigma * sigma;
                        const Float16 sigma6 = sigma2 * sigma2 * sigma2;
                        c6 = epsI * loadRepeat4(epsilons + jFirst) * sigma6;
                        c12 = c6 * sigma6;
                    }
                }
                frLj = fms(two, vlj12, vlj6);
                if constexpr (kEnergy) {
                    vLj = vlj12 - vlj6;
                    if constexpr (kLj == LjKind::PotentialShift) {
                        vLj = vLj - fms(c12, shift12, c6 * shift6);
                    }
                }
            } else {
                if constexpr (kParams == LjParams::LorentzBerthelot) {
                    const Float16 sigma = sigmaI + loadRepeat4(halfSigmas + jFirst);
                    const Float16 sigma2 = sigma * sigma;
                    const Float16 sigma6 = sigma2 * sigma2 * sigma2;
                    c6 = epsI * loadRepeat4(epsilons + jFirst) * sigma6;
                    c12 = c6 * sigma6;
                }
                const Float16 rinv6 = rinv2 * rinv2 * rinv2;
                const Float16 vlj6 = c6 * rinv6;
                const Float16 vlj12 = c12 * rinv6 * rinv6;
                const Float16 r = r2s * rinv;
                const Float16 t = max(r - rSwitch, zero());
                const Float16 t2 = t * t;
                const Float16 t3 = t2 * t;
                if constexpr (kLj == LjKind::ForceSwitch) {
                    // F_p = p r^-(p+1) + A t^2 + B t^3; Phi_p = r^-p - A/3 t^3 - B/4 t^4 - C.
                    const Float16 f6 = fma(six * rinv6, rinv, fma(fsA6, t2, fsB6 * t3));
                    const Float16 f12 = fma(twelve * rinv6 * rinv6, rinv, fma(fsA12, t2, fsB12 * t3));
                    frLj = fnma(c6, f6, c12 * f12) * r;
                    if constexpr (kEnergy) {
                        const Float16 third = set1(1.0f / 3.0f), quarter = set1(0.25f);
                        const Float16 phi6 = rinv6 - fma(fsA6 * third, t3, fma(fsB6 * quarter, t3 * t, fsC6));
                        const Float16 phi12 =
                            rinv6 * rinv6 - fma(fsA12 * third, t3, fma(fsB12 * quarter, t3 * t, fsC12));
                        vLj = fnma(c6, phi6, c12 * phi12);
                    }
                } else {
                    // V S with S = 1 + sw3 t^3 + sw4 t^4 + sw5 t^5; F = F_plain S - V dS/dr.
                    const Float16 v = vlj12 - vlj6;
                    const Float16 fr = fnma(six, vlj6, twelve * vlj12);
                    const Float16 sw = fma(fma(fma(sw5, t, sw4), t, sw3), t3, set1(1.0f));
                    const Float16 dsw =
                        fma(fma(set1(5.0f) * sw5, t, set1(4.0f) * sw4), t, set1(3.0f) * sw3) * t2;
                    frLj = fnma(v * dsw, r, fr * sw);
                    if constexpr (kEnergy) {
                        vLj = v * sw;
                    }
                }
            }
            if constexpr (kEnergy) {
                vLjSum = addMasked(vLjSum, ljMask, vLj);
            }

            // Coulomb, added to the LJ term; one select of the lanes with any interaction at the end.
            Float16 fOverR;
            frLj = selectOrZero(ljMask, frLj);
            if constexpr (kCoulomb == CoulombVariant::None) {
                fOverR = selectOrZero(any, frLj * rinv2);
            } else {
                const Float16 qq = qi * loadRepeat4(charges + jFirst);
                const Float16 rinvM = kFull ? rinv : selectOrZero(interact, rinv);
                const Float16 frNormal = fma(qq, rinvM, frLj) * rinv2; // LJ + qq m / r^3
                if constexpr (kCoulomb == CoulombVariant::ReactionField) {
                    fOverR = selectOrZero(any, fnma(qq, twoKRf, frNormal));
                    if constexpr (kEnergy) {
                        vCoulombSum = addMasked(vCoulombSum, any, qq * (fma(kRf, r2, rinvM) - cRf));
                    }
                } else {
                    fOverR = selectOrZero(any, fnma(qq, ewald.forceTerm(r2s), frNormal));
                    if constexpr (kEnergy) {
                        const Float16 shift = kFull ? ewaldShift : selectOrZero(interact, ewaldShift);
                        vCoulombSum =
                            addMasked(vCoulombSum, any, qq * (rinvM - (ewald.energyTerm(r2s) + shift)));
                    }
                }
            }

            const Float16 fx4 = fOverR * dx;
            const Float16 fy4 = fOverR * dy;
            const Float16 fz4 = fOverR * dz;
            fix = fix + fx4;
            fiy = fiy + fy4;
            fiz = fiz + fz4;
            float* const fj = f + static_cast<std::size_t>(jEntry.cluster) * kForceStride;
            store(fj, load(fj) - fx4);
            store(fj + 16, load(fj + 16) - fy4);
            store(fj + 32, load(fj + 32) - fz4);
        };
        const int split = fullBegin[static_cast<std::size_t>(ie)];
        for (int je = entry.jBegin; je < split; ++je) {
            interactPair.template operator()<false, false>(jEntries[static_cast<std::size_t>(je)]);
        }
        if (sameCutoff) {
            for (int je = split; je < entry.jEnd; ++je) {
                interactPair.template operator()<true, true>(jEntries[static_cast<std::size_t>(je)]);
            }
        } else {
            for (int je = split; je < entry.jEnd; ++je) {
                interactPair.template operator()<true, false>(jEntries[static_cast<std::size_t>(je)]);
            }
        }

        // Forces on the i-atoms: lane 4 a + b holds i-slot a, so transposed into the buffer's layout;
        // their total feeds the shift force.
        float* const fi = f + static_cast<std::size_t>(entry.cluster) * kForceStride;
        store(fi, load(fi) + transpose4x4(fix));
        store(fi + 16, load(fi + 16) + transpose4x4(fiy));
        store(fi + 32, load(fi + 32) + transpose4x4(fiz));
        // Only image shifts enter the virial (shift vector x force); the central shift's vector is
        // zero, so its three horizontal sums (most entries) are skipped.
        if (entry.shift != ClusterPairList::kCentralShift) {
            result.shiftForce[static_cast<std::size_t>(entry.shift)] +=
                Vec3{reduceAdd(fix), reduceAdd(fiy), reduceAdd(fiz)};
        }
        if constexpr (kEnergy) {
            energyLj.add(kLjTimes6 ? vLjSum * set1(1.0f / 6.0f) : vLjSum);
            energyCoulomb.add(vCoulombSum);
        }
    }
    if constexpr (kEnergy) {
        result.energyLj += energyLj.sum();
        result.energyCoulomb += energyCoulomb.sum();
    }
}

// The forces on a cluster's 4 slots from the block buffers that hold a share of them (`shares`: the
// cluster's kForceStride floats in each, in block order): x of slots 0-3, then y, then z, summed
// over the buffers in order, then over the 4 lane shares of each slot.
inline void reduceClusterForces(float* const* shares, int numShares, float (&out)[16])
{
    using namespace simd;
    Float16 x = zero(), y = zero(), z = zero();
    for (int b = 0; b < numShares; ++b) {
        const float* const p = shares[b];
        x = x + load(p);
        y = y + load(p + 16);
        z = z + load(p + 32);
    }
    store(out, sumOverBlocks(x, y, z));
}

// Zeroes one cluster's kForceStride floats of a block buffer.
inline void clearClusterForces(float* share)
{
    using namespace simd;
    store(share, zero());
    store(share + 16, zero());
    store(share + 32, zero());
}

} // namespace proteinmd::cpu

// ClusterPairList::prune: the rolling prune of the built list (see cluster_pair_list.h), kept apart
// from the search it filters.
#include "neighbor/cluster_pair_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "proteinmd/core/error.h"
#include "proteinmd/simd/simd_float16.h"

namespace proteinmd {

namespace {

constexpr int kC = ClusterPairList::kClusterSize;
constexpr int kPrefetchAhead = 256; // JEntries (8 bytes): 64 measured slower, 128-512 the same

} // namespace

void ClusterPairList::prune(std::span<const float> x, std::span<const float> y, std::span<const float> z, double rPrune,
                            int numThreads)
{
    using namespace simd;
    const std::size_t numSlots = slotAtoms_.size();
    if (x.size() != numSlots || y.size() != numSlots || z.size() != numSlots) {
        throw SetupError(fmt::format("cluster pair list: prune got {} positions for {} slots", x.size(), numSlots));
    }
    // The same relative margin as the search: float rounding never drops a pair within rPrune.
    const Float16 rPrune2 = set1(static_cast<float>(rPrune * rPrune * (1.0 + 1e-5)));
    // Contiguous chunks of i-entries joined in order: the result does not depend on numThreads.
    parts_.resize(kNumChunks);
    // Each part writes its kept pairs in place, from where its built pairs start: the pruned list
    // keeps the built one's layout with gaps (never read: entries address their own ranges), so
    // there is no join copy of the pairs, only of the few i-entries.
    if (prunedJ_.size() != jEntries_.size()) {
        prunedJ_.resize(jEntries_.size());
    }
#pragma omp parallel num_threads(std::max(1, numThreads))
    {
#pragma omp for schedule(dynamic, 1)
        for (int t = 0; t < kNumChunks; ++t) {
            const auto ut = static_cast<std::size_t>(t);
            Part& part = parts_[ut];
            std::vector<IEntry>& iOut = part.i;
            std::vector<int>& full = part.fullBegin;
            iOut.clear();
            full.clear();
            // The built part's i-entries: its touched flags (partTouched) then cover the pruned
            // part too (a superset, which is all they must be), so the prune writes none.
            const std::size_t eBegin = builtIOffset_[ut];
            const std::size_t eEnd = builtIOffset_[ut + 1];
            const int base = static_cast<int>(jOffset_[ut]);
            JEntry* const jOut = prunedJ_.data() + base;
            const JEntry* const built = jEntries_.data();
            const int lastBuilt = static_cast<int>(jEntries_.size()) - 1;
            const int* const builtFullBegin = fullBegin_.data();
            const float* const xs = x.data();
            const float* const ys = y.data();
            const float* const zs = z.data();
            int count = 0;
            alignas(64) float lane[3][16];
            for (std::size_t e = eBegin; e < eEnd; ++e) {
                const IEntry& entry = iEntries_[e];
                const std::size_t iFirst = static_cast<std::size_t>(entry.cluster) * kC;
                const Vec3& s = shiftVectors_[static_cast<std::size_t>(entry.shift)];
                spreadRows4(&x[iFirst], static_cast<float>(s.x), lane[0]);
                spreadRows4(&y[iFirst], static_cast<float>(s.y), lane[1]);
                spreadRows4(&z[iFirst], static_cast<float>(s.z), lane[2]);
                const Float16 xi = load(lane[0]), yi = load(lane[1]), zi = load(lane[2]);
                const int jBegin = count;
                // Keeps the pairs of [je0, je1) with an atom pair within rPrune. kFull: the built
                // list's full pairs (every lane a real, interacting atom pair), which need no mask.
                // (Locals only: the flag stores are bytes, which may alias anything else.)
                const auto keepWithin = [xi, yi, zi, rPrune2, built, lastBuilt, xs, ys, zs,
                                         jOut]<bool kFull>(int je0, int je1, int kept) {
                    for (int je = je0; je < je1; ++je) {
                        // The built list streams from memory (the kernel and PME evicted it): asked
                        // for 2 kB ahead, the prune runs ~10% faster in a run (measured on dhfr).
                        __builtin_prefetch(&built[std::min(je + kPrefetchAhead, lastBuilt)]);
                        const JEntry j = built[je];
                        const std::size_t jFirst = static_cast<std::size_t>(j.cluster) * kC;
                        const Float16 dx = xi - loadRepeat4(&xs[jFirst]);
                        const Float16 dy = yi - loadRepeat4(&ys[jFirst]);
                        const Float16 dz = zi - loadRepeat4(&zs[jFirst]);
                        const Float16 r2 = fma(dx, dx, fma(dy, dy, dz * dz));
                        Mask16 within = r2 < rPrune2;
                        if constexpr (!kFull) {
                            within = within && maskFromBits(static_cast<std::uint32_t>(j.interact | j.excluded));
                        }
                        // Written always, kept by advancing the count: no mispredicted branch
                        // per pair.
                        jOut[kept] = j;
                        kept += anyTrue(within) ? 1 : 0;
                    }
                    return kept;
                };
                // The built order is kept, so the masked pairs kept come first and end where the
                // built masked pairs end.
                count = keepWithin.template operator()<false>(entry.jBegin, builtFullBegin[e], count);
                const int prunedFullBegin = count;
                count = keepWithin.template operator()<true>(builtFullBegin[e], entry.jEnd, count);
                if (count > jBegin) {
                    iOut.push_back(IEntry{entry.cluster, entry.shift, base + jBegin, base + count});
                    full.push_back(base + prunedFullBegin);
                }
            }
            part.jCount = static_cast<std::size_t>(count);
        }
    }
    // The i-entries in part order (their pair ranges are already absolute).
    std::size_t numEntries = 0;
    prunedPairs_ = 0;
    for (const Part& part : parts_) {
        numEntries += part.i.size();
        prunedPairs_ += part.jCount;
    }
    prunedI_.resize(numEntries);
    prunedFullBegin_.resize(numEntries);
    std::size_t next = 0;
    for (std::size_t t = 0; t < kNumChunks; ++t) {
        const Part& part = parts_[t];
        std::copy(part.i.begin(), part.i.end(), prunedI_.begin() + static_cast<std::ptrdiff_t>(next));
        std::copy(part.fullBegin.begin(), part.fullBegin.end(),
                  prunedFullBegin_.begin() + static_cast<std::ptrdiff_t>(next));
        iOffset_[t] = next;
        next += part.i.size();
    }
    iOffset_[kNumChunks] = next;
    pruned_ = true;
}

} // namespace proteinmd

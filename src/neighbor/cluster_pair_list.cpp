#include "neighbor/cluster_pair_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

#include "neighbor/displacement.h"

#include "proteinmd/core/error.h"
#include "proteinmd/simd/simd_float16.h"

namespace proteinmd {

namespace {

constexpr int kC = ClusterPairList::kClusterSize;

} // namespace

bool ClusterPairList::usable(const Box& box, double rlist)
{
    return box.isPeriodic() && box.isRectangular() && rlist > 0 && rlist <= box.maxCutoff();
}

void ClusterPairList::build(const System& system, std::span<const Vec3> positions, const Box& box, double rlist,
                            int numThreads)
{
    if (!usable(box, rlist)) {
        throw SetupError(fmt::format("cluster pair list: needs a periodic rectangular box with rlist ({} nm) at most "
                                     "half the shortest box width ({} nm)",
                                     rlist, box.isPeriodic() ? box.maxCutoff() : 0.0));
    }
    if (positions.size() != static_cast<std::size_t>(system.numAtoms())) {
        throw SetupError(
            fmt::format("cluster pair list: {} positions for {} atoms", positions.size(), system.numAtoms()));
    }
    for (std::size_t i = 0; i < positions.size(); ++i) {
        const Vec3& x = positions[i];
        if (!std::isfinite(x.x) || !std::isfinite(x.y) || !std::isfinite(x.z)) {
            throw SetupError(fmt::format("cluster pair list: atom {} has a non-finite position", i + 1));
        }
    }
    box_ = box;
    rlist_ = rlist;
    numAtoms_ = static_cast<int>(positions.size());
    buildPositions_.assign(positions.begin(), positions.end());
    const Vec3 length{box.vectors()[0][0], box.vectors()[1][1], box.vectors()[2][2]};
    for (int sx = -1; sx <= 1; ++sx) {
        for (int sy = -1; sy <= 1; ++sy) {
            for (int sz = -1; sz <= 1; ++sz) {
                shiftVectors_[static_cast<std::size_t>((sx + 1) * 9 + (sy + 1) * 3 + (sz + 1))] =
                    Vec3{sx * length.x, sy * length.y, sz * length.z};
            }
        }
    }
    sortIntoClusters(positions);

    // The i-clusters are searched in kNumChunks contiguous ranges (more than threads, for load
    // balance) and the pieces joined in order, so the list does not depend on the thread count.
    // The per-chunk buffers persist between builds, so a rebuild does not regrow them.
    iParts_.resize(kNumChunks);
    jParts_.resize(kNumChunks);
    // First build: about half the clusters within rlist + a cluster's extent, per cluster.
    const double clusterEdge = std::cbrt(kC * box.volume() / std::max(numAtoms_, 1));
    const double reach = rlist + clusterEdge;
    const auto estimate = static_cast<std::size_t>(0.5 * numClusters_ * (4.0 / 3.0 * 3.14159 * reach * reach * reach) /
                                                   (clusterEdge * clusterEdge * clusterEdge) / kNumChunks);
    // Later i-clusters have fewer partners (half list), so chunks are cut by the square root.
    auto bound = [&](int k) {
        const double f = 1.0 - std::sqrt(1.0 - static_cast<double>(k) / kNumChunks);
        return k == kNumChunks ? numClusters_ : static_cast<int>(f * numClusters_);
    };
    // One parallel region: on a busy machine every fork or barrier can cost a scheduler time slice.
#pragma omp parallel for num_threads(std::max(1, numThreads)) schedule(dynamic, 1)
    for (int t = 0; t < kNumChunks; ++t) {
        std::vector<JEntry>& jOut = jParts_[static_cast<std::size_t>(t)];
        iParts_[static_cast<std::size_t>(t)].clear();
        if (jOut.size() < estimate) {
            jOut.resize(estimate);
        }
        jCounts_[static_cast<std::size_t>(t)] =
            searchRange(system, bound(t), bound(t + 1), iParts_[static_cast<std::size_t>(t)], jOut);
        // Masked cluster pairs first in each i-entry (see isFullPair); in place, deterministic.
        for (const IEntry& e : iParts_[static_cast<std::size_t>(t)]) {
            std::partition(jOut.begin() + e.jBegin, jOut.begin() + e.jEnd,
                           [](const JEntry& j) { return !isFullPair(j); });
        }
    }
    joinParts(iEntries_, jEntries_);
    pruned_ = false;
    prunedI_.clear();
    prunedJ_.clear();
}

void ClusterPairList::joinParts(std::vector<IEntry>& iAll, std::vector<JEntry>& jAll)
{
    for (std::size_t t = 0; t < kNumChunks; ++t) {
        iOffset_[t + 1] = iOffset_[t] + iParts_[t].size();
        jOffset_[t + 1] = jOffset_[t] + jCounts_[t];
    }
    iAll.resize(iOffset_.back());
    jAll.resize(jOffset_.back());
    // Serial: a parallel copy needs a barrier after the chunks, and on a busy machine a barrier
    // (a descheduled team thread) cost more than the ~0.3 ms the copy of a DHFR list takes.
    for (int t = 0; t < kNumChunks; ++t) {
        const auto ut = static_cast<std::size_t>(t);
        const int shift = static_cast<int>(jOffset_[ut]);
        IEntry* iDst = iAll.data() + iOffset_[ut];
        for (IEntry e : iParts_[ut]) {
            e.jBegin += shift;
            e.jEnd += shift;
            *iDst++ = e;
        }
        std::copy(jParts_[ut].begin(), jParts_[ut].begin() + static_cast<std::ptrdiff_t>(jCounts_[ut]),
                  jAll.begin() + static_cast<std::ptrdiff_t>(jOffset_[ut]));
    }
}

void ClusterPairList::sortIntoClusters(std::span<const Vec3> positions)
{
    const Vec3 length{box_.vectors()[0][0], box_.vectors()[1][1], box_.vectors()[2][2]};
    // Columns about as wide as a cluster of 4 atoms at the system's density is long, so clusters
    // come out roughly cubic.
    const double density = std::max(numAtoms_, 1) / (length.x * length.y * length.z);
    const double edge = std::cbrt(kC / density);
    for (int d = 0; d < 2; ++d) {
        columns_[static_cast<std::size_t>(d)] = std::max(1, static_cast<int>(length[d] / edge));
        columnSize_[static_cast<std::size_t>(d)] = length[d] / columns_[static_cast<std::size_t>(d)];
    }
    const int numColumns = columns_[0] * columns_[1];

    // Scratch arrays are members, so a rebuild allocates nothing.
    std::vector<Vec3>& wrapped = wrapped_;
    std::vector<int>& column = atomColumn_;
    std::vector<int>& count = columnAtomStart_;
    wrapped.resize(static_cast<std::size_t>(numAtoms_));
    column.resize(static_cast<std::size_t>(numAtoms_));
    count.assign(static_cast<std::size_t>(numColumns) + 1, 0);
    for (int i = 0; i < numAtoms_; ++i) {
        Vec3 w = positions[static_cast<std::size_t>(i)];
        for (int d = 0; d < 3; ++d) {
            w[d] -= length[d] * std::floor(w[d] / length[d]);
            if (w[d] >= length[d]) {
                w[d] = 0; // rounding of tiny negative coordinates
            }
        }
        wrapped[static_cast<std::size_t>(i)] = w;
        const int cx = std::min(columns_[0] - 1, static_cast<int>(w.x / columnSize_[0]));
        const int cy = std::min(columns_[1] - 1, static_cast<int>(w.y / columnSize_[1]));
        column[static_cast<std::size_t>(i)] = cx * columns_[1] + cy;
    }
    for (int i = 0; i < numAtoms_; ++i) {
        ++count[static_cast<std::size_t>(column[static_cast<std::size_t>(i)]) + 1];
    }
    std::partial_sum(count.begin(), count.end(), count.begin());
    // Counting sort into columns, each entry carrying its z so the per-column sorts read
    // contiguous memory.
    std::vector<ZKey>& keys = sortKeys_;
    keys.resize(static_cast<std::size_t>(numAtoms_));
    {
        std::vector<int>& fill = columnFill_;
        fill.assign(count.begin(), count.end() - 1);
        for (int i = 0; i < numAtoms_; ++i) {
            const auto slot =
                static_cast<std::size_t>(fill[static_cast<std::size_t>(column[static_cast<std::size_t>(i)])]++);
            keys[slot] = ZKey{wrapped[static_cast<std::size_t>(i)].z, i};
        }
    }

    columnClusterStart_.assign(static_cast<std::size_t>(numColumns) + 1, 0);
    for (int c = 0; c < numColumns; ++c) {
        const int n = count[static_cast<std::size_t>(c) + 1] - count[static_cast<std::size_t>(c)];
        columnClusterStart_[static_cast<std::size_t>(c) + 1] =
            columnClusterStart_[static_cast<std::size_t>(c)] + (n + kC - 1) / kC;
    }
    numClusters_ = columnClusterStart_.back();
    const std::size_t numSlots = static_cast<std::size_t>(numClusters_) * kC;
    slotAtoms_.assign(numSlots, -1);
    slotOffsets_.resize(numSlots);
    slotPositions_.resize(numSlots);
    boundsLo_.resize(static_cast<std::size_t>(numClusters_));
    boundsHi_.resize(static_cast<std::size_t>(numClusters_));
    // Each column sorted by z, ties broken by index so the order is fully determined. (Serial: on a
    // busy machine another parallel region costs more than the ~0.5 ms of sorting.)
    for (int c = 0; c < numColumns; ++c) {
        const auto first = keys.begin() + count[static_cast<std::size_t>(c)];
        const auto last = keys.begin() + count[static_cast<std::size_t>(c) + 1];
        std::sort(first, last,
                  [](const ZKey& a, const ZKey& b) { return a.z < b.z || (a.z == b.z && a.atom < b.atom); });
        const int n = static_cast<int>(last - first);
        const std::size_t firstSlot = static_cast<std::size_t>(columnClusterStart_[static_cast<std::size_t>(c)]) * kC;
        for (int k = 0; k < n; ++k) {
            const int atom = (first + k)->atom;
            const std::size_t slot = firstSlot + static_cast<std::size_t>(k);
            slotAtoms_[slot] = atom;
            slotPositions_[slot] = wrapped[static_cast<std::size_t>(atom)];
            slotOffsets_[slot] = wrapped[static_cast<std::size_t>(atom)] - positions[static_cast<std::size_t>(atom)];
        }
        // Padding slots of the column's last cluster: zero offset, position of its first atom.
        for (std::size_t slot = firstSlot + static_cast<std::size_t>(n);
             slot < static_cast<std::size_t>(columnClusterStart_[static_cast<std::size_t>(c) + 1]) * kC; ++slot) {
            slotOffsets_[slot] = Vec3{};
        }
    }
    for (int ci = 0; ci < numClusters_; ++ci) {
        const std::size_t first = static_cast<std::size_t>(ci) * kC;
        Vec3 lo = slotPositions_[first];
        Vec3 hi = lo;
        for (std::size_t s = first + 1; s < first + kC; ++s) {
            if (slotAtoms_[s] < 0) {
                slotPositions_[s] = slotPositions_[first];
                continue;
            }
            for (int d = 0; d < 3; ++d) {
                lo[d] = std::min(lo[d], slotPositions_[s][d]);
                hi[d] = std::max(hi[d], slotPositions_[s][d]);
            }
        }
        boundsLo_[static_cast<std::size_t>(ci)] = lo;
        boundsHi_[static_cast<std::size_t>(ci)] = hi;
    }
    slotX_.resize(numSlots);
    slotY_.resize(numSlots);
    slotZ_.resize(numSlots);
    for (std::size_t s = 0; s < numSlots; ++s) {
        slotX_[s] = static_cast<float>(slotPositions_[s].x);
        slotY_[s] = static_cast<float>(slotPositions_[s].y);
        slotZ_[s] = static_cast<float>(slotPositions_[s].z);
    }
    // Bounds in float SoA for the SIMD box test, padded by one SIMD width with far-away boxes.
    for (auto* v : {&boxLoX_, &boxLoY_, &boxLoZ_, &boxHiX_, &boxHiY_, &boxHiZ_}) {
        v->assign(static_cast<std::size_t>(numClusters_ + simd::kWidth), 1e30f);
    }
    for (std::size_t c = 0; c < static_cast<std::size_t>(numClusters_); ++c) {
        boxLoX_[c] = static_cast<float>(boundsLo_[c].x);
        boxLoY_[c] = static_cast<float>(boundsLo_[c].y);
        boxLoZ_[c] = static_cast<float>(boundsLo_[c].z);
        boxHiX_[c] = static_cast<float>(boundsHi_[c].x);
        boxHiY_[c] = static_cast<float>(boundsHi_[c].y);
        boxHiZ_[c] = static_cast<float>(boundsHi_[c].z);
    }
    slotOfAtom_.assign(static_cast<std::size_t>(numAtoms_), 0);
    for (std::size_t s = 0; s < numSlots; ++s) {
        if (slotAtoms_[s] >= 0) {
            slotOfAtom_[static_cast<std::size_t>(slotAtoms_[s])] = static_cast<int>(s);
        }
    }
    occupancy_.assign(static_cast<std::size_t>(numClusters_), 0);
    for (std::size_t s = 0; s < numSlots; ++s) {
        if (slotAtoms_[s] >= 0) {
            occupancy_[s / kC] = static_cast<std::uint8_t>(occupancy_[s / kC] | (1u << (s % kC)));
        }
    }
}

std::size_t ClusterPairList::searchRange(const System& system, int ciBegin, int ciEnd, std::vector<IEntry>& iOut,
                                         std::vector<JEntry>& jOut) const
{
    // jOut is used up to `count`; its size is only room (kept between builds, never cleared).
    std::size_t count = 0;
    using namespace simd;
    const double rlist2 = rlist_ * rlist_;
    // Checked in float with a relative margin far above its rounding, so no pair within rlist is
    // lost; the bounding-box test is only a pre-filter, so its margin is wider still.
    const Float16 rlist2Float = set1(static_cast<float>(rlist2 * (1.0 + 1e-5)));
    const Float16 boxLimit2 = set1(static_cast<float>(rlist2 * (1.0 + 1e-4)));
    // excludedIn[cj]: bits 4 a + b of the atom pairs (i-slot a of the current i-cluster, j-slot b
    // of cluster cj) that are excluded; reset after each i-cluster through `touched`.
    std::vector<std::uint16_t> excludedIn(static_cast<std::size_t>(numClusters_), 0);
    std::vector<int> touched;
    const bool haveExclusions = !system.exclusions.empty();
    // Member arrays as local pointers: the list's stores could otherwise alias them.
    const float* const slotX = slotX_.data();
    const float* const slotY = slotY_.data();
    const float* const slotZ = slotZ_.data();
    const float* const boxLoX = boxLoX_.data();
    const float* const boxLoY = boxLoY_.data();
    const float* const boxLoZ = boxLoZ_.data();
    const float* const boxHiX = boxHiX_.data();
    const float* const boxHiY = boxHiY_.data();
    const float* const boxHiZ = boxHiZ_.data();
    const std::uint8_t* const occupancy = occupancy_.data();
    const Vec3 boxLength{box_.vectors()[0][0], box_.vectors()[1][1], box_.vectors()[2][2]};
    for (int ci = ciBegin; ci < ciEnd; ++ci) {
        const std::size_t iFirst = static_cast<std::size_t>(ci) * kC;
        if (haveExclusions) {
            for (int a = 0; a < kC; ++a) {
                const int atom = slotAtoms_[iFirst + static_cast<std::size_t>(a)];
                if (atom >= 0) {
                    for (int k : system.exclusions[static_cast<std::size_t>(atom)]) {
                        const auto slot = static_cast<std::size_t>(slotOfAtom_[static_cast<std::size_t>(k)]);
                        std::uint16_t& bits = excludedIn[slot / kC];
                        if (bits == 0) {
                            touched.push_back(static_cast<int>(slot / kC));
                        }
                        bits = static_cast<std::uint16_t>(bits | (1u << (a * kC + static_cast<int>(slot % kC))));
                    }
                }
            }
        }
        // Atom pairs that exist: occupied i-slot rows times occupied j-slots (repeated per row).
        std::uint32_t rowsI = 0;
        for (int a = 0; a < kC; ++a) {
            if ((occupancy_[static_cast<std::size_t>(ci)] >> a) & 1u) {
                rowsI |= 0xfu << (a * kC);
            }
        }
        // Periodic images (per dimension -1, 0, +1 box length) of the i-cluster that come within
        // rlist of the box at all: usually only the central one, so the other 26 cost a lookup.
        std::array<std::array<bool, 3>, 3> reaches{};
        for (int d = 0; d < 3; ++d) {
            const auto ud = static_cast<std::size_t>(d);
            for (int k = -1; k <= 1; ++k) {
                const double offset = k * boxLength[d];
                reaches[ud][static_cast<std::size_t>(k + 1)] =
                    boundsLo_[static_cast<std::size_t>(ci)][d] + offset - rlist_ < boxLength[d] &&
                    boundsHi_[static_cast<std::size_t>(ci)][d] + offset + rlist_ >= 0;
            }
        }
        for (int shift = 0; shift < kNumShifts; ++shift) {
            if (!(reaches[0][static_cast<std::size_t>(shift / 9)] &&
                  reaches[1][static_cast<std::size_t>(shift / 3 % 3)] &&
                  reaches[2][static_cast<std::size_t>(shift % 3)])) {
                continue;
            }
            const Vec3& s = shiftVectors_[static_cast<std::size_t>(shift)];
            const Vec3 lo = boundsLo_[static_cast<std::size_t>(ci)] + s;
            const Vec3 hi = boundsHi_[static_cast<std::size_t>(ci)] + s;
            // Columns the shifted i-cluster can reach; none means this shift has no partners.
            std::array<int, 2> cLo{}, cHi{};
            bool empty = false;
            for (int d = 0; d < 2; ++d) {
                const auto ud = static_cast<std::size_t>(d);
                cLo[ud] = std::max(0, static_cast<int>(std::floor((lo[d] - rlist_) / columnSize_[ud])));
                cHi[ud] = std::min(columns_[ud] - 1, static_cast<int>(std::floor((hi[d] + rlist_) / columnSize_[ud])));
                empty = empty || cLo[ud] > cHi[ud];
            }
            const double length2 = box_.vectors()[2][2];
            if (empty || lo.z - rlist_ >= length2 || hi.z + rlist_ < 0) {
                continue;
            }
            const int jBegin = static_cast<int>(count);
            // The shifted i-cluster in SIMD lanes (lane 4 a + b: i-slot a), for the distance check.
            alignas(64) float lane[3][16];
            spreadRows4(&slotX[iFirst], static_cast<float>(s.x), lane[0]);
            spreadRows4(&slotY[iFirst], static_cast<float>(s.y), lane[1]);
            spreadRows4(&slotZ[iFirst], static_cast<float>(s.z), lane[2]);
            const Float16 xi = load(lane[0]), yi = load(lane[1]), zi = load(lane[2]);
            const Float16 loX = set1(static_cast<float>(lo.x)), hiX = set1(static_cast<float>(hi.x));
            const Float16 loY = set1(static_cast<float>(lo.y)), hiY = set1(static_cast<float>(hi.y));
            const Float16 loZ = set1(static_cast<float>(lo.z)), hiZ = set1(static_cast<float>(hi.z));
            for (int cx = cLo[0]; cx <= cHi[0]; ++cx) {
                for (int cy = cLo[1]; cy <= cHi[1]; ++cy) {
                    const int col = cx * columns_[1] + cy;
                    const int cjFirst = std::max(ci, columnClusterStart_[static_cast<std::size_t>(col)]);
                    const int cjLast = columnClusterStart_[static_cast<std::size_t>(col) + 1];
                    if (cjFirst >= cjLast) {
                        continue;
                    }
                    const double gx = std::max({0.0, cx * columnSize_[0] - hi.x, lo.x - (cx + 1) * columnSize_[0]});
                    const double gy = std::max({0.0, cy * columnSize_[1] - hi.y, lo.y - (cy + 1) * columnSize_[1]});
                    if (gx * gx + gy * gy >= rlist2) {
                        continue;
                    }
                    // Clusters of a column are sorted by z (both bounds non-decreasing): only a
                    // contiguous run can come within rlist of the shifted i-cluster. Columns are
                    // short (~20 clusters), so the box test below simply runs from the column's
                    // start (a binary search costs more in mispredicted branches); only tall
                    // columns get one. The run ends at the first chunk reaching past hi.z + rlist.
                    int runBegin = cjFirst;
                    if (cjLast - cjFirst > 4 * kWidth) {
                        const auto hiBegin = boundsHi_.begin();
                        runBegin =
                            static_cast<int>(std::partition_point(hiBegin + cjFirst, hiBegin + cjLast,
                                                                  [&](const Vec3& h) { return h.z <= lo.z - rlist_; }) -
                                             hiBegin);
                    }
                    const float zEnd = static_cast<float>(hi.z + rlist_);
                    // Bounding-box distances of 16 j-clusters at a time (the float bounds are
                    // padded, so reading past the column is safe; those lanes are masked off).
                    bool columnDone = false;
                    for (int c0 = runBegin; c0 < cjLast && !columnDone; c0 += kWidth) {
                        const auto u0 = static_cast<std::size_t>(c0);
                        const Float16 jLoX = load(&boxLoX[u0]), jHiX = load(&boxHiX[u0]);
                        const Float16 jLoY = load(&boxLoY[u0]), jHiY = load(&boxHiY[u0]);
                        const Float16 jLoZ = load(&boxLoZ[u0]), jHiZ = load(&boxHiZ[u0]);
                        const Float16 gapX = max(zero(), max(jLoX - hiX, loX - jHiX));
                        const Float16 gapY = max(zero(), max(jLoY - hiY, loY - jHiY));
                        const Float16 gapZ = max(zero(), max(jLoZ - hiZ, loZ - jHiZ));
                        const Float16 gap2 = fma(gapX, gapX, fma(gapY, gapY, gapZ * gapZ));
                        std::uint32_t near = toBits(gap2 < boxLimit2);
                        const int numLeft = cjLast - c0;
                        if (numLeft < kWidth) {
                            near &= (1u << numLeft) - 1u;
                        }
                        // Sorted by z: once a chunk ends beyond reach, so does the rest.
                        columnDone = numLeft <= kWidth || boxLoZ[u0 + kWidth - 1] >= zEnd;
                        // Room for all 16 before the loop, so each candidate is written
                        // unconditionally and kept by advancing the count: the keep decision
                        // (about half go either way) is no mispredicted branch.
                        if (jOut.size() < count + kWidth) {
                            jOut.resize(2 * jOut.size() + kWidth);
                        }
                        JEntry* const out = jOut.data();
                        for (; near != 0; near &= near - 1) {
                            const int cj = c0 + std::countr_zero(near);
                            std::uint32_t exists = rowsI & (occupancy[static_cast<std::size_t>(cj)] * 0x1111u);
                            if (cj == ci) [[unlikely]] {
                                // A cluster with its own image: only one of the shifts s and -s;
                                // with itself, only pairs a < b (bits 1-3, 6-7 and 11).
                                exists = shift < kCentralShift    ? 0u
                                         : shift == kCentralShift ? exists & 0x08CEu
                                                                  : exists;
                            }
                            // Any atom pair within rlist? Padding slots repeat their cluster's
                            // first atom, so they add no pair of their own.
                            const std::size_t jFirst = static_cast<std::size_t>(cj) * kC;
                            const Float16 dx = xi - loadRepeat4(&slotX[jFirst]);
                            const Float16 dy = yi - loadRepeat4(&slotY[jFirst]);
                            const Float16 dz = zi - loadRepeat4(&slotZ[jFirst]);
                            const Float16 r2 = fma(dx, dx, fma(dy, dy, dz * dz));
                            const bool within = anyTrue(r2 < rlist2Float);
                            const std::uint32_t excluded = excludedIn[static_cast<std::size_t>(cj)] & exists;
                            out[count] = JEntry{cj, static_cast<std::uint16_t>(exists & ~excluded),
                                                static_cast<std::uint16_t>(excluded)};
                            count += (within && exists != 0) ? 1 : 0;
                        }
                    }
                }
            }
            if (static_cast<int>(count) > jBegin) {
                iOut.push_back(IEntry{ci, shift, jBegin, static_cast<int>(count)});
            }
        }
        for (int c : touched) {
            excludedIn[static_cast<std::size_t>(c)] = 0;
        }
        touched.clear();
    }
    return count;
}

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
    iParts_.resize(kNumChunks);
    jParts_.resize(kNumChunks);
    const std::size_t numI = iEntries_.size();
#pragma omp parallel for num_threads(std::max(1, numThreads)) schedule(dynamic, 1)
    for (int t = 0; t < kNumChunks; ++t) {
        const auto ut = static_cast<std::size_t>(t);
        std::vector<IEntry>& iOut = iParts_[ut];
        std::vector<JEntry>& jBuffer = jParts_[ut];
        iOut.clear();
        const std::size_t eBegin = numI * ut / kNumChunks;
        const std::size_t eEnd = numI * (ut + 1) / kNumChunks;
        const std::size_t most =
            eEnd > eBegin ? static_cast<std::size_t>(iEntries_[eEnd - 1].jEnd - iEntries_[eBegin].jBegin) : 0;
        if (jBuffer.size() < most) {
            jBuffer.resize(most); // grows once; afterwards the kept size is reused without clearing
        }
        JEntry* const jOut = jBuffer.data();
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
            for (int je = entry.jBegin; je < entry.jEnd; ++je) {
                const JEntry& j = jEntries_[static_cast<std::size_t>(je)];
                const std::size_t jFirst = static_cast<std::size_t>(j.cluster) * kC;
                const Float16 dx = xi - loadRepeat4(&x[jFirst]);
                const Float16 dy = yi - loadRepeat4(&y[jFirst]);
                const Float16 dz = zi - loadRepeat4(&z[jFirst]);
                const Float16 r2 = fma(dx, dx, fma(dy, dy, dz * dz));
                // Written always, kept by advancing the count: no mispredicted branch per pair.
                jOut[count] = j;
                count += anyTrue((r2 < rPrune2) && maskFromBits(static_cast<std::uint32_t>(j.interact | j.excluded)))
                             ? 1
                             : 0;
            }
            if (count > jBegin) {
                iOut.push_back(IEntry{entry.cluster, entry.shift, jBegin, count});
            }
        }
        jCounts_[ut] = static_cast<std::size_t>(count);
    }
    joinParts(prunedI_, prunedJ_);
    pruned_ = true;
}

bool ClusterPairList::needsRebuild(std::span<const Vec3> positions, double buffer) const
{
    if (positions.size() != buildPositions_.size() || buildPositions_.empty()) {
        return true;
    }
    return !(largestClosing(positions, buildPositions_) <= buffer);
}

} // namespace proteinmd

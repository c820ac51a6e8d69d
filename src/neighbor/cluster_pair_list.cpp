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
    return box.isReduced() && rlist > 0 && rlist <= box.maxCutoff();
}

void ClusterPairList::build(const System& system, std::span<const Vec3> positions, const Box& box, double rlist,
                            int numThreads)
{
    if (!usable(box, rlist)) {
        throw SetupError(fmt::format("cluster pair list: needs a periodic box in GROMACS's reduced form with rlist "
                                     "({} nm) at most half the shortest box width ({} nm)",
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
    const Matrix3& vectors = box.vectors();
    for (int na = -2; na <= 2; ++na) {
        for (int nb = -1; nb <= 1; ++nb) {
            for (int nc = -1; nc <= 1; ++nc) {
                shiftVectors_[static_cast<std::size_t>(shiftIndex(na, nb, nc))] =
                    vectors[0] * double(na) + vectors[1] * double(nb) + vectors[2] * double(nc);
            }
        }
    }

    // The i-clusters are searched in kNumChunks contiguous ranges (more than threads, for load
    // balance) and the pieces joined in order, so the list does not depend on the thread count.
    // The per-chunk buffers persist between builds, so a rebuild does not regrow them.
    parts_.resize(kNumChunks);
    // First build: about half the clusters within rlist + a cluster's extent, per cluster.
    const double clusterEdge = std::cbrt(kC * box.volume() / std::max(numAtoms_, 1));
    const double reach = rlist + clusterEdge;
    const int clustersAtLeast = (numAtoms_ + kC - 1) / kC;
    const auto estimate = static_cast<std::size_t>(0.5 * clustersAtLeast * (4.0 / 3.0 * 3.14159 * reach * reach * reach) /
                                                   (clusterEdge * clusterEdge * clusterEdge) / kNumChunks);
    // Later i-clusters have fewer partners (half list), so chunks are cut by the square root.
    auto bound = [&](int k) {
        const double f = 1.0 - std::sqrt(1.0 - static_cast<double>(k) / kNumChunks);
        return k == kNumChunks ? numClusters_ : static_cast<int>(f * numClusters_);
    };
    sortIntoClusters(positions, numThreads);
    // One parallel region for the search and the join of its pieces: on a busy machine every fork
    // or barrier can cost a scheduler time slice. (The sort before runs its three threaded passes
    // as separate loops; on a quiet machine that took the lj32k search from 0.52 to 0.48 ms/step.)
#pragma omp parallel num_threads(std::max(1, numThreads))
    {
#pragma omp for schedule(dynamic, 1)
        for (int t = 0; t < kNumChunks; ++t) {
            Part& part = parts_[static_cast<std::size_t>(t)];
            std::vector<JEntry>& jOut = part.j;
            std::vector<IEntry>& iOut = part.i;
            iOut.clear();
            if (jOut.size() < estimate) {
                jOut.resize(estimate);
            }
            part.jCount = searchRange(system, bound(t), bound(t + 1), part.scratch, iOut, jOut);
            // Masked cluster pairs first in each i-entry (see isFullPair); in place, deterministic.
            std::vector<int>& full = part.fullBegin;
            full.resize(iOut.size());
            for (std::size_t e = 0; e < iOut.size(); ++e) {
                const auto first = jOut.begin() + iOut[e].jBegin;
                const auto split = std::partition(first, jOut.begin() + iOut[e].jEnd,
                                                  [](const JEntry& j) { return !isFullPair(j); });
                full[e] = static_cast<int>(split - jOut.begin());
            }
            // The groups of kTouchGroup clusters this part's pairs touch (see partTouched).
            std::vector<std::uint8_t>& touch = part.touched;
            touch.assign(static_cast<std::size_t>((numClusters_ + kTouchGroup - 1) / kTouchGroup), 0);
            for (const IEntry& e : iOut) {
                touch[static_cast<std::size_t>(e.cluster / kTouchGroup)] = 1;
                for (int je = e.jBegin; je < e.jEnd; ++je) {
                    touch[static_cast<std::size_t>(jOut[static_cast<std::size_t>(je)].cluster / kTouchGroup)] = 1;
                }
            }
        }
#pragma omp single
        joinSizes(iEntries_, jEntries_, fullBegin_);
#pragma omp for schedule(dynamic, 1)
        for (int t = 0; t < kNumChunks; ++t) {
            joinPart(t, iEntries_, jEntries_, fullBegin_);
        }
    }
    builtIOffset_ = iOffset_;
    pruned_ = false;
    prunedI_.clear();
    prunedJ_.clear();
    prunedFullBegin_.clear();
}

void ClusterPairList::joinSizes(std::vector<IEntry>& iAll, std::vector<JEntry>& jAll, std::vector<int>& fullAll)
{
    for (std::size_t t = 0; t < kNumChunks; ++t) {
        iOffset_[t + 1] = iOffset_[t] + parts_[t].i.size();
        jOffset_[t + 1] = jOffset_[t] + parts_[t].jCount;
    }
    iAll.resize(iOffset_.back());
    jAll.resize(jOffset_.back());
    fullAll.resize(iOffset_.back());
}

void ClusterPairList::joinPart(int t, std::vector<IEntry>& iAll, std::vector<JEntry>& jAll,
                               std::vector<int>& fullAll) const
{
    const auto ut = static_cast<std::size_t>(t);
    const int shift = static_cast<int>(jOffset_[ut]);
    IEntry* iDst = iAll.data() + iOffset_[ut];
    int* fullDst = fullAll.data() + iOffset_[ut];
    const Part& part = parts_[ut];
    for (std::size_t e = 0; e < part.i.size(); ++e) {
        IEntry entry = part.i[e];
        entry.jBegin += shift;
        entry.jEnd += shift;
        iDst[e] = entry;
        fullDst[e] = part.fullBegin[e] + shift;
    }
    std::copy(part.j.begin(), part.j.begin() + static_cast<std::ptrdiff_t>(part.jCount),
              jAll.begin() + static_cast<std::ptrdiff_t>(jOffset_[ut]));
}

void ClusterPairList::sortIntoClusters(std::span<const Vec3> positions, int numThreads)
{
    // The per-atom, per-column and per-cluster passes are threaded for large systems (each item
    // is written on its own, so the order is the same for any thread count); the counting sort
    // between them is serial.
    const int threads = std::max(1, numThreads);
    const bool threaded = threads > 1 && numAtoms_ >= 8192;
    const Matrix3& vectors = box_.vectors();
    const Vec3 length{vectors[0][0], vectors[1][1], vectors[2][2]};
    // Scratch arrays are members, so a rebuild allocates nothing.
    std::vector<Vec3>& wrapped = wrapped_;
    std::vector<int>& column = atomColumn_;
    std::vector<int>& count = columnAtomStart_;
    std::vector<ZKey>& keys = sortKeys_;
    {
        // Columns about as wide as a cluster of 4 atoms at the system's density is long, so
        // clusters come out roughly cubic.
        const double density = std::max(numAtoms_, 1) / (length.x * length.y * length.z);
        const double edge = std::cbrt(kC / density);
        for (int d = 0; d < 2; ++d) {
            columns_[static_cast<std::size_t>(d)] = std::max(1, static_cast<int>(length[d] / edge));
            columnSize_[static_cast<std::size_t>(d)] = length[d] / columns_[static_cast<std::size_t>(d)];
        }
        wrapped.resize(static_cast<std::size_t>(numAtoms_));
        column.resize(static_cast<std::size_t>(numAtoms_));
        keys.resize(static_cast<std::size_t>(numAtoms_));
    }
#pragma omp parallel for num_threads(threads) schedule(static) if (threaded)
    for (int i = 0; i < numAtoms_; ++i) {
        // Into the brick along c, then b, then a (each leaves the earlier coordinates alone, as the
        // box is lower triangular). A tiny negative coordinate can round up to the full length; one
        // more box vector brings it back to 0.
        Vec3 w = positions[static_cast<std::size_t>(i)];
        for (int d = 2; d >= 0; --d) {
            const auto ud = static_cast<std::size_t>(d);
            w -= vectors[ud] * std::floor(w[d] / length[d]);
            if (w[d] >= length[d]) {
                w -= vectors[ud];
                w[d] = 0;
            }
        }
        wrapped[static_cast<std::size_t>(i)] = w;
        const int cx = std::min(columns_[0] - 1, static_cast<int>(w.x / columnSize_[0]));
        const int cy = std::min(columns_[1] - 1, static_cast<int>(w.y / columnSize_[1]));
        column[static_cast<std::size_t>(i)] = cx * columns_[1] + cy;
    }
    {
        // Counting sort into columns (serial: a few passes of simple integer work), each entry
        // carrying its z so the per-column sorts read contiguous memory.
        const int numColumns = columns_[0] * columns_[1];
        count.assign(static_cast<std::size_t>(numColumns) + 1, 0);
        for (int i = 0; i < numAtoms_; ++i) {
            ++count[static_cast<std::size_t>(column[static_cast<std::size_t>(i)]) + 1];
        }
        std::partial_sum(count.begin(), count.end(), count.begin());
        std::vector<int>& fill = columnFill_;
        fill.assign(count.begin(), count.end() - 1);
        for (int i = 0; i < numAtoms_; ++i) {
            const auto slot =
                static_cast<std::size_t>(fill[static_cast<std::size_t>(column[static_cast<std::size_t>(i)])]++);
            keys[slot] = ZKey{wrapped[static_cast<std::size_t>(i)].z, i};
        }
        columnClusterStart_.assign(static_cast<std::size_t>(numColumns) + 1, 0);
        for (int c = 0; c < numColumns; ++c) {
            const int n = count[static_cast<std::size_t>(c) + 1] - count[static_cast<std::size_t>(c)];
            columnClusterStart_[static_cast<std::size_t>(c) + 1] =
                columnClusterStart_[static_cast<std::size_t>(c)] + (n + kC - 1) / kC;
        }
        numClusters_ = columnClusterStart_.back();
        maxColumnClusters_ = 0;
        for (int c = 0; c < numColumns; ++c) {
            maxColumnClusters_ = std::max(maxColumnClusters_, columnClusterStart_[static_cast<std::size_t>(c) + 1] -
                                                                  columnClusterStart_[static_cast<std::size_t>(c)]);
        }
        const std::size_t numSlots = static_cast<std::size_t>(numClusters_) * kC;
        slotAtoms_.assign(numSlots, -1);
        slotOffsets_.resize(numSlots);
        slotPositions_.resize(numSlots);
        boundsLo_.resize(static_cast<std::size_t>(numClusters_));
        boundsHi_.resize(static_cast<std::size_t>(numClusters_));
        slotX_.resize(numSlots);
        slotY_.resize(numSlots);
        slotZ_.resize(numSlots);
        // Bounds in float SoA for the SIMD box test, padded by one SIMD width with far-away boxes.
        for (auto* v : {&boxLoX_, &boxLoY_, &boxLoZ_, &boxHiX_, &boxHiY_, &boxHiZ_}) {
            v->assign(static_cast<std::size_t>(numClusters_ + simd::kWidth), 1e30f);
        }
        slotOfAtom_.resize(static_cast<std::size_t>(numAtoms_));
        occupancy_.resize(static_cast<std::size_t>(numClusters_));
    }
    // Each column sorted by z, ties broken by index so the order is fully determined.
    const int numColumns = columns_[0] * columns_[1];
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16) if (threaded)
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
            slotOfAtom_[static_cast<std::size_t>(atom)] = static_cast<int>(slot);
            slotPositions_[slot] = wrapped[static_cast<std::size_t>(atom)];
            slotOffsets_[slot] = wrapped[static_cast<std::size_t>(atom)] - positions[static_cast<std::size_t>(atom)];
        }
        // Padding slots of the column's last cluster: zero offset, position of its first atom.
        for (std::size_t slot = firstSlot + static_cast<std::size_t>(n);
             slot < static_cast<std::size_t>(columnClusterStart_[static_cast<std::size_t>(c) + 1]) * kC; ++slot) {
            slotOffsets_[slot] = Vec3{};
            slotPositions_[slot] = slotPositions_[slot - slot % kC];
        }
    }
    // Per cluster: bounding box of its real atoms, occupancy, positions in float.
#pragma omp parallel for num_threads(threads) schedule(static) if (threaded)
    for (int ci = 0; ci < numClusters_; ++ci) {
        const auto c = static_cast<std::size_t>(ci);
        const std::size_t first = c * kC;
        Vec3 lo = slotPositions_[first];
        Vec3 hi = lo;
        std::uint8_t occupied = 1;
        for (std::size_t s = first + 1; s < first + kC; ++s) {
            if (slotAtoms_[s] < 0) {
                continue;
            }
            occupied = static_cast<std::uint8_t>(occupied | (1u << (s - first)));
            for (int d = 0; d < 3; ++d) {
                lo[d] = std::min(lo[d], slotPositions_[s][d]);
                hi[d] = std::max(hi[d], slotPositions_[s][d]);
            }
        }
        occupancy_[c] = occupied;
        boundsLo_[c] = lo;
        boundsHi_[c] = hi;
        boxLoX_[c] = static_cast<float>(lo.x);
        boxLoY_[c] = static_cast<float>(lo.y);
        boxLoZ_[c] = static_cast<float>(lo.z);
        boxHiX_[c] = static_cast<float>(hi.x);
        boxHiY_[c] = static_cast<float>(hi.y);
        boxHiZ_[c] = static_cast<float>(hi.z);
        for (std::size_t s = first; s < first + kC; ++s) {
            slotX_[s] = static_cast<float>(slotPositions_[s].x);
            slotY_[s] = static_cast<float>(slotPositions_[s].y);
            slotZ_[s] = static_cast<float>(slotPositions_[s].z);
        }
    }
}

std::size_t ClusterPairList::searchRange(const System& system, int ciBegin, int ciEnd, SearchScratch& scratch,
                                         std::vector<IEntry>& iOut, std::vector<JEntry>& jOut) const
{
    // jOut is used up to `count`; its size is only room (kept between builds, never cleared).
    std::size_t count = 0;
    using namespace simd;
    const double rlist2 = rlist_ * rlist_;
    // Checked in float with a relative margin far above its rounding, so no pair within rlist is
    // lost; the bounding-box test is only a pre-filter, so its margin is wider still, and the
    // column and z-run pre-filters (double) wider again, so they never drop what the float tests
    // would keep: the list is what the float tests say, however the candidates are enumerated.
    const Float16 rlist2Float = set1(static_cast<float>(rlist2 * (1.0 + 1e-5)));
    const Float16 boxLimit2 = set1(static_cast<float>(rlist2 * (1.0 + 1e-4)));
    const double reach = rlist_ * (1.0 + 1e-4);
    const double reach2 = reach * reach;
    const int numColumns = columns_[0] * columns_[1];
    const int columnsY = columns_[1];
    // excludedIn[cj]: bits 4 a + b of the atom pairs (i-slot a of the current i-cluster, j-slot b
    // of cluster cj) that are excluded; reset after each i-cluster through `touched`.
    std::vector<std::uint16_t>& excludedIn = scratch.excludedIn;
    std::vector<int>& touched = scratch.touched;
    excludedIn.assign(static_cast<std::size_t>(numClusters_), 0);
    touched.clear();
    // runStart[sz * numColumns + col]: first cluster of column col whose box can still reach an
    // i-cluster of the current i-column shifted by sz box lengths along z. The i-clusters of a
    // column come in increasing z, so it only moves up: the z-run of each column is found in
    // amortised O(1) instead of box-testing the column from its bottom for every i-cluster.
    std::vector<int>& runStart = scratch.runStart;
    std::vector<int>& runOwner = scratch.runOwner;
    runStart.resize(3 * static_cast<std::size_t>(numColumns));
    runOwner.assign(3 * static_cast<std::size_t>(numColumns), -1);
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
    const Vec3* const boundsHi = boundsHi_.data();
    const int* const columnStart = columnClusterStart_.data();
    const std::uint8_t* const occupancy = occupancy_.data();
    const Vec3 boxLength{box_.vectors()[0][0], box_.vectors()[1][1], box_.vectors()[2][2]};
    // Column of the first i-cluster; later ones advance it.
    int iColumn = static_cast<int>(std::upper_bound(columnClusterStart_.begin(), columnClusterStart_.end(), ciBegin) -
                                   columnClusterStart_.begin()) -
                  1;
    for (int ci = ciBegin; ci < ciEnd; ++ci) {
        while (columnStart[iColumn + 1] <= ci) {
            ++iColumn;
        }
        const int iColumnX = iColumn / columnsY;
        const int iColumnY = iColumn % columnsY;
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
        for (int shift = 0; shift < kNumShifts; ++shift) {
            // Only images of the i-cluster that come within rlist of the brick at all: usually only
            // the central one, so the other 44 cost a test.
            const Vec3& s = shiftVectors_[static_cast<std::size_t>(shift)];
            const Vec3 lo = boundsLo_[static_cast<std::size_t>(ci)] + s;
            const Vec3 hi = boundsHi_[static_cast<std::size_t>(ci)] + s;
            if (lo.x - reach >= boxLength.x || hi.x + reach < 0 || lo.y - reach >= boxLength.y || hi.y + reach < 0 ||
                lo.z - reach >= boxLength.z || hi.z + reach < 0) {
                continue;
            }
            // Columns along x the shifted i-cluster can reach; only from the i-cluster's own
            // column on, since the half list keeps cj >= ci and columns hold consecutive clusters.
            const int cxLo = std::max(iColumnX, static_cast<int>(std::floor((lo.x - reach) / columnSize_[0])));
            const int cxHi = std::min(columns_[0] - 1, static_cast<int>(std::floor((hi.x + reach) / columnSize_[0])));
            if (cxLo > cxHi) {
                continue;
            }
            // Room for every cluster of the columns within the reach's x-y rectangle (+ one SIMD
            // width, as candidates are written before they are kept) before the column loops, so
            // they hold no call: one would make the compiler keep their vectors on the stack.
            {
                const int cyLoAll = std::max(0, static_cast<int>(std::floor((lo.y - reach) / columnSize_[1])));
                const int cyHiAll = std::min(columnsY - 1, static_cast<int>(std::floor((hi.y + reach) / columnSize_[1])));
                const std::size_t room = static_cast<std::size_t>(cxHi - cxLo + 1) *
                                             static_cast<std::size_t>(std::max(0, cyHiAll - cyLoAll + 1)) *
                                             static_cast<std::size_t>(maxColumnClusters_) +
                                         kWidth;
                if (jOut.size() < count + room) {
                    jOut.resize(std::max(2 * jOut.size(), count + room));
                }
            }
            JEntry* const out = jOut.data();
            const int jBegin = static_cast<int>(count);
            int* const shiftRunStart = runStart.data() + static_cast<std::size_t>(shift % 3) * numColumns;
            int* const shiftRunOwner = runOwner.data() + static_cast<std::size_t>(shift % 3) * numColumns;
            const double zSkip = lo.z - reach; // a j-cluster whose box ends at or below this is out of reach
            // The shifted i-cluster in SIMD lanes (lane 4 a + b: i-slot a), for the distance check.
            alignas(64) float lane[3][16];
            spreadRows4(&slotX[iFirst], static_cast<float>(s.x), lane[0]);
            spreadRows4(&slotY[iFirst], static_cast<float>(s.y), lane[1]);
            spreadRows4(&slotZ[iFirst], static_cast<float>(s.z), lane[2]);
            const Float16 xi = load(lane[0]), yi = load(lane[1]), zi = load(lane[2]);
            const Float16 loX = set1(static_cast<float>(lo.x)), hiX = set1(static_cast<float>(hi.x));
            const Float16 loY = set1(static_cast<float>(lo.y)), hiY = set1(static_cast<float>(hi.y));
            const Float16 loZ = set1(static_cast<float>(lo.z)), hiZ = set1(static_cast<float>(hi.z));
            const float zEnd = static_cast<float>(hi.z + reach);
            for (int cx = cxLo; cx <= cxHi; ++cx) {
                // The columns of this row within reach form one run along y: the circle's chord.
                const double gx = std::max({0.0, cx * columnSize_[0] - hi.x, lo.x - (cx + 1) * columnSize_[0]});
                const double reachY2 = reach2 - gx * gx;
                if (reachY2 <= 0) {
                    continue;
                }
                const double reachY = std::sqrt(reachY2);
                int cyLo = std::max(0, static_cast<int>(std::floor((lo.y - reachY) / columnSize_[1])));
                const int cyHi = std::min(columnsY - 1, static_cast<int>(std::floor((hi.y + reachY) / columnSize_[1])));
                if (cx == iColumnX) {
                    cyLo = std::max(cyLo, iColumnY);
                }
                for (int cy = cyLo; cy <= cyHi; ++cy) {
                    const int col = cx * columnsY + cy;
                    const int cjLast = columnStart[col + 1];
                    int run = shiftRunOwner[col] == iColumn ? shiftRunStart[col] : columnStart[col];
                    while (run < cjLast && boundsHi[run].z <= zSkip) {
                        ++run;
                    }
                    shiftRunOwner[col] = iColumn;
                    shiftRunStart[col] = run;
                    const int runBegin = std::max(run, ci);
                    // Bounding-box distances of 16 j-clusters at a time (the float bounds are
                    // padded, so reading past the column is safe; those lanes are masked off).
                    bool columnDone = runBegin >= cjLast;
                    for (int c0 = runBegin; !columnDone; c0 += kWidth) {
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
                        // Each candidate is written unconditionally and kept by advancing the
                        // count: the keep decision is no mispredicted branch.
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

bool ClusterPairList::needsRebuild(std::span<const Vec3> positions, double buffer, int numThreads) const
{
    if (positions.size() != buildPositions_.size() || buildPositions_.empty()) {
        return true;
    }
    return pairMayBeMissing(positions, buildPositions_, box_, rlist_ - buffer, buffer, kMaxMoverPairs, numThreads,
                            movers_);
}

} // namespace proteinmd

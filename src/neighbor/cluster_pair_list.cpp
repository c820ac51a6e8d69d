#include "neighbor/cluster_pair_list.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "proteinmd/core/error.h"
#include "proteinmd/simd/simd_float16.h"

namespace proteinmd {

namespace {

constexpr int kC = ClusterPairList::kClusterSize;

// Squared distance between two axis-aligned boxes (0 if they overlap).
double boxDistance2(const Vec3& loA, const Vec3& hiA, const Vec3& loB, const Vec3& hiB)
{
    double d2 = 0;
    for (int d = 0; d < 3; ++d) {
        const double gap = std::max({0.0, loB[d] - hiA[d], loA[d] - hiB[d]});
        d2 += gap * gap;
    }
    return d2;
}

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
        throw SetupError(fmt::format("cluster pair list: {} positions for {} atoms", positions.size(), system.numAtoms()));
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

    // Each thread searches a contiguous range of i-clusters; the pieces are joined in order, so the
    // list does not depend on the thread count.
    const int numChunks = std::max(1, numThreads);
    std::vector<std::vector<IEntry>> iParts(static_cast<std::size_t>(numChunks));
    std::vector<std::vector<JEntry>> jParts(static_cast<std::size_t>(numChunks));
#pragma omp parallel for num_threads(numChunks) schedule(static, 1)
    for (int t = 0; t < numChunks; ++t) {
        // Later i-clusters have fewer partners (half list), so chunks are cut by the square root.
        auto bound = [&](int k) {
            const double f = 1.0 - std::sqrt(1.0 - static_cast<double>(k) / numChunks);
            return k == numChunks ? numClusters_ : static_cast<int>(f * numClusters_);
        };
        searchRange(system, bound(t), bound(t + 1), iParts[static_cast<std::size_t>(t)],
                    jParts[static_cast<std::size_t>(t)]);
    }
    pruned_ = false;
    prunedI_.clear();
    prunedJ_.clear();
    iEntries_.clear();
    jEntries_.clear();
    for (int t = 0; t < numChunks; ++t) {
        const int offset = static_cast<int>(jEntries_.size());
        for (IEntry e : iParts[static_cast<std::size_t>(t)]) {
            e.jBegin += offset;
            e.jEnd += offset;
            iEntries_.push_back(e);
        }
        jEntries_.insert(jEntries_.end(), jParts[static_cast<std::size_t>(t)].begin(),
                         jParts[static_cast<std::size_t>(t)].end());
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

    std::vector<Vec3> wrapped(static_cast<std::size_t>(numAtoms_));
    std::vector<int> column(static_cast<std::size_t>(numAtoms_));
    std::vector<int> count(static_cast<std::size_t>(numColumns) + 1, 0);
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
        ++count[static_cast<std::size_t>(cx * columns_[1] + cy) + 1];
    }
    std::partial_sum(count.begin(), count.end(), count.begin());
    std::vector<int> order(static_cast<std::size_t>(numAtoms_));
    {
        std::vector<int> fill(count.begin(), count.end() - 1);
        for (int i = 0; i < numAtoms_; ++i) {
            order[static_cast<std::size_t>(fill[static_cast<std::size_t>(column[static_cast<std::size_t>(i)])]++)] = i;
        }
    }

    columnClusterStart_.assign(static_cast<std::size_t>(numColumns) + 1, 0);
    for (int c = 0; c < numColumns; ++c) {
        const int n = count[static_cast<std::size_t>(c) + 1] - count[static_cast<std::size_t>(c)];
        columnClusterStart_[static_cast<std::size_t>(c) + 1] = columnClusterStart_[static_cast<std::size_t>(c)] + (n + kC - 1) / kC;
    }
    numClusters_ = columnClusterStart_.back();
    const std::size_t numSlots = static_cast<std::size_t>(numClusters_) * kC;
    slotAtoms_.assign(numSlots, -1);
    slotOffsets_.assign(numSlots, Vec3{});
    slotPositions_.assign(numSlots, Vec3{});
    boundsLo_.assign(static_cast<std::size_t>(numClusters_), Vec3{});
    boundsHi_.assign(static_cast<std::size_t>(numClusters_), Vec3{});
    for (int c = 0; c < numColumns; ++c) {
        auto first = order.begin() + count[static_cast<std::size_t>(c)];
        auto last = order.begin() + count[static_cast<std::size_t>(c) + 1];
        // Ties broken by index so the order is fully determined.
        std::sort(first, last, [&](int a, int b) {
            const double za = wrapped[static_cast<std::size_t>(a)].z;
            const double zb = wrapped[static_cast<std::size_t>(b)].z;
            return za < zb || (za == zb && a < b);
        });
        const int n = static_cast<int>(last - first);
        for (int k = 0; k < n; ++k) {
            const int atom = *(first + k);
            const std::size_t slot = static_cast<std::size_t>(columnClusterStart_[static_cast<std::size_t>(c)]) * kC +
                                     static_cast<std::size_t>(k);
            slotAtoms_[slot] = atom;
            slotPositions_[slot] = wrapped[static_cast<std::size_t>(atom)];
            slotOffsets_[slot] = wrapped[static_cast<std::size_t>(atom)] - positions[static_cast<std::size_t>(atom)];
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
    occupancy_.assign(static_cast<std::size_t>(numClusters_), 0);
    for (std::size_t s = 0; s < numSlots; ++s) {
        if (slotAtoms_[s] >= 0) {
            occupancy_[s / kC] = static_cast<std::uint8_t>(occupancy_[s / kC] | (1u << (s % kC)));
        }
    }
}

void ClusterPairList::searchRange(const System& system, int ciBegin, int ciEnd, std::vector<IEntry>& iOut,
                                  std::vector<JEntry>& jOut) const
{
    const double rlist2 = rlist_ * rlist_;
    // Checked in float with a relative margin far above its rounding, so no pair within rlist is lost.
    const simd::Float16 rlist2Float = simd::set1(static_cast<float>(rlist2 * (1.0 + 1e-5)));
    // Bit a of excludedBy[atom]: the atom is excluded by i-slot a of the current i-cluster.
    std::vector<std::uint8_t> excludedBy(static_cast<std::size_t>(numAtoms_), 0);
    const bool haveExclusions = !system.exclusions.empty();
    int column = 0;
    for (int ci = ciBegin; ci < ciEnd; ++ci) {
        while (columnClusterStart_[static_cast<std::size_t>(column) + 1] <= ci) {
            ++column;
        }
        const std::size_t iFirst = static_cast<std::size_t>(ci) * kC;
        if (haveExclusions) {
            for (int a = 0; a < kC; ++a) {
                const int atom = slotAtoms_[iFirst + static_cast<std::size_t>(a)];
                if (atom >= 0) {
                    for (int k : system.exclusions[static_cast<std::size_t>(atom)]) {
                        excludedBy[static_cast<std::size_t>(k)] |= static_cast<std::uint8_t>(1u << a);
                    }
                }
            }
        }
        for (int shift = 0; shift < kNumShifts; ++shift) {
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
            const int jBegin = static_cast<int>(jOut.size());
            // The shifted i-cluster in SIMD lanes (lane 4 a + b: i-slot a), for the distance check.
            alignas(64) float lane[3][16];
            simd::spreadRows4(&slotX_[iFirst], static_cast<float>(s.x), lane[0]);
            simd::spreadRows4(&slotY_[iFirst], static_cast<float>(s.y), lane[1]);
            simd::spreadRows4(&slotZ_[iFirst], static_cast<float>(s.z), lane[2]);
            const simd::Float16 xi = simd::load(lane[0]), yi = simd::load(lane[1]), zi = simd::load(lane[2]);
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
                    // Clusters of a column are sorted by z (both bounds non-decreasing): only
                    // a contiguous run can come within rlist of the shifted i-cluster.
                    const auto firstInReach = std::partition_point(
                        boundsHi_.begin() + cjFirst, boundsHi_.begin() + cjLast,
                        [&](const Vec3& h) { return h.z <= lo.z - rlist_; });
                    for (int cj = static_cast<int>(firstInReach - boundsHi_.begin()); cj < cjLast; ++cj) {
                        if (boundsLo_[static_cast<std::size_t>(cj)].z >= hi.z + rlist_) {
                            break;
                        }
                        // A cluster with its own image: only one of the shifts s and -s.
                        if (cj == ci && shift < kCentralShift) {
                            continue;
                        }
                        if (boxDistance2(lo, hi, boundsLo_[static_cast<std::size_t>(cj)],
                                         boundsHi_[static_cast<std::size_t>(cj)]) >= rlist2) {
                            continue;
                        }
                        const std::size_t jFirst = static_cast<std::size_t>(cj) * kC;
                        const bool diagonal = cj == ci && shift == kCentralShift;
                        // Any atom pair within rlist? Padding slots repeat their cluster's first
                        // atom, so they add no pair of their own.
                        const simd::Float16 dx = xi - simd::loadRepeat4(&slotX_[jFirst]);
                        const simd::Float16 dy = yi - simd::loadRepeat4(&slotY_[jFirst]);
                        const simd::Float16 dz = zi - simd::loadRepeat4(&slotZ_[jFirst]);
                        const simd::Float16 r2 = simd::fma(dx, dx, simd::fma(dy, dy, dz * dz));
                        if (!simd::anyTrue(r2 < rlist2Float)) {
                            continue;
                        }
                        const std::uint32_t exists = existsMask(ci, cj, diagonal);
                        if (exists == 0) {
                            continue; // a one-atom cluster with itself
                        }
                        std::uint32_t excluded = 0;
                        for (int b = 0; b < kC; ++b) {
                            const int atomB = slotAtoms_[jFirst + static_cast<std::size_t>(b)];
                            const std::uint32_t by = atomB >= 0 ? excludedBy[static_cast<std::size_t>(atomB)] : 0u;
                            for (int a = 0; by != 0 && a < kC; ++a) {
                                excluded |= ((by >> a) & 1u) << (a * kC + b);
                            }
                        }
                        excluded &= exists;
                        jOut.push_back(JEntry{cj, static_cast<std::uint16_t>(exists & ~excluded),
                                              static_cast<std::uint16_t>(excluded)});
                    }
                }
            }
            if (static_cast<int>(jOut.size()) > jBegin) {
                iOut.push_back(IEntry{ci, shift, jBegin, static_cast<int>(jOut.size())});
            }
        }
        if (haveExclusions) {
            for (int a = 0; a < kC; ++a) {
                const int atom = slotAtoms_[iFirst + static_cast<std::size_t>(a)];
                if (atom >= 0) {
                    for (int k : system.exclusions[static_cast<std::size_t>(atom)]) {
                        excludedBy[static_cast<std::size_t>(k)] = 0;
                    }
                }
            }
        }
    }
}

void ClusterPairList::prune(std::span<const float> x, std::span<const float> y, std::span<const float> z,
                            double rPrune, int numThreads)
{
    using namespace simd;
    const std::size_t numSlots = slotAtoms_.size();
    if (x.size() != numSlots || y.size() != numSlots || z.size() != numSlots) {
        throw SetupError(fmt::format("cluster pair list: prune got {} positions for {} slots", x.size(), numSlots));
    }
    const Float16 rPrune2 = set1(static_cast<float>(rPrune * rPrune));
    // Contiguous chunks of i-entries joined in order: the result does not depend on numThreads.
    const int numChunks = std::max(1, numThreads);
    std::vector<std::vector<IEntry>> iParts(static_cast<std::size_t>(numChunks));
    std::vector<std::vector<JEntry>> jParts(static_cast<std::size_t>(numChunks));
    const std::size_t numI = iEntries_.size();
#pragma omp parallel for num_threads(numChunks) schedule(static, 1)
    for (int t = 0; t < numChunks; ++t) {
        auto& iOut = iParts[static_cast<std::size_t>(t)];
        auto& jOut = jParts[static_cast<std::size_t>(t)];
        alignas(64) float lane[3][16];
        const std::size_t eBegin = numI * static_cast<std::size_t>(t) / static_cast<std::size_t>(numChunks);
        const std::size_t eEnd = numI * static_cast<std::size_t>(t + 1) / static_cast<std::size_t>(numChunks);
        if (eEnd > eBegin) {
            jOut.reserve(static_cast<std::size_t>(iEntries_[eEnd - 1].jEnd - iEntries_[eBegin].jBegin));
            iOut.reserve(eEnd - eBegin);
        }
        for (std::size_t e = eBegin; e < eEnd; ++e) {
            const IEntry& entry = iEntries_[e];
            const std::size_t iFirst = static_cast<std::size_t>(entry.cluster) * kC;
            const Vec3& s = shiftVectors_[static_cast<std::size_t>(entry.shift)];
            simd::spreadRows4(&x[iFirst], static_cast<float>(s.x), lane[0]);
            simd::spreadRows4(&y[iFirst], static_cast<float>(s.y), lane[1]);
            simd::spreadRows4(&z[iFirst], static_cast<float>(s.z), lane[2]);
            const Float16 xi = load(lane[0]), yi = load(lane[1]), zi = load(lane[2]);
            const int jBegin = static_cast<int>(jOut.size());
            for (int je = entry.jBegin; je < entry.jEnd; ++je) {
                const JEntry& j = jEntries_[static_cast<std::size_t>(je)];
                const std::size_t jFirst = static_cast<std::size_t>(j.cluster) * kC;
                const Float16 dx = xi - loadRepeat4(&x[jFirst]);
                const Float16 dy = yi - loadRepeat4(&y[jFirst]);
                const Float16 dz = zi - loadRepeat4(&z[jFirst]);
                const Float16 r2 = fma(dx, dx, fma(dy, dy, dz * dz));
                if (anyTrue((r2 < rPrune2) && maskFromBits(static_cast<std::uint32_t>(j.interact | j.excluded)))) {
                    jOut.push_back(j);
                }
            }
            if (static_cast<int>(jOut.size()) > jBegin) {
                iOut.push_back(IEntry{entry.cluster, entry.shift, jBegin, static_cast<int>(jOut.size())});
            }
        }
    }
    prunedI_.clear();
    prunedJ_.clear();
    for (int t = 0; t < numChunks; ++t) {
        const int offset = static_cast<int>(prunedJ_.size());
        for (IEntry e : iParts[static_cast<std::size_t>(t)]) {
            e.jBegin += offset;
            e.jEnd += offset;
            prunedI_.push_back(e);
        }
        prunedJ_.insert(prunedJ_.end(), jParts[static_cast<std::size_t>(t)].begin(),
                        jParts[static_cast<std::size_t>(t)].end());
    }
    pruned_ = true;
}

std::uint32_t ClusterPairList::existsMask(int ci, int cj, bool diagonal) const
{
    const std::uint32_t occupiedI = occupancy_[static_cast<std::size_t>(ci)];
    const std::uint32_t occupiedJ = occupancy_[static_cast<std::size_t>(cj)];
    std::uint32_t mask = 0;
    for (int a = 0; a < kC; ++a) {
        if ((occupiedI >> a) & 1u) {
            mask |= occupiedJ << (a * kC);
        }
    }
    // A cluster with itself: only pairs a < b (bits 1-3, 6-7 and 11).
    constexpr std::uint32_t kUpperTriangle = 0x08CEu;
    return diagonal ? mask & kUpperTriangle : mask;
}

bool ClusterPairList::needsRebuild(std::span<const Vec3> positions, double maxDisplacement) const
{
    if (positions.size() != buildPositions_.size() || buildPositions_.empty()) {
        return true;
    }
    const double max2 = maxDisplacement * maxDisplacement;
    for (std::size_t i = 0; i < positions.size(); ++i) {
        if (!(norm2(positions[i] - buildPositions_[i]) <= max2)) {
            return true; // also for NaN
        }
    }
    return false;
}

} // namespace proteinmd

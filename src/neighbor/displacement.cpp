#include "neighbor/displacement.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cmath>
#include <limits>

#include "proteinmd/core/threaded_pass.h"

namespace proteinmd {

namespace {

// A mover's id in its key: its chunk above kMoverIdBits bits of its place in the chunk (fewer than
// kMaxMovers each). Ids sort as the atoms they stand for, since chunks are consecutive atom ranges.
constexpr int kMoverIdBits = 24;
constexpr std::uint64_t kMoverPlaceMask = (std::uint64_t{1} << kMoverIdBits) - 1;
static_assert(kMaxMovers <= (1 << kMoverIdBits) && MoverScratch::kChunks <= 256);

// Stable least-significant-digit radix sort of the keys by their upper 32 bits (three passes of
// 11 bits): linear and branch-free, where a comparison sort of a few thousand random keys spends
// most of its time in mispredicted branches. `buffer` is scratch of any size.
void sortByHighWord(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& buffer)
{
    buffer.resize(keys.size());
    constexpr int kDigitBits = 11;
    constexpr std::uint64_t kDigitMask = (1u << kDigitBits) - 1;
    std::array<std::uint32_t, (1u << kDigitBits) + 1> start;
    for (int shift = 32; shift < 64; shift += kDigitBits) {
        start.fill(0);
        for (const std::uint64_t k : keys) {
            ++start[((k >> shift) & kDigitMask) + 1];
        }
        for (std::size_t d = 1; d < start.size(); ++d) {
            start[d] += start[d - 1];
        }
        for (const std::uint64_t k : keys) {
            buffer[start[(k >> shift) & kDigitMask]++] = k;
        }
        keys.swap(buffer);
    }
}

// The two largest squared displacements and the sum of all of them over [begin, end).
struct TopTwo {
    double first = 0, second = 0, total = 0;
};

void insert(TopTwo& t, double v)
{
    if (v > t.first) {
        t.second = t.first;
        t.first = v;
    } else if (v > t.second) {
        t.second = v;
    }
}

TopTwo topTwo(std::span<const Vec3> now, std::span<const Vec3> then, std::size_t begin, std::size_t end)
{
    // Per lane the largest and second-largest squared displacement, so the loop has no branches
    // and vectorizes; the overall two largest are among the lanes' pairs (all different atoms).
    constexpr std::size_t kLanes = 8;
    // total: the sum of all squared displacements, only to see a NaN or infinity (which max/min
    // would drop) without a branch in the loop.
    std::array<double, kLanes> first{}, second{}, total{};
    const std::size_t whole = begin + (end - begin) - (end - begin) % kLanes;
    for (std::size_t i = begin; i < whole; i += kLanes) {
        for (std::size_t l = 0; l < kLanes; ++l) {
            const Vec3 d = now[i + l] - then[i + l];
            const double d2 = d.x * d.x + d.y * d.y + d.z * d.z;
            second[l] = std::max(second[l], std::min(first[l], d2));
            first[l] = std::max(first[l], d2);
            total[l] += d2;
        }
    }
    for (std::size_t i = whole; i < end; ++i) {
        const Vec3 d = now[i] - then[i];
        const double d2 = d.x * d.x + d.y * d.y + d.z * d.z;
        second[0] = std::max(second[0], std::min(first[0], d2));
        first[0] = std::max(first[0], d2);
        total[0] += d2;
    }
    TopTwo t;
    for (std::size_t l = 0; l < kLanes; ++l) {
        insert(t, first[l]);
        insert(t, second[l]);
        t.total += total[l];
    }
    return t;
}

// The two largest squared displacements over all atoms, in fixed chunks whatever the thread count:
// the two largest values do not depend on how the atoms were split, so neither does the result.
TopTwo topTwoOfAll(std::span<const Vec3> now, std::span<const Vec3> then, int numThreads)
{
    constexpr int kChunks = 8;
    const std::size_t n = now.size();
    std::array<TopTwo, kChunks> parts{};
#pragma omp parallel for num_threads(std::max(1, numThreads)) schedule(static) if (threadedPass(n, numThreads))
    for (int c = 0; c < kChunks; ++c) {
        parts[static_cast<std::size_t>(c)] = topTwo(now, then, n * static_cast<std::size_t>(c) / kChunks,
                                                    n * static_cast<std::size_t>(c + 1) / kChunks);
    }
    TopTwo all;
    for (const TopTwo& p : parts) {
        insert(all, p.first);
        insert(all, p.second);
        all.total += p.total;
    }
    return all;
}

} // namespace

double largestClosing(std::span<const Vec3> now, std::span<const Vec3> then, int numThreads)
{
    const TopTwo all = topTwoOfAll(now, then, numThreads);
    if (!std::isfinite(all.total)) {
        return std::numeric_limits<double>::infinity();
    }
    return std::sqrt(all.first) + std::sqrt(all.second);
}

double largestDisplacement(std::span<const Vec3> now, std::span<const Vec3> then, int numThreads)
{
    const TopTwo all = topTwoOfAll(now, then, numThreads);
    return std::isfinite(all.total) ? std::sqrt(all.first) : std::numeric_limits<double>::infinity();
}

bool pairMayBeMissing(std::span<const Vec3> now, std::span<const Vec3> then, const Box& box, double cutoff,
                      double buffer, long maxPairs, int numThreads, MoverScratch& scratch)
{
    const TopTwo all = topTwoOfAll(now, then, numThreads);
    if (!std::isfinite(all.total)) {
        return true;
    }
    const double largest = std::sqrt(all.first);
    if (largest + std::sqrt(all.second) <= buffer) {
        return false;
    }
    // A pair closing in by more than the buffer needs d_i + d_j > buffer with d_j <= largest, so
    // both of its atoms moved more than this. One atom alone past the buffer: rebuild.
    const double threshold = buffer - largest;
    if (!(threshold > 0)) {
        return true;
    }
    // The movers, sorted by displacement, largest first: one 64-bit key each (the float bits of the
    // displacement rounded up, inverted, then the mover's id, which orders movers as their atoms).
    // The keys are unique, so the sorted list is the same however it is made: fixed chunks of atoms
    // are collected in parallel, joined in order, then sorted (sortByHighWord).
    const double threshold2 = threshold * threshold;
    constexpr int kChunks = MoverScratch::kChunks;
    const std::size_t n = now.size();
    bool tooMany = false;
#pragma omp parallel for num_threads(std::max(1, numThreads)) schedule(static) reduction(|| : tooMany) if (threadedPass(n, numThreads))
    for (int c = 0; c < kChunks; ++c) {
        std::vector<std::uint64_t>& chunk = scratch.chunkKeys[static_cast<std::size_t>(c)];
        std::vector<double>& chunkNow = scratch.chunkNow[static_cast<std::size_t>(c)];
        std::vector<double>& chunkThen = scratch.chunkThen[static_cast<std::size_t>(c)];
        chunk.clear();
        chunkNow.clear();
        chunkThen.clear();
        const std::size_t begin = n * static_cast<std::size_t>(c) / kChunks;
        const std::size_t end = n * static_cast<std::size_t>(c + 1) / kChunks;
        for (std::size_t i = begin; i < end; ++i) {
            const Vec3 d = now[i] - then[i];
            const double d2 = d.x * d.x + d.y * d.y + d.z * d.z;
            if (d2 > threshold2) {
                if (chunk.size() == static_cast<std::size_t>(kMaxMovers)) {
                    tooMany = true;
                    break;
                }
                const double exact = std::sqrt(d2);
                float up = static_cast<float>(exact);
                if (static_cast<double>(up) < exact) {
                    // The next float up: for a positive finite float, the next bit pattern (as
                    // std::nextafter, without the library call).
                    up = std::bit_cast<float>(std::bit_cast<std::uint32_t>(up) + 1u);
                }
                const std::uint64_t id = (static_cast<std::uint64_t>(c) << kMoverIdBits) | chunk.size();
                chunk.push_back((static_cast<std::uint64_t>(~std::bit_cast<std::uint32_t>(up)) << 32) | id);
                chunkNow.insert(chunkNow.end(), {now[i].x, now[i].y, now[i].z});
                chunkThen.insert(chunkThen.end(), {then[i].x, then[i].y, then[i].z});
            }
        }
    }
    std::size_t numMoversTotal = 0;
    for (const auto& chunk : scratch.chunkKeys) {
        numMoversTotal += chunk.size();
    }
    if (tooMany || numMoversTotal > static_cast<std::size_t>(kMaxMovers)) {
        return true;
    }
    // The chunks joined in order are sorted by id; a stable sort by the displacement bits then
    // orders the keys as a full sort would (displacement, then atom), whatever the thread count.
    std::vector<std::uint64_t>& keys = scratch.keys;
    keys.clear();
    for (const auto& chunk : scratch.chunkKeys) {
        keys.insert(keys.end(), chunk.begin(), chunk.end());
    }
    sortByHighWord(keys, scratch.sortBuffer);
    // Where mover k's positions are: its chunk and its place there.
    const auto moverChunk = [&](std::size_t k) {
        return static_cast<std::size_t>((keys[k] & 0xffffffffu) >> kMoverIdBits);
    };
    const auto moverPlace = [&](std::size_t k) { return static_cast<std::size_t>(keys[k] & kMoverPlaceMask); };
    // Rounded up, so a pair whose displacements add up to more than the buffer is never skipped.
    const auto moverDisplacement = [&](std::size_t k) {
        return static_cast<double>(std::bit_cast<float>(~static_cast<std::uint32_t>(keys[k] >> 32)));
    };
    // The kernels compare float distances with rc^2: a pair within a relative 1e-5 of the cut-off
    // counts as inside, and one within the same margin of cutoff + buffer at `then` as not surely
    // in the list. (The reach is capped at maxCutoff, which it only meets for a buffer below 1e-5
    // relative, so that the reduced displacements below decide "within reach" exactly.)
    const double reach = std::min(cutoff * (1.0 + 1e-5), box.maxCutoff());
    const double reach2 = reach * reach;
    const double listReach = (cutoff + buffer) * (1.0 - 1e-5);
    const double listReach2 = listReach * listReach;
    const Vec3 length{box.vectors()[0][0], box.vectors()[1][1], box.vectors()[2][2]};
    const Vec3 bVector = box.vectors()[1];
    const Vec3 c = box.vectors()[2];
    const Vec3 inverse{1.0 / length.x, 1.0 / length.y, 1.0 / length.z};
    // |d|^2 of d reduced along c, then b, then a (nearbyint vectorises, unlike round): in a box in
    // GROMACS's reduced form every other image of the result is at least maxCutoff long, so it is
    // the shortest image whenever one is shorter than that, and both reaches below are at most
    // maxCutoff (pairs within them are decided exactly).
    const auto reducedNorm2 = [&](double dx, double dy, double dz) {
        double k = std::nearbyint(dz * inverse.z);
        dx -= k * c.x;
        dy -= k * c.y;
        dz -= k * c.z;
        k = std::nearbyint(dy * inverse.y);
        dx -= k * bVector.x;
        dy -= k * bVector.y;
        dx -= length.x * std::nearbyint(dx * inverse.x);
        return dx * dx + dy * dy + dz * dz;
    };
    // The movers' positions in key order, one array per dimension, so that the pair loop below runs
    // over contiguous partners in SIMD lanes.
    for (int dim = 0; dim < 3; ++dim) {
        scratch.now[static_cast<std::size_t>(dim)].resize(keys.size());
        scratch.then[static_cast<std::size_t>(dim)].resize(keys.size());
    }
    for (std::size_t k = 0; k < keys.size(); ++k) {
        const double* const x = scratch.chunkNow[moverChunk(k)].data() + 3 * moverPlace(k);
        const double* const x0 = scratch.chunkThen[moverChunk(k)].data() + 3 * moverPlace(k);
        for (std::size_t dim = 0; dim < 3; ++dim) {
            scratch.now[dim][k] = x[dim];
            scratch.then[dim][k] = x0[dim];
        }
    }
    // Per mover a (largest displacement first), its partners b > a with d_a + d_b > buffer are
    // a prefix of the rest; the prefix ends move only down as d_a falls (two pointers).
    std::vector<int>& partnersEnd = scratch.partnersEnd;
    partnersEnd.resize(keys.size());
    long pairs = 0;
    std::size_t end = keys.size();
    for (std::size_t a = 0; a < keys.size(); ++a) {
        const double partnerAbove = buffer - moverDisplacement(a);
        while (end > a + 1 && !(moverDisplacement(end - 1) > partnerAbove)) {
            --end;
        }
        end = std::max(end, a + 1);
        partnersEnd[a] = static_cast<int>(end);
        pairs += static_cast<long>(end - a - 1);
    }
    if (pairs > maxPairs) {
        return true;
    }
    // Most pairs are far apart now; one inside the cut-off that was beyond the list's reach then
    // may be missing. (Any thread finding one gives the same answer: no order dependence.)
    bool missing = false;
    const auto numMovers = static_cast<std::ptrdiff_t>(keys.size());
    const double* const nx = scratch.now[0].data();
    const double* const ny = scratch.now[1].data();
    const double* const nz = scratch.now[2].data();
    const double* const tx = scratch.then[0].data();
    const double* const ty = scratch.then[1].data();
    const double* const tz = scratch.then[2].data();
#pragma omp parallel for num_threads(std::max(1, numThreads)) schedule(dynamic, 64) reduction(|| : missing) if (pairs >= 8192 && numThreads > 1)
    for (std::ptrdiff_t a = 0; a < numMovers; ++a) {
        const std::ptrdiff_t partnersEndA = partnersEnd[static_cast<std::size_t>(a)];
        int found = 0;
        for (std::ptrdiff_t b = a + 1; b < partnersEndA; ++b) {
            const double r2Now = reducedNorm2(nx[b] - nx[a], ny[b] - ny[a], nz[b] - nz[a]);
            const double r2Then = reducedNorm2(tx[b] - tx[a], ty[b] - ty[a], tz[b] - tz[a]);
            found |= static_cast<int>(r2Now < reach2) & static_cast<int>(r2Then > listReach2); // no branch
        }
        missing = missing || found != 0;
    }
    return missing;
}

} // namespace proteinmd

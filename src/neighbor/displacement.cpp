#include "neighbor/displacement.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cmath>
#include <limits>

namespace proteinmd {

namespace {

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
#pragma omp parallel for num_threads(std::max(1, numThreads)) schedule(static) if (n >= 16384 && numThreads > 1)
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
    // displacement rounded up, inverted, then the atom), so the sort compares integers. Collected
    // in a serial pass: O(N) compares, and only on the steps where the first test failed.
    const double threshold2 = threshold * threshold;
    std::vector<std::uint64_t>& keys = scratch.keys;
    keys.clear();
    for (std::size_t i = 0; i < now.size(); ++i) {
        const Vec3 d = now[i] - then[i];
        const double d2 = d.x * d.x + d.y * d.y + d.z * d.z;
        if (d2 > threshold2) {
            if (keys.size() == static_cast<std::size_t>(kMaxMovers)) {
                return true;
            }
            const double exact = std::sqrt(d2);
            float up = static_cast<float>(exact);
            if (static_cast<double>(up) < exact) {
                up = std::nextafter(up, std::numeric_limits<float>::infinity());
            }
            keys.push_back((static_cast<std::uint64_t>(~std::bit_cast<std::uint32_t>(up)) << 32) | i);
        }
    }
    std::sort(keys.begin(), keys.end());
    const auto moverAtom = [&](std::size_t k) { return static_cast<std::size_t>(keys[k] & 0xffffffffu); };
    // Rounded up, so a pair whose displacements add up to more than the buffer is never skipped.
    const auto moverDisplacement = [&](std::size_t k) {
        return static_cast<double>(std::bit_cast<float>(~static_cast<std::uint32_t>(keys[k] >> 32)));
    };
    // The kernels compare float distances with rc^2: a pair within a relative 1e-5 of the cut-off
    // counts as inside, and one within the same margin of cutoff + buffer at `then` as not surely
    // in the list.
    const double reach = cutoff * (1.0 + 1e-5);
    const double reach2 = reach * reach;
    const double listReach = (cutoff + buffer) * (1.0 - 1e-5);
    const double listReach2 = listReach * listReach;
    const Vec3 length{box.vectors()[0][0], box.vectors()[1][1], box.vectors()[2][2]};
    const Vec3 inverse{1.0 / length.x, 1.0 / length.y, 1.0 / length.z};
    const auto distance2 = [&](const Vec3& p, const Vec3& q) {
        Vec3 d = p - q;
        d.x -= length.x * std::nearbyint(d.x * inverse.x);
        d.y -= length.y * std::nearbyint(d.y * inverse.y);
        d.z -= length.z * std::nearbyint(d.z * inverse.z);
        return d.x * d.x + d.y * d.y + d.z * d.z;
    };
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
#pragma omp parallel for num_threads(std::max(1, numThreads)) schedule(dynamic, 64) reduction(|| : missing) if (pairs >= 8192 && numThreads > 1)
    for (std::ptrdiff_t a = 0; a < numMovers; ++a) {
        const auto ua = static_cast<std::size_t>(a);
        const std::size_t i = moverAtom(ua);
        for (std::size_t b = ua + 1; b < static_cast<std::size_t>(partnersEnd[ua]); ++b) {
            const std::size_t j = moverAtom(b);
            if (distance2(now[i], now[j]) < reach2 && distance2(then[i], then[j]) > listReach2) {
                missing = true;
            }
        }
    }
    return missing;
}

} // namespace proteinmd

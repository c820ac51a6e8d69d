#include "neighbor/displacement.h"

#include <algorithm>
#include <array>
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

} // namespace

double largestClosing(std::span<const Vec3> now, std::span<const Vec3> then, int numThreads)
{
    // Fixed chunks whatever the thread count; the two largest values do not depend on how the
    // atoms were split, so neither does the result.
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
    if (!std::isfinite(all.total)) {
        return std::numeric_limits<double>::infinity();
    }
    return std::sqrt(all.first) + std::sqrt(all.second);
}

} // namespace proteinmd

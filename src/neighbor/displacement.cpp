#include "neighbor/displacement.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace proteinmd {

double largestClosing(std::span<const Vec3> now, std::span<const Vec3> then)
{
    // Per lane the largest and second-largest squared displacement, so the loop has no branches
    // and vectorizes; the overall two largest are among the lanes' pairs (all different atoms).
    constexpr std::size_t kLanes = 8;
    // total: the sum of all squared displacements, only to see a NaN or infinity (which max/min
    // would drop) without a branch in the loop.
    std::array<double, kLanes> first{}, second{}, total{};
    const std::size_t n = now.size();
    const std::size_t whole = n - n % kLanes;
    for (std::size_t i = 0; i < whole; i += kLanes) {
        for (std::size_t l = 0; l < kLanes; ++l) {
            const Vec3 d = now[i + l] - then[i + l];
            const double d2 = d.x * d.x + d.y * d.y + d.z * d.z;
            second[l] = std::max(second[l], std::min(first[l], d2));
            first[l] = std::max(first[l], d2);
            total[l] += d2;
        }
    }
    for (std::size_t i = whole; i < n; ++i) {
        const Vec3 d = now[i] - then[i];
        const double d2 = d.x * d.x + d.y * d.y + d.z * d.z;
        second[0] = std::max(second[0], std::min(first[0], d2));
        first[0] = std::max(first[0], d2);
        total[0] += d2;
    }
    double all = 0;
    for (const double t : total) {
        all += t;
    }
    if (!std::isfinite(all)) {
        return std::numeric_limits<double>::infinity();
    }
    double top = 0, next = 0;
    for (std::size_t l = 0; l < kLanes; ++l) {
        for (const double v : {first[l], second[l]}) {
            if (v > top) {
                next = top;
                top = v;
            } else if (v > next) {
                next = v;
            }
        }
    }
    return std::sqrt(top) + std::sqrt(next);
}

} // namespace proteinmd

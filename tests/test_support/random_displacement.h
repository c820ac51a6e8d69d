#pragma once
// Reproducible random perturbations of test geometries.

#include <random>
#include <vector>

#include "proteinmd/core/vec3.h"

namespace proteinmd::test {

// x with each coordinate moved by a uniform random amount in [-amplitude, amplitude] (seeded, so
// the same call gives the same positions).
inline std::vector<Vec3> displaced(const std::vector<Vec3>& x, double amplitude, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-amplitude, amplitude);
    std::vector<Vec3> out = x;
    for (Vec3& p : out) { p += Vec3{u(rng), u(rng), u(rng)}; }
    return out;
}

// x with each atom moved by exactly `distance` in a random direction (seeded).
inline std::vector<Vec3> movedInRandomDirections(const std::vector<Vec3>& x, double distance, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> gauss;
    std::vector<Vec3> out = x;
    for (Vec3& p : out) {
        const Vec3 dir{gauss(rng), gauss(rng), gauss(rng)};
        p += dir * (distance / norm(dir));
    }
    return out;
}

} // namespace proteinmd::test

#pragma once
// Inputs for the PME checks: charges and positions of the shared reference systems (through the
// engine's own readers) and small random charge-neutral systems.

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"
#include "proteinmd/io/coordinate_frame.h"
#include "proteinmd/io/npy.h"
#include "proteinmd/io/topology_reader.h"

namespace proteinmd::test {

// Charges of every atom of the system, in topology order (the engine's own topology reader).
inline std::vector<double> chargesFromTopology(const std::filesystem::path& top)
{
    return readGromacsTopology(top).system.charges;
}

// Positions (nm) from a .gro file.
inline std::vector<Vec3> positionsFromGro(const std::filesystem::path& gro)
{
    return readCoordinates(gro).positions;
}

// An N x 3 float64 .npy array.
inline std::vector<Vec3> positionsFromNpy(const std::filesystem::path& npy)
{
    std::vector<std::size_t> shape;
    const std::vector<double> values = readNpy(npy, shape);
    std::vector<Vec3> x(values.size() / 3);
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = Vec3{values[3 * i], values[3 * i + 1], values[3 * i + 2]};
    }
    return x;
}

// A charge-neutral random system: n atoms (n even) uniformly in the cell (some outside it, to
// exercise wrapping), charges +-q with random magnitudes.
struct RandomSystem {
    std::vector<Vec3> positions;
    std::vector<double> charges;
};

inline RandomSystem makeRandomNeutralSystem(const Box& box, int n, unsigned seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> frac(-0.1, 1.1);
    std::uniform_real_distribution<double> mag(0.2, 1.0);
    RandomSystem s;
    const Matrix3& v = box.vectors();
    double total = 0;
    for (int i = 0; i < n; ++i) {
        const double a = frac(rng), b = frac(rng), c = frac(rng);
        s.positions.push_back(v[0] * a + v[1] * b + v[2] * c);
        const double q = (i % 2 == 0 ? 1.0 : -1.0) * mag(rng);
        s.charges.push_back(q);
        total += q;
    }
    // Remove the net charge evenly so the system is exactly neutral (to rounding).
    for (double& q : s.charges) { q -= total / n; }
    return s;
}

} // namespace proteinmd::test

// The single-precision mesh (float grids, splines and FFTs; double energy and virial sums) against
// the double mesh: on dhfr at GROMACS's settings and on a small triclinic system.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

#include "proteinmd/core/units.h"
#include "proteinmd/forces/pme.h"
#include "test_support/pme_test_inputs.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

struct Result {
    double energy = 0;
    std::vector<Vec3> forces;
    Matrix3 virial{};
};

Result run(PmeParameters p, PmePrecision precision, const std::vector<Vec3>& x, const std::vector<double>& q,
           const Box& box)
{
    p.precision = precision;
    PmeSolver pme(p, static_cast<int>(x.size()));
    Result r;
    r.forces.assign(x.size(), Vec3{});
    r.energy = pme.compute(x, q, box, units::kCoulombConstant, r.forces, r.virial);
    return r;
}

struct Differences {
    double energy, forcesRms, virial;
};

Differences compare(const Result& single, const Result& ref)
{
    double num = 0, den = 0;
    for (std::size_t i = 0; i < ref.forces.size(); ++i) {
        num += norm2(single.forces[i] - ref.forces[i]);
        den += norm2(ref.forces[i]);
    }
    double vir = 0, virScale = 0;
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            vir = std::max(vir, std::abs(single.virial[r][c] - ref.virial[r][c]));
            virScale = std::max(virScale, std::abs(ref.virial[r][c]));
        }
    }
    return {std::abs(single.energy - ref.energy) / std::abs(ref.energy), std::sqrt(num / den), vir / virScale};
}

} // namespace

TEST(PmeSinglePrecision, DhfrAgreesWithDouble)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto dir = test::benchmarkDir("dhfr");
    const auto x = test::positionsFromGro(dir / "system.gro");
    const auto q = test::chargesFromTopology(dir / "system.top");
    const Box box = Box::rectangular(6.223, 6.223, 6.223);
    const PmeParameters p{pmeGridFromSpacing(box, 0.12, 4), 4, ewaldCoefficientFromRtol(0.9, 1e-5)};
    const Result dbl = run(p, PmePrecision::Double, x, q, box);
    const Result sgl = run(p, PmePrecision::Single, x, q, box);
    const Differences d = compare(sgl, dbl);
    std::printf("[ pme ] dhfr single vs double: rel energy %.2e, rel RMS force %.2e, rel max virial %.2e\n", d.energy,
                d.forcesRms, d.virial);
    // Measured: energy 1.6e-7, forces 2.9e-6, virial 1.9e-7. The forces are the local gradient of a
    // smooth mesh potential stored in float, so its rounding (6e-8 of the potential) is amplified
    // ~50x relative to the force; accumulating the gather in double does not change this.
    EXPECT_LT(d.energy, 1e-6);
    EXPECT_LT(d.forcesRms, 5e-6);
    EXPECT_LT(d.virial, 1e-6);
    // Not trivially equal: the float path really runs in float.
    EXPECT_GT(d.forcesRms, 1e-12);
}

TEST(PmeSinglePrecision, TriclinicHighOrderAgreesWithDouble)
{
    const Box box = Box::triclinic({2.2, 0, 0}, {0.7, 2.1, 0}, {-0.9, 0.8, 2.0});
    const auto s = test::makeRandomNeutralSystem(box, 200, 17);
    // The 15^3 grid has x planes of 225 floats, so plane starts are not SIMD-aligned: FFTW must be
    // planned without the alignment assumption there (pme_fft.cpp).
    for (const std::array<int, 3> grid : {std::array<int, 3>{25, 24, 27}, std::array<int, 3>{15, 15, 15}}) {
        for (int order : {4, 5, 8}) {
            SCOPED_TRACE(::testing::Message() << "order " << order << " grid " << grid[0]);
            const PmeParameters p{grid, order, 3.2};
            const Differences d = compare(run(p, PmePrecision::Single, s.positions, s.charges, box),
                                          run(p, PmePrecision::Double, s.positions, s.charges, box));
            EXPECT_LT(d.energy, 1e-6);
            EXPECT_LT(d.forcesRms, 2e-6);
            EXPECT_LT(d.virial, 1e-6);
        }
    }
}

TEST(PmeSinglePrecision, FarImagesLoseNoAccuracy)
{
    // Fractional coordinates are formed in double: atoms shifted by many box vectors give the same
    // float result as the originals (a float position would have lost ~1e-5 nm at 100 nm).
    const Box box = Box::rectangular(2.0, 2.1, 2.2);
    const auto s = test::makeRandomNeutralSystem(box, 100, 4);
    auto far = s.positions;
    for (Vec3& r : far) { r += box.vectors()[0] * 50.0 - box.vectors()[2] * 40.0; }
    const PmeParameters p{{20, 21, 22}, 4, 3.47};
    const Result near = run(p, PmePrecision::Single, s.positions, s.charges, box);
    const Result away = run(p, PmePrecision::Single, far, s.charges, box);
    EXPECT_NEAR(away.energy, near.energy, 1e-6 * std::abs(near.energy));
    EXPECT_LT(compare(away, near).forcesRms, 1e-6);
}

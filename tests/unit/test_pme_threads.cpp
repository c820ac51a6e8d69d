// PME with OpenMP threads: the mesh is designed so that the number of threads never changes the
// arithmetic (slab-owned spreading in a fixed bucket order, fixed FFT pieces, per-block sums added in
// order), so energies, forces and virials must be bit-identical for 1, 2, 3, ... threads.

#include <gtest/gtest.h>

#include <omp.h>

#include <vector>

#include "proteinmd/core/error.h"
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

Result run(PmeParameters p, int threads, const std::vector<Vec3>& x, const std::vector<double>& q, const Box& box)
{
    p.numThreads = threads;
    PmeSolver pme(p, static_cast<int>(x.size()));
    EXPECT_EQ(pme.parameters().numThreads, threads);
    Result r;
    r.forces.assign(x.size(), Vec3{});
    r.energy = pme.compute(x, q, box, units::kCoulombConstant, r.forces, r.virial);
    return r;
}

// Exact equality: the design promises identical bits, not just agreement to rounding.
void expectIdentical(const Result& a, const Result& b)
{
    EXPECT_EQ(a.energy, b.energy);
    int differing = 0;
    for (std::size_t i = 0; i < a.forces.size(); ++i) {
        for (int d = 0; d < 3; ++d) {
            if (a.forces[i][d] != b.forces[i][d]) { ++differing; }
        }
    }
    EXPECT_EQ(differing, 0) << "force components differ";
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) { EXPECT_EQ(a.virial[r][c], b.virial[r][c]) << r << "," << c; }
    }
}

} // namespace

TEST(PmeThreads, TriclinicOddGridIsBitIdenticalForAnyThreadCount)
{
    // 21 x-planes over 7 threads gives slabs of 3 planes, thinner than the order (6): every plane
    // then receives atoms from buckets owned by several threads' neighbourhoods.
    const Box box = Box::triclinic({2.4, 0, 0}, {0.8, 2.2, 0}, {-0.6, 0.9, 2.3});
    const auto s = test::makeRandomNeutralSystem(box, 600, 21);
    for (auto precision : {PmePrecision::Double, PmePrecision::Single}) {
        PmeParameters p{{21, 20, 19}, 6, 3.3};
        p.precision = precision;
        const Result one = run(p, 1, s.positions, s.charges, box);
        ASSERT_GT(std::abs(one.energy), 1.0);
        for (int threads : {2, 3, 4, 7, 25}) {
            SCOPED_TRACE(::testing::Message() << "threads " << threads << " single "
                                              << (precision == PmePrecision::Single));
            expectIdentical(run(p, threads, s.positions, s.charges, box), one);
        }
    }
}

TEST(PmeThreads, RepeatedComputeIsDeterministic)
{
    const Box box = Box::rectangular(2.5, 2.6, 2.4);
    const auto s = test::makeRandomNeutralSystem(box, 500, 3);
    PmeParameters p{{24, 25, 24}, 4, 3.47};
    p.numThreads = 3;
    PmeSolver pme(p, 500);
    Result first, second;
    first.forces.assign(500, Vec3{});
    second.forces.assign(500, Vec3{});
    first.energy = pme.compute(s.positions, s.charges, box, units::kCoulombConstant, first.forces, first.virial);
    second.energy = pme.compute(s.positions, s.charges, box, units::kCoulombConstant, second.forces, second.virial);
    expectIdentical(first, second);
}

TEST(PmeThreads, DhfrIsBitIdenticalWithOneTwoAndThreeThreads)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto dir = test::benchmarkDir("dhfr");
    const auto x = test::positionsFromGro(dir / "system.gro");
    const auto q = test::chargesFromTopology(dir / "system.top");
    const Box box = Box::rectangular(6.223, 6.223, 6.223);
    PmeParameters p{pmeGridFromSpacing(box, 0.12, 4), 4, ewaldCoefficientFromRtol(0.9, 1e-5)};
    const Result one = run(p, 1, x, q, box);
    for (int threads : {2, 3}) {
        SCOPED_TRACE(::testing::Message() << "threads " << threads);
        expectIdentical(run(p, threads, x, q, box), one);
    }
}

TEST(PmeThreads, AutomaticThreadCountAndBadCounts)
{
    // Automatic: at least one, at most all OpenMP threads; small grids get one.
    const PmeSolver small(PmeParameters{{16, 16, 16}, 4, 3.0}, 10);
    EXPECT_EQ(small.parameters().numThreads, 1);
    const PmeSolver large(PmeParameters{{64, 64, 64}, 4, 3.0}, 10);
    EXPECT_GE(large.parameters().numThreads, 1);
    EXPECT_LE(large.parameters().numThreads, omp_get_max_threads());
    PmeParameters bad{{16, 16, 16}, 4, 3.0};
    bad.numThreads = -1;
    EXPECT_THROW(PmeSolver(bad, 10), SetupError);
}

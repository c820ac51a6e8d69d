// The fast paths of the PME mesh: forces without energy and virial, B-splines evaluated for many
// atoms at once, and the padded grid rows that let spreading and gathering run past z = nz (folded
// back onto z = 0.. after spreading, copied out again before gathering).

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "forces/pme/bspline.h"
#include "proteinmd/core/units.h"
#include "proteinmd/forces/pme.h"
#include "test_support/pme_test_inputs.h"

using namespace proteinmd;

namespace {

struct Result {
    double energy = 0;
    std::vector<Vec3> forces;
    Matrix3 virial{};
};

Result run(PmeSolver& pme, const std::vector<Vec3>& x, const std::vector<double>& q, const Box& box,
           bool withEnergy = true)
{
    Result r;
    r.forces.assign(x.size(), Vec3{});
    r.energy = pme.compute(x, q, box, units::kCoulombConstant, r.forces, r.virial, withEnergy);
    return r;
}

double relativeRmsDifference(const std::vector<Vec3>& a, const std::vector<Vec3>& ref)
{
    double num = 0, den = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        num += norm2(a[i] - ref[i]);
        den += norm2(ref[i]);
    }
    return std::sqrt(num / den);
}

} // namespace

TEST(PmeFastPaths, ForcesWithoutEnergyAreBitIdenticalAndLeaveTheVirialAlone)
{
    const Box rectangular = Box::rectangular(2.4, 2.5, 2.3);
    const Box triclinic = Box::triclinic({2.4, 0, 0}, {0.8, 2.2, 0}, {-0.6, 0.9, 2.3});
    for (const bool isTriclinic : {false, true}) {
        const Box& box = isTriclinic ? triclinic : rectangular;
        const auto s = test::makeRandomNeutralSystem(box, 400, 9);
        for (auto precision : {PmePrecision::Double, PmePrecision::Single}) {
            for (int order : {4, 5}) {
                SCOPED_TRACE(::testing::Message() << "order " << order << " single "
                                                  << (precision == PmePrecision::Single) << " triclinic "
                                                  << isTriclinic);
                PmeParameters p{{24, 25, 22}, order, 3.3};
                p.precision = precision;
                p.numThreads = 2;
                PmeSolver pme(p, 400);
                const Result full = run(pme, s.positions, s.charges, box, true);
                Result fast = run(pme, s.positions, s.charges, box, false);
                EXPECT_EQ(fast.energy, 0.0);
                for (int r = 0; r < 3; ++r) {
                    for (int c = 0; c < 3; ++c) { EXPECT_EQ(fast.virial[r][c], 0.0); }
                }
                int differing = 0;
                for (std::size_t i = 0; i < full.forces.size(); ++i) {
                    for (int d = 0; d < 3; ++d) { differing += full.forces[i][d] != fast.forces[i][d] ? 1 : 0; }
                }
                EXPECT_EQ(differing, 0);
                EXPECT_GT(std::abs(full.energy), 1.0);
            }
        }
    }
}

TEST(PmeFastPaths, SplineLanesMatchOneAtATimeWhateverTheirNeighbours)
{
    constexpr int L = 16;
    constexpr int Order = 5;
    std::array<float, L> w{}, shuffled{};
    for (int l = 0; l < L; ++l) { w[std::size_t(l)] = float(l) / float(L) + 0.01f; }
    for (int l = 0; l < L; ++l) { shuffled[std::size_t(l)] = w[std::size_t((l * 7) % L)]; }
    // Fractions the compiler cannot see: with them known it may fold some lanes at compile time,
    // without the fused multiply-adds the run-time code has (seen with GCC 12, -march=native on
    // an AMD Zen 4), and then the test would compare folding against code instead of lanes.
    asm volatile("" : : "r"(w.data()), "r"(shuffled.data()) : "memory");
    std::array<float, Order * L> m{}, d{}, m2{}, d2{};
    pme::bsplineWeightsLanes<Order, float, L>(w.data(), m.data(), d.data());
    pme::bsplineWeightsLanes<Order, float, L>(shuffled.data(), m2.data(), d2.data());
    std::vector<double> ref(Order), refD(Order);
    for (int l = 0; l < L; ++l) {
        pme::bsplineWeights(double(w[std::size_t(l)]), Order, ref, refD);
        const int moved = (l * 7) % L; // shuffled[l] = w[moved]
        for (int j = 0; j < Order; ++j) {
            const auto e = std::size_t(j * L + l);
            EXPECT_NEAR(m[e], ref[std::size_t(j)], 2e-7);
            EXPECT_NEAR(d[e], refD[std::size_t(j)], 2e-7);
            // The same fraction in another lane, beside other fractions: the same bits.
            EXPECT_EQ(m2[std::size_t(j * L + l)], m[std::size_t(j * L + moved)]);
            EXPECT_EQ(d2[std::size_t(j * L + l)], d[std::size_t(j * L + moved)]);
        }
    }
}

TEST(PmeFastPaths, ShiftingByWholeGridCellsChangesNothingEvenOnTheSmallestGrid)
{
    // Moving every atom by one grid cell along each box vector gives the same splines on shifted
    // grid points, so the same energy and forces to rounding. Atoms near z = 0 and z = L then swap
    // between spreading past the row end (folded back) and not; on a grid of nz = order points
    // every atom's support runs past the end. An error in folding or unfolding shows up here.
    const Box box = Box::rectangular(2.0, 2.1, 1.6);
    const auto s = test::makeRandomNeutralSystem(box, 150, 5);
    for (auto precision : {PmePrecision::Double, PmePrecision::Single}) {
        for (const auto& [grid, order] : {std::pair{std::array<int, 3>{20, 21, 16}, 4},
                                          std::pair{std::array<int, 3>{8, 9, 4}, 4},
                                          std::pair{std::array<int, 3>{10, 10, 5}, 5}}) {
            SCOPED_TRACE(::testing::Message() << "nz " << grid[2] << " order " << order << " single "
                                              << (precision == PmePrecision::Single));
            PmeParameters p{grid, order, 2.8};
            p.precision = precision;
            PmeSolver pme(p, 150);
            const Result ref = run(pme, s.positions, s.charges, box);
            for (int d = 0; d < 3; ++d) {
                auto shifted = s.positions;
                const Vec3 step = box.vectors()[d] * (1.0 / grid[std::size_t(d)]);
                for (Vec3& r : shifted) { r += step; }
                const Result moved = run(pme, shifted, s.charges, box);
                const double tolerance = precision == PmePrecision::Single ? 2e-6 : 1e-11;
                EXPECT_NEAR(moved.energy, ref.energy, tolerance * std::abs(ref.energy)) << "dimension " << d;
                EXPECT_LT(relativeRmsDifference(moved.forces, ref.forces), 10 * tolerance) << "dimension " << d;
            }
        }
    }
}

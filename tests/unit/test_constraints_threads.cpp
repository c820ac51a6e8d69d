// The threaded and allocation-free constraint paths: SETTLE over fixed blocks of waters gives
// bit-identical positions, velocities and virial for 1 and 2 threads and reports the first bad
// water of any block; LINCS's velocity correction (built from its accumulated solution) equals the
// displacement / dt; and the inline minimum image the hot loops use equals Box::minimumImage bit
// for bit (rectangular and triclinic), with its round() replacement exact on the halfway cases.

#include <gtest/gtest.h>

#include <omp.h>

#include <cmath>
#include <limits>
#include <random>

#include "core/inline_minimum_image.h"
#include "proteinmd/constraints/constraints.h"
#include "test_support/random_displacement.h"

using namespace proteinmd;

namespace {

constexpr double kDOH = 0.09572, kDHH = 0.15139; // TIP3P

// A lattice of `n` TIP3P waters in a periodic box (more than one 256-water block of SETTLE), with
// random orientations (some waters straddle the boundary).
struct Waters {
    System system;
    std::vector<Vec3> positions;
    Box box;
};

Waters makeWaters(int perSide, unsigned seed)
{
    Waters w;
    const double spacing = 0.31;
    const double side = perSide * spacing;
    w.box = Box::rectangular(side, side, side);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> angle(0, 2 * M_PI);
    const double half = 0.5 * kDHH, h = std::sqrt(kDOH * kDOH - half * half);
    for (int i = 0; i < perSide; ++i) {
        for (int j = 0; j < perSide; ++j) {
            for (int k = 0; k < perSide; ++k) {
                const int first = static_cast<int>(w.positions.size());
                w.system.masses.insert(w.system.masses.end(), {15.9994, 1.008, 1.008});
                w.system.settles.push_back(SettleGroup{{first, first + 1, first + 2}, kDOH, kDHH});
                // The oxygen at the lattice point; the molecule rotated about z then x.
                const Vec3 o{i * spacing, j * spacing, k * spacing};
                const double a = angle(rng), b = angle(rng);
                auto rotate = [&](Vec3 v) {
                    v = Vec3{v.x * std::cos(a) - v.y * std::sin(a), v.x * std::sin(a) + v.y * std::cos(a), v.z};
                    return Vec3{v.x, v.y * std::cos(b) - v.z * std::sin(b), v.y * std::sin(b) + v.z * std::cos(b)};
                };
                w.positions.push_back(o);
                w.positions.push_back(o + rotate(Vec3{half, h, 0}));
                w.positions.push_back(o + rotate(Vec3{-half, h, 0}));
            }
        }
    }
    return w;
}

using test::displaced;

struct SettleResult {
    std::vector<Vec3> positions, velocities;
    Matrix3 virial{};
};

SettleResult settleWith(int threads, const Waters& w, const std::vector<Vec3>& moved, double dt)
{
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    Constraints constraints(w.system);
    SettleResult r;
    r.positions = moved;
    r.velocities.assign(moved.size(), Vec3{});
    constraints.constrainPositions(w.positions, r.positions, w.box, dt, r.velocities, &r.virial);
    omp_set_num_threads(saved);
    return r;
}

} // namespace

TEST(SettleThreads, OneAndTwoThreadsAreBitIdenticalOverManyBlocks)
{
    const Waters w = makeWaters(9, 7); // 729 waters: three blocks, the last one partial
    const std::vector<Vec3> moved = displaced(w.positions, 0.004, 11);
    const double dt = 0.002;
    const SettleResult one = settleWith(1, w, moved, dt);
    const SettleResult two = settleWith(2, w, moved, dt);
    for (std::size_t i = 0; i < moved.size(); ++i) {
        ASSERT_EQ(one.positions[i], two.positions[i]) << "atom " << i;
        ASSERT_EQ(one.velocities[i], two.velocities[i]) << "atom " << i;
    }
    for (int r = 0; r < 3; ++r) { EXPECT_EQ(one.virial[r], two.virial[r]); }

    // And the waters of every block were solved (not just the first): all bonds hold.
    Constraints constraints(w.system);
    EXPECT_LT(constraints.maxRelativeDeviation(two.positions, w.box), 1e-10);
    // The virial is -1/2 sum m r0 (x) dx / dt^2 over all waters.
    Matrix3 expected{};
    for (std::size_t i = 0; i < moved.size(); ++i) {
        const std::size_t oxygen = i - i % 3;
        const Vec3 r0 = w.box.minimumImage(w.positions[i] - w.positions[oxygen]);
        expected += outer(r0, (two.positions[i] - moved[i]) * w.system.masses[i]) * (-0.5 / (dt * dt));
    }
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) { EXPECT_NEAR(two.virial[r][c], expected[r][c], 1e-9 * std::abs(expected[r][r])); }
    }
}

TEST(SettleThreads, ABadWaterInALaterBlockIsReportedWithItsAtoms)
{
    const Waters w = makeWaters(8, 3); // 512 waters: two blocks
    std::vector<Vec3> moved = w.positions;
    const int bad = 400; // in the second block
    // A hydrogen pushed far along the normal of the molecular plane: the centre of mass leaves the
    // plane by more than SETTLE's canonical triangle allows.
    const auto o = static_cast<std::size_t>(3 * bad);
    const Vec3 normal = cross(w.positions[o + 1] - w.positions[o], w.positions[o + 2] - w.positions[o]);
    moved[o + 1] += normal * (0.3 / norm(normal));
    const int saved = omp_get_max_threads();
    for (int threads : {1, 2}) {
        omp_set_num_threads(threads);
        Constraints constraints(w.system);
        std::vector<Vec3> x = moved;
        try {
            constraints.constrainPositions(w.positions, x, w.box, 0.002);
            ADD_FAILURE() << "no ConstraintError with " << threads << " threads";
        } catch (const ConstraintError& e) {
            EXPECT_NE(std::string(e.what()).find("atom " + std::to_string(3 * bad + 1)), std::string::npos) << e.what();
        }
    }
    omp_set_num_threads(saved);
}

TEST(LincsWorkArrays, VelocityCorrectionIsTheDisplacementOverDtAndRepeatsExactly)
{
    // A chain of coupled constraints (shared atoms), as LINCS sees H-bond constraints of a protein.
    System s;
    s.masses = {12.011, 1.008, 1.008, 12.011, 1.008, 14.007, 1.008};
    s.constraints = {DistanceConstraint{{0, 1}, 0.109}, DistanceConstraint{{0, 2}, 0.109},
                     DistanceConstraint{{0, 3}, 0.153}, DistanceConstraint{{3, 4}, 0.109},
                     DistanceConstraint{{3, 5}, 0.147}, DistanceConstraint{{5, 6}, 0.101}};
    const std::vector<Vec3> reference{Vec3{1.0, 1.0, 1.0},   Vec3{1.109, 1.0, 1.0},   Vec3{0.96, 1.1, 1.0},
                                      Vec3{1.0, 1.0, 1.153}, Vec3{1.1, 1.0, 1.2},     Vec3{0.9, 1.05, 1.26},
                                      Vec3{0.92, 1.1, 1.35}};
    ConstraintOptions options;
    options.algorithm = ConstraintAlgorithm::Lincs;
    options.lincsOrder = 8;
    options.lincsIterations = 2;
    const Box box = Box::rectangular(3, 3, 3);
    Constraints constraints(s, nullptr, options);
    const std::vector<Vec3> moved = displaced(reference, 0.003, 5);
    const double dt = 0.002;

    std::vector<Vec3> first;
    for (int call = 0; call < 2; ++call) { // the second call reuses the work arrays
        std::vector<Vec3> x = moved;
        std::vector<Vec3> v(x.size(), Vec3{});
        constraints.constrainPositions(reference, x, box, dt, v);
        for (std::size_t i = 0; i < x.size(); ++i) {
            const Vec3 expected = (x[i] - moved[i]) / dt;
            EXPECT_NEAR(norm(v[i] - expected), 0.0, 1e-9 * (1 + norm(expected))) << "atom " << i;
        }
        EXPECT_LT(constraints.maxRelativeDeviation(x, box), 1e-6);
        if (call == 0) {
            first = x;
        } else {
            EXPECT_EQ(x, first);
        }
    }
}

TEST(InlineMinimumImage, RoundReplacementMatchesStdRoundOnHalfwayAndNearbyValues)
{
    const double below = std::nextafter(0.5, 0.0);
    for (double x : {0.0, -0.0, 0.5, -0.5, below, -below, 1.5, -1.5, 2.5, -2.5, std::nextafter(1.5, 1.0),
                     std::nextafter(2.5, 3.0), 4503599627370495.5, 4503599627370497.0, 1e300, -1e300}) {
        const double expected = std::round(x);
        const double got = detail::roundHalfAwayFromZero(x);
        EXPECT_EQ(got, expected) << x;
        EXPECT_EQ(std::signbit(got), std::signbit(expected)) << x;
    }
    std::mt19937 rng(1);
    std::uniform_real_distribution<double> u(-50, 50);
    for (int n = 0; n < 100000; ++n) {
        const double x = u(rng);
        ASSERT_EQ(detail::roundHalfAwayFromZero(x), std::round(x)) << x;
    }
}

TEST(InlineMinimumImage, EqualsBoxMinimumImageBitForBit)
{
    std::mt19937 rng(2);
    std::uniform_real_distribution<double> u(-7, 7);
    for (const Box& box : {Box::rectangular(3.1, 2.7, 4.3), Box::triclinic({3, 0, 0}, {1, 2.8, 0}, {-1.2, 1.1, 2.5}),
                           Box{}}) {
        const detail::InlineMinimumImage image(box);
        for (int n = 0; n < 20000; ++n) {
            const Vec3 d{u(rng), u(rng), u(rng)};
            ASSERT_EQ(image(d), box.minimumImage(d)) << d.x << " " << d.y << " " << d.z;
        }
        // Short displacements (returned as they are) and those around the 0.49-box limit of that
        // shortcut, including signed zeros.
        std::uniform_real_distribution<double> shortStep(-1.3, 1.3);
        for (int n = 0; n < 20000; ++n) {
            const Vec3 d{shortStep(rng), shortStep(rng), shortStep(rng)};
            ASSERT_EQ(image(d), box.minimumImage(d)) << d.x << " " << d.y << " " << d.z;
        }
        if (box.isPeriodic()) {
            for (const double f : {0.48999999, 0.49, 0.49000001, 0.4999999999999999}) {
                for (const double sign : {1.0, -1.0}) {
                    const Vec3 d{sign * f * box.vectors()[0].x, -0.0, sign * f * box.vectors()[2].z};
                    ASSERT_EQ(image(d), box.minimumImage(d)) << f;
                    const Vec3 e{0.0, sign * f * box.vectors()[1].y, 0.01};
                    ASSERT_EQ(image(e), box.minimumImage(e)) << f;
                }
            }
        }
        // Exact half-box displacements (ties of round()).
        const Vec3 half{0.5 * box.vectors()[0].x, 0.5 * box.vectors()[1].y, -0.5 * box.vectors()[2].z};
        EXPECT_EQ(image(half), box.minimumImage(half));
    }
}

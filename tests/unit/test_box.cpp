#include <gtest/gtest.h>

#include "proteinmd/core/box.h"

using namespace proteinmd;

TEST(Box, RectangularMinimumImage)
{
    const Box box = Box::rectangular(3.0, 4.0, 5.0);
    const Vec3 d = box.minimumImage({2.9, -3.5, 2.4});
    EXPECT_NEAR(d.x, -0.1, 1e-12);
    EXPECT_NEAR(d.y, 0.5, 1e-12);
    EXPECT_NEAR(d.z, 2.4, 1e-12);
    EXPECT_DOUBLE_EQ(box.volume(), 60.0);
    EXPECT_DOUBLE_EQ(box.maxCutoff(), 1.5);
}

TEST(Box, TriclinicMinimumImageIsShortestImage)
{
    // Rhombic dodecahedron (xy-square) and truncated octahedron as GROMACS editconf -bt makes them
    // for d = 4 nm, and a reduced cell whose tilts add up along x.
    const double d = 4.0;
    const Box boxes[] = {
        Box::triclinic({d, 0, 0}, {0, d, 0}, {0.5 * d, 0.5 * d, d * std::sqrt(0.5)}),
        Box::triclinic({d, 0, 0}, {d / 3, 2 * std::sqrt(2.0) * d / 3, 0}, {-d / 3, std::sqrt(2.0) * d / 3, std::sqrt(6.0) * d / 3}),
        Box::triclinic({3.3, 0, 0}, {1.6, 3.2, 0}, {1.6, -1.55, 3.1}),
    };
    for (const Box& box : boxes) {
        ASSERT_TRUE(box.isReduced());
        EXPECT_NEAR(box.maxCutoff2(), box.maxCutoff() * box.maxCutoff(), 1e-12);
        const auto& v = box.vectors();
        // A grid of long displacements, and displacements around maxCutoff (where minimumImage
        // stops trying the neighbouring images).
        std::vector<Vec3> samples;
        for (double x = -6; x <= 6; x += 0.73) {
            for (double y = -6; y <= 6; y += 0.91) {
                for (double z = -6; z <= 6; z += 1.07) {
                    samples.push_back({x, y, z});
                }
            }
        }
        for (int n = 0; n < 2000; ++n) {
            const double theta = 0.7 * n, phi = 1.3 * n;
            const double length = box.maxCutoff() * (0.9 + 0.2 * (n % 11) / 10.0);
            const Vec3 u{std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi), std::cos(theta)};
            samples.push_back(u * length + v[n % 3] * double(n % 5 - 2));
        }
        for (const Vec3& r : samples) {
            const Vec3 m = box.minimumImage(r);
            // Brute force over a generous range of images.
            double best = 1e300;
            for (int i = -5; i <= 5; ++i)
                for (int j = -5; j <= 5; ++j)
                    for (int k = -5; k <= 5; ++k)
                        best = std::min(best, norm2(r + v[0] * double(i) + v[1] * double(j) + v[2] * double(k)));
            EXPECT_NEAR(norm2(m), best, 1e-9);
            // m is an image of r: their difference is a whole lattice vector.
            const Vec3 diff = m - r;
            const double kc = diff.z / v[2].z;
            const double kb = (diff.y - kc * v[2].y) / v[1].y;
            const double ka = (diff.x - kc * v[2].x - kb * v[1].x) / v[0].x;
            EXPECT_NEAR(kc, std::round(kc), 1e-9);
            EXPECT_NEAR(kb, std::round(kb), 1e-9);
            EXPECT_NEAR(ka, std::round(ka), 1e-9);
        }
    }
}

TEST(Box, NonPeriodicIsIdentity)
{
    const Box box;
    EXPECT_FALSE(box.isPeriodic());
    const Vec3 r{100, -200, 300};
    EXPECT_EQ(box.minimumImage(r), r);
}

TEST(Box, RejectsUpperTriangularVectors)
{
    EXPECT_THROW(Box::triclinic({1, 0.1, 0}, {0, 1, 0}, {0, 0, 1}), std::invalid_argument);
}

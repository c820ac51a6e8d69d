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
    // Rhombic dodecahedron (xy-square), GROMACS editconf -bt dodecahedron for d = 4 nm.
    const double d = 4.0;
    const Box box = Box::triclinic({d, 0, 0}, {0, d, 0}, {0.5 * d, 0.5 * d, d * std::sqrt(0.5)});
    const auto& v = box.vectors();
    for (double x = -6; x <= 6; x += 0.73) {
        for (double y = -6; y <= 6; y += 0.91) {
            for (double z = -6; z <= 6; z += 1.07) {
                const Vec3 r{x, y, z};
                const Vec3 m = box.minimumImage(r);
                // Brute force over a generous range of images.
                double best = 1e300;
                for (int i = -3; i <= 3; ++i)
                    for (int j = -3; j <= 3; ++j)
                        for (int k = -3; k <= 3; ++k)
                            best = std::min(best, norm2(r + v[0] * double(i) + v[1] * double(j) + v[2] * double(k)));
                EXPECT_NEAR(norm2(m), best, 1e-9);
            }
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

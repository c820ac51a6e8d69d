// DCD: header fields and frame count follow the flushes, positions are exact float32 Å, the unit
// cell is NAMD's (a, cos gamma, b, cos beta, cos alpha, c), append cuts a partial frame, errors.

#include <gtest/gtest.h>

#include <cmath>

#include "proteinmd/core/error.h"
#include "proteinmd/io/dcd.h"
#include "test_support/test_paths.h"
#include "unit/trajectory_test_frames.h"

using namespace proteinmd;
namespace fs = std::filesystem;

namespace {

std::vector<test::TrajectoryFrame> sampleFrames(int n)
{
    const auto base = test::readGroFrames(test::refdataDir() / "xtc" / "frames400.gro");
    return test::displacedFrames(base[0].positions, base[0].box, n);
}

} // namespace

TEST(Dcd, RoundTripPositionsAndNamdUnitCell)
{
    const auto frames = sampleFrames(3);
    const fs::path path = test::scratchDir("dcd_roundtrip") / "traj.dcd";
    DcdWriter writer(path, 400, 0.002, 500, 500);
    writer.write(frames[0].positions, frames[0].box);
    writer.flush();
    EXPECT_EQ(DcdReader(path).framesInHeader(), 1);
    writer.write(frames[1].positions, frames[1].box);
    writer.write(frames[2].positions, Box());
    writer.close();

    DcdReader reader(path);
    EXPECT_EQ(reader.numAtoms(), 400);
    EXPECT_EQ(reader.framesInHeader(), 3);
    EXPECT_EQ(reader.completeFrames(), 3);
    EXPECT_EQ(reader.firstStep(), 500);
    EXPECT_EQ(reader.stepsBetweenFrames(), 500);
    EXPECT_FLOAT_EQ(reader.timestepAkma(), static_cast<float>(0.002 / 0.04888821));
    // Box of frames400.gro: a = (3.2853,0,0), b = (0.4,3.1,0), c = (-0.6,0.8,2.9) nm.
    const double a = 3.2853, b = std::hypot(0.4, 3.1), c = std::sqrt(0.36 + 0.64 + 8.41);
    const std::array<double, 6> expectedCell{10 * a, (3.2853 * 0.4) / (a * b), 10 * b, (3.2853 * -0.6) / (a * c),
                                             (0.4 * -0.6 + 3.1 * 0.8) / (b * c), 10 * c};
    DcdFrame f;
    for (int k = 0; k < 3; ++k) {
        ASSERT_TRUE(reader.next(f));
        for (std::size_t i = 0; i < 6; ++i) {
            EXPECT_NEAR(f.unitCell[i], k < 2 ? expectedCell[i] : 0.0, 1e-12) << "frame " << k << " entry " << i;
        }
        for (std::size_t i = 0; i < 400; ++i) {
            for (int d = 0; d < 3; ++d) {
                EXPECT_EQ(f.positions[i][d], static_cast<float>(frames[static_cast<std::size_t>(k)].positions[i][d] * 10.0));
            }
        }
    }
    EXPECT_FALSE(reader.next(f));
}

TEST(Dcd, AppendCutsPartialFrameAndUpdatesHeader)
{
    const auto frames = sampleFrames(3);
    const fs::path path = test::scratchDir("dcd_append") / "traj.dcd";
    std::uint64_t afterTwo = 0;
    {
        DcdWriter writer(path, 400, 0.002, 10);
        writer.write(frames[0].positions, frames[0].box);
        writer.write(frames[1].positions, frames[1].box);
        afterTwo = writer.bytesWritten();
        writer.write(frames[2].positions, frames[2].box);
    }
    const std::uint64_t full = fs::file_size(path);
    fs::resize_file(path, afterTwo + 100); // crashed while writing frame 3
    {
        DcdReader cut(path);
        EXPECT_EQ(cut.completeFrames(), 2);
        EXPECT_EQ(cut.framesInHeader(), 3); // stale until the next writer flushes
        DcdFrame f;
        EXPECT_TRUE(cut.next(f));
        EXPECT_TRUE(cut.next(f));
        EXPECT_THROW(cut.next(f), InputError);
    }
    {
        DcdWriter writer(path, 400, 0.002, 10, 0, /*append=*/true);
        EXPECT_EQ(writer.framesInFile(), 2);
        writer.write(frames[2].positions, frames[2].box);
    }
    EXPECT_EQ(fs::file_size(path), full);
    EXPECT_EQ(DcdReader(path).framesInHeader(), 3);
    EXPECT_THROW(DcdWriter(path, 399, 0.002, 10, 0, true), InputError);
}

TEST(Dcd, BadFilesAndWriteFailures)
{
    const fs::path dir = test::scratchDir("dcd_errors");
    std::ofstream(dir / "bad.dcd") << "this is not a dcd file, but it is long enough to hold a header of ninety-two bytes.....";
    EXPECT_THROW(DcdReader(dir / "bad.dcd"), InputError);
    std::vector<Vec3> x(5, Vec3{1, 2, 3});
    DcdWriter writer("/dev/full", 5, 0.002, 1);
    writer.write(x, Box::rectangular(1, 1, 1));
    try {
        writer.flush();
        FAIL() << "no error from /dev/full";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("No space left"), std::string::npos) << e.what();
    }
}

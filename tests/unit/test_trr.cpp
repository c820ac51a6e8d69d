// TRR: byte-identical to gmx/gmx_d output for the same coordinates; double-precision round trip of
// x, v, f is bit-exact; optional blocks; truncation and write failures are reported.

#include <gtest/gtest.h>

#include <fstream>

#include "proteinmd/core/error.h"
#include "proteinmd/io/trr.h"
#include "test_support/test_paths.h"
#include "unit/trajectory_test_frames.h"

using namespace proteinmd;
namespace fs = std::filesystem;

namespace {

void expectSameBytesAsGromacs(bool doublePrecision, const std::string& reference)
{
    const auto frames = test::readGroFrames(test::refdataDir() / "xtc" / "frames7.gro");
    const fs::path out = test::scratchDir(doublePrecision ? "trr_gmx_d" : "trr_gmx") / "ours.trr";
    {
        TrrWriter writer(out, 7, doublePrecision);
        for (std::size_t k = 0; k < frames.size(); ++k) {
            writer.write(static_cast<std::int64_t>(250 * k), 0.5 * static_cast<double>(k), 0.0, frames[k].box,
                         frames[k].positions);
        }
    }
    EXPECT_TRUE(test::readBytes(out) == test::readBytes(test::refdataDir() / "xtc" / reference)) << reference;
}

} // namespace

TEST(Trr, ByteIdenticalToGromacsSingle) { expectSameBytesAsGromacs(false, "frames7_gmx.trr"); }
TEST(Trr, ByteIdenticalToGromacsDouble) { expectSameBytesAsGromacs(true, "frames7_gmx_d.trr"); }

TEST(Trr, DoubleRoundTripIsBitExactWithOptionalBlocks)
{
    const auto base = test::readGroFrames(test::refdataDir() / "xtc" / "frames400.gro");
    const auto frames = test::displacedFrames(base[0].positions, base[0].box, 3);
    const fs::path out = test::scratchDir("trr_roundtrip") / "traj.trr";
    {
        TrrWriter writer(out, 400, true);
        writer.write(frames[0].step, frames[0].time, 0.25, frames[0].box, frames[0].positions, frames[0].velocities,
                     frames[0].forces);
        writer.write(frames[1].step, frames[1].time, 0.5, Box(), {}, frames[1].velocities, {});
        writer.write(frames[2].step, frames[2].time, 0.75, frames[2].box, frames[2].positions, {}, frames[2].forces);
    }
    TrrReader reader(out);
    TrrFrame f;
    ASSERT_TRUE(reader.next(f));
    EXPECT_TRUE(f.doublePrecision);
    EXPECT_EQ(f.lambda, 0.25);
    EXPECT_EQ(f.positions, frames[0].positions);
    EXPECT_EQ(f.velocities, frames[0].velocities);
    EXPECT_EQ(f.forces, frames[0].forces);
    EXPECT_EQ(f.box[1][0], frames[0].box.vectors()[1][0]);
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f.step, frames[1].step);
    EXPECT_TRUE(f.positions.empty());
    EXPECT_TRUE(f.forces.empty());
    EXPECT_EQ(f.velocities, frames[1].velocities);
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f.time, frames[2].time);
    EXPECT_TRUE(f.velocities.empty());
    EXPECT_EQ(f.forces, frames[2].forces);
    EXPECT_FALSE(reader.next(f));
}

TEST(Trr, TruncationAndErrors)
{
    const fs::path dir = test::scratchDir("trr_errors");
    std::string bytes = test::readBytes(test::refdataDir() / "xtc" / "frames7_gmx.trr");
    std::ofstream(dir / "cut.trr", std::ios::binary) << bytes.substr(0, bytes.size() - 5);
    EXPECT_EQ(TrrReader::lastCompleteFrameEnd(dir / "cut.trr"), bytes.size() / 2);
    TrrReader reader(dir / "cut.trr");
    TrrFrame f;
    EXPECT_TRUE(reader.next(f));
    try {
        reader.next(f);
        FAIL() << "truncated frame not detected";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("frame 2"), std::string::npos) << e.what();
    }
    std::vector<Vec3> x(7, Vec3{1, 2, 3});
    EXPECT_THROW(TrrWriter(dir / "x.trr", 7).write(0, 0, 0, Box(), std::vector<Vec3>(6)), SetupError);
    TrrWriter full("/dev/full", 7);
    full.write(0, 0, 0, Box(), x);
    EXPECT_THROW(full.flush(), Error);
}

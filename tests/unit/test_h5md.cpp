// H5MD writer: frames survive close/append, restart truncation drops later steps, staging works with
// chunks smaller and larger than the frame count, and write failures are reported. The file layout
// and values are checked independently with h5py and MDAnalysis by tests/interop/check_trajectories.py.

#include <gtest/gtest.h>

#include "proteinmd/core/error.h"
#include "proteinmd/io/h5md.h"
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

TEST(H5md, AppendAndTruncateAfterStep)
{
    const auto frames = sampleFrames(6);
    const fs::path path = test::scratchDir("h5md_append") / "traj.h5";
    H5mdOptions options;
    options.velocities = true;
    options.framesPerChunk = 4; // two frames stay staged until close
    {
        H5mdWriter writer(path, 400, options);
        for (int k = 0; k < 6; ++k) {
            const auto& f = frames[static_cast<std::size_t>(k)];
            writer.writeFrame(f.step, f.time, f.positions, f.box, f.velocities);
            writer.writeObservable("potential_energy", f.step, f.time, -1000.0 - k);
        }
        EXPECT_EQ(writer.framesWritten(), 6);
        writer.close();
    }
    {
        H5mdWriter writer(path, 400, options, /*append=*/true);
        EXPECT_EQ(writer.framesWritten(), 6);
        writer.truncateAfterStep(frames[2].step); // restart from the checkpoint at frame 3
        EXPECT_EQ(writer.framesWritten(), 3);
        writer.writeFrame(frames[3].step, frames[3].time, frames[3].positions, frames[3].box, frames[3].velocities);
        writer.writeObservable("potential_energy", frames[3].step, frames[3].time, -1003.0);
        writer.close();
    }
    EXPECT_EQ(H5mdWriter(path, 400, options, true).framesWritten(), 4);
    EXPECT_THROW(H5mdWriter(path, 401, options, true), InputError);
}

TEST(H5md, RejectsInconsistentFrames)
{
    const auto frames = sampleFrames(1);
    const fs::path path = test::scratchDir("h5md_bad") / "traj.h5";
    H5mdWriter writer(path, 400);
    EXPECT_THROW(writer.writeFrame(0, 0, frames[0].positions, frames[0].box, frames[0].velocities), SetupError);
    writer.writeFrame(0, 0, frames[0].positions, frames[0].box);
    EXPECT_THROW(writer.writeFrame(1, 1, frames[0].positions, Box()), SetupError);
    EXPECT_THROW(writer.writeObservable("a/b", 0, 0, 1), SetupError);
}

TEST(H5md, WriteFailureIsReported)
{
    EXPECT_THROW(H5mdWriter("/nonexistent-folder/traj.h5", 3), Error);
    try {
        H5mdWriter writer("/dev/full", 3);
        std::vector<Vec3> x(3, Vec3{1, 2, 3});
        writer.writeFrame(0, 0, x, Box::rectangular(2, 2, 2));
        writer.close();
        FAIL() << "writing an H5MD file to /dev/full succeeded";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("No space left on device"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("/dev/full"), std::string::npos) << e.what();
    }
}

// XTC: byte-identical to files written by GROMACS from the same coordinates, decodes GROMACS files,
// round trips within the precision (incl. huge coordinate ranges and tiny systems), restart truncation,
// corrupt files and write failures.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "proteinmd/core/error.h"
#include "proteinmd/io/xtc.h"
#include "test_support/test_paths.h"
#include "unit/trajectory_test_frames.h"

using namespace proteinmd;
namespace fs = std::filesystem;

namespace {

fs::path xtcRefdata(const std::string& name) { return test::refdataDir() / "xtc" / name; }

void writeGroFramesAsXtc(const fs::path& out, const std::vector<CoordinateFrame>& frames)
{
    XtcWriter writer(out, frames.front().numAtoms());
    for (std::size_t k = 0; k < frames.size(); ++k) {
        writer.write(static_cast<std::int64_t>(250 * k), 0.5 * static_cast<double>(k), frames[k].positions,
                     frames[k].box);
    }
    writer.close();
}

std::vector<XtcFrame> readAll(const fs::path& path)
{
    XtcReader reader(path);
    std::vector<XtcFrame> frames;
    XtcFrame f;
    while (reader.next(f)) {
        frames.push_back(f);
    }
    return frames;
}

} // namespace

TEST(Xtc, ByteIdenticalToGromacsCompressedFrames)
{
    const auto frames = test::readGroFrames(xtcRefdata("frames400.gro"));
    ASSERT_EQ(frames.size(), 3u);
    const fs::path out = test::scratchDir("xtc_gmx400") / "ours.xtc";
    writeGroFramesAsXtc(out, frames);
    const std::string ours = test::readBytes(out);
    const std::string theirs = test::readBytes(xtcRefdata("frames400_gmx.xtc"));
    ASSERT_EQ(ours.size(), theirs.size());
    EXPECT_TRUE(ours == theirs) << "xtc bytes differ from gmx trjconv output";
}

TEST(Xtc, ByteIdenticalToGromacsSmallSystem)
{
    const auto frames = test::readGroFrames(xtcRefdata("frames7.gro"));
    const fs::path out = test::scratchDir("xtc_gmx7") / "ours.xtc";
    writeGroFramesAsXtc(out, frames);
    EXPECT_TRUE(test::readBytes(out) == test::readBytes(xtcRefdata("frames7_gmx.xtc")));
}

TEST(Xtc, ReadsGromacsFile)
{
    const auto gro = test::readGroFrames(xtcRefdata("frames400.gro"));
    const auto frames = readAll(xtcRefdata("frames400_gmx.xtc"));
    ASSERT_EQ(frames.size(), gro.size());
    for (std::size_t k = 0; k < frames.size(); ++k) {
        EXPECT_EQ(frames[k].step, static_cast<std::int64_t>(250 * k));
        EXPECT_FLOAT_EQ(frames[k].time, 0.5f * static_cast<float>(k));
        EXPECT_FLOAT_EQ(frames[k].precision, 1000.0f);
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 3; ++c) {
                EXPECT_NEAR(frames[k].box[r][c], gro[k].box.vectors()[r][c], 1e-6);
            }
        }
        ASSERT_EQ(frames[k].positions.size(), 400u);
        for (std::size_t i = 0; i < 400; ++i) {
            for (int d = 0; d < 3; ++d) {
                EXPECT_NEAR(frames[k].positions[i][d], gro[k].positions[i][d], 0.5e-3 + 1e-6) << "atom " << i;
            }
        }
    }
}

TEST(Xtc, RoundTripSolvatedSystemWithinPrecision)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const CoordinateFrame base = readGro(test::benchmarkDir("ala2_solvated") / "system.gro");
    const Box triclinic = Box::triclinic({3.3, 0, 0}, {1.1, 3.2, 0}, {-1.0, 1.2, 3.0});
    for (const float precision : {1000.0f, 100.0f, 10000.0f}) {
        const auto frames = test::displacedFrames(base.positions, triclinic, 4);
        const fs::path out = test::scratchDir("xtc_roundtrip") / "traj.xtc";
        XtcWriter writer(out, base.numAtoms(), precision);
        for (const auto& f : frames) {
            writer.write(f.step, f.time, f.positions, f.box);
        }
        writer.close();
        const auto read = readAll(out);
        ASSERT_EQ(read.size(), frames.size());
        const double tolerance = 0.5 / precision + 1e-5;
        for (std::size_t k = 0; k < read.size(); ++k) {
            EXPECT_EQ(read[k].step, frames[k].step);
            EXPECT_FLOAT_EQ(read[k].time, static_cast<float>(frames[k].time));
            EXPECT_FLOAT_EQ(read[k].box[2][0], -1.0f);
            double worst = 0;
            for (std::size_t i = 0; i < frames[k].positions.size(); ++i) {
                for (int d = 0; d < 3; ++d) {
                    worst = std::max(worst, std::abs(read[k].positions[i][d] - frames[k].positions[i][d]));
                }
            }
            EXPECT_LE(worst, tolerance) << "precision " << precision << " frame " << k;
            EXPECT_GT(worst, 0.1 / precision) << "suspiciously exact: is the precision applied?";
        }
    }
}

TEST(Xtc, RoundTripHugeRangeAndTinySystems)
{
    // A range above 2^24 units takes the per-coordinate bit-size path of the format.
    std::vector<Vec3> wide;
    for (int i = 0; i < 50; ++i) {
        wide.push_back({-20000.0 + 800.0 * i + 0.0123 * i, 0.001 * i, 15000.0 * std::sin(i)});
    }
    wide.push_back({1.0, 1.0, 1.0});
    wide.push_back({1.001, 1.0, 0.999}); // a close pair: water-style swap with a run
    const fs::path dir = test::scratchDir("xtc_wide");
    {
        XtcWriter writer(dir / "wide.xtc", static_cast<int>(wide.size()));
        writer.write(5, 0.25, wide, Box());
    }
    const auto read = readAll(dir / "wide.xtc");
    ASSERT_EQ(read.size(), 1u);
    for (std::size_t i = 0; i < wide.size(); ++i) {
        for (int d = 0; d < 3; ++d) {
            // float resolution of 2e4 is ~2e-3: the stored value is the float nearest the rounded integer.
            EXPECT_NEAR(read[0].positions[i][d], wide[i][d], 0.5e-3 + std::abs(wide[i][d]) * 3.6e-7) << i;
        }
    }
    for (int n : {0, 1, 9}) {
        std::vector<Vec3> few;
        for (int i = 0; i < n; ++i) {
            few.push_back({0.1234567 * i, -2.5 + i, 7.0 / (i + 1)});
        }
        const fs::path path = dir / ("few" + std::to_string(n) + ".xtc");
        {
            XtcWriter writer(path, n);
            writer.write(1, 0.002, few, Box::rectangular(2, 3, 4));
            writer.write(2, 0.004, few, Box::rectangular(2, 3, 4));
        }
        const auto frames = readAll(path);
        ASSERT_EQ(frames.size(), 2u);
        EXPECT_EQ(frames[1].precision, -1.0f);
        for (int i = 0; i < n; ++i) {
            EXPECT_EQ(frames[1].positions[static_cast<std::size_t>(i)].y, static_cast<float>(few[static_cast<std::size_t>(i)].y));
        }
    }
}

TEST(Xtc, AppendCutsPartialLastFrame)
{
    const auto frames = test::readGroFrames(xtcRefdata("frames400.gro"));
    const fs::path path = test::scratchDir("xtc_append") / "traj.xtc";
    std::uint64_t afterTwo = 0;
    {
        XtcWriter writer(path, 400);
        writer.write(0, 0, frames[0].positions, frames[0].box);
        writer.write(250, 0.5, frames[1].positions, frames[1].box);
        afterTwo = writer.bytesWritten();
        writer.write(500, 1.0, frames[2].positions, frames[2].box);
    }
    const std::uint64_t full = fs::file_size(path);
    EXPECT_EQ(XtcReader::lastCompleteFrameEnd(path), full);
    fs::resize_file(path, afterTwo + (full - afterTwo) / 2); // killed while writing frame 3
    EXPECT_EQ(XtcReader::lastCompleteFrameEnd(path), afterTwo);
    EXPECT_EQ(XtcReader::countFrames(path), 2);
    {
        XtcWriter writer(path, 400, 1000.0f, /*append=*/true);
        EXPECT_EQ(writer.bytesWritten(), afterTwo);
        writer.write(500, 1.0, frames[2].positions, frames[2].box);
    }
    EXPECT_EQ(fs::file_size(path), full);
    EXPECT_EQ(readAll(path).size(), 3u);
    EXPECT_THROW(XtcWriter(path, 401, 1000.0f, true), InputError);
}

TEST(Xtc, CorruptOrTruncatedFramesAreReported)
{
    const fs::path dir = test::scratchDir("xtc_corrupt");
    std::string bytes = test::readBytes(xtcRefdata("frames400_gmx.xtc"));
    const std::string truncated = bytes.substr(0, bytes.size() - 10);
    std::ofstream(dir / "truncated.xtc", std::ios::binary) << truncated;
    XtcReader reader(dir / "truncated.xtc");
    XtcFrame f;
    EXPECT_TRUE(reader.next(f));
    EXPECT_TRUE(reader.next(f));
    try {
        reader.next(f);
        FAIL() << "truncated frame not detected";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("frame 3"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    }
    // Garbage in the compressed bits of frame 1 must give an error or wrong numbers, never a crash.
    std::string scrambled = bytes;
    for (std::size_t i = 100; i < 400; i += 3) {
        scrambled[i] = static_cast<char>(scrambled[i] ^ 0x5a);
    }
    std::ofstream(dir / "scrambled.xtc", std::ios::binary) << scrambled;
    try {
        XtcReader r2(dir / "scrambled.xtc");
        while (r2.next(f)) {
        }
    } catch (const InputError&) {
    }
    bytes[0] = 'X';
    std::ofstream(dir / "badmagic.xtc", std::ios::binary) << bytes;
    XtcReader r3(dir / "badmagic.xtc");
    EXPECT_THROW(r3.next(f), InputError);
}

TEST(Xtc, WriteFailureIsReported)
{
    if (!fs::exists("/dev/full")) {
        GTEST_SKIP() << "/dev/full not available";
    }
    std::vector<Vec3> x(20, Vec3{1, 2, 3});
    XtcWriter writer("/dev/full", 20);
    writer.write(0, 0, x, Box());
    try {
        writer.flush();
        FAIL() << "write to /dev/full succeeded";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("/dev/full"), std::string::npos) << what;
        EXPECT_NE(what.find("No space left on device"), std::string::npos) << what;
    }
    EXPECT_THROW(XtcWriter("/nonexistent-folder/traj.xtc", 3), Error);
}

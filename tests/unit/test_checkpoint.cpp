// Checkpoints: CRC-32 against its published check value, bit-exact round trip, detection of
// truncated/corrupted/foreign files, fallback to NAME_prev, and atomicity under SIGKILL at random
// moments of the write (fork; at least 20 trials).

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bit>
#include <chrono>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <thread>

#include "proteinmd/core/error.h"
#include "proteinmd/io/checkpoint.h"
#include "test_support/test_paths.h"
#include "unit/trajectory_test_frames.h"

using namespace proteinmd;
namespace fs = std::filesystem;

namespace {

// A checkpoint whose every number follows from `step`, so a reader can tell a consistent file from a mix.
Checkpoint makeCheckpoint(std::int64_t step, std::size_t atoms)
{
    Checkpoint cp;
    cp.step = step;
    cp.timePs = 0.002 * static_cast<double>(step);
    std::mt19937_64 rng(static_cast<std::uint64_t>(step));
    std::uniform_real_distribution<double> u(-5, 5);
    for (std::size_t i = 0; i < atoms; ++i) {
        cp.positions.push_back({u(rng), u(rng), u(rng)});
        cp.velocities.push_back({u(rng), u(rng), u(rng)});
    }
    cp.box = Box::triclinic({4.1, 0, 0}, {1.3, 3.9, 0}, {-0.7, 1.1, 3.7});
    cp.realState["thermostat/nose_hoover_xi"] = {0.1 * static_cast<double>(step), -0.0,
                                                 std::numeric_limits<double>::denorm_min()};
    cp.realState["barostat/box_velocity"] = {1.0 / 3.0, std::numeric_limits<double>::infinity()};
    cp.integerState["rng/philox_counter"] = {static_cast<std::uint64_t>(step) * 977, ~std::uint64_t{0}};
    cp.outputs["traj.xtc"] = {12345 + static_cast<std::uint64_t>(step), step / 10};
    cp.outputs["energy.csv"] = {999, 7};
    return cp;
}

bool bitEqual(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

void expectBitEqual(const Checkpoint& a, const Checkpoint& b)
{
    EXPECT_EQ(a.step, b.step);
    EXPECT_TRUE(bitEqual(a.timePs, b.timePs));
    ASSERT_EQ(a.positions.size(), b.positions.size());
    ASSERT_EQ(a.velocities.size(), b.velocities.size());
    EXPECT_EQ(std::memcmp(a.positions.data(), b.positions.data(), a.positions.size() * sizeof(Vec3)), 0);
    EXPECT_EQ(std::memcmp(a.velocities.data(), b.velocities.data(), a.velocities.size() * sizeof(Vec3)), 0);
    EXPECT_EQ(a.box.isPeriodic(), b.box.isPeriodic());
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            EXPECT_TRUE(bitEqual(a.box.vectors()[r][c], b.box.vectors()[r][c]));
        }
    }
    ASSERT_EQ(a.realState.size(), b.realState.size());
    for (const auto& [name, values] : a.realState) {
        ASSERT_EQ(b.realState.count(name), 1u) << name;
        const auto& other = b.realState.at(name);
        ASSERT_EQ(values.size(), other.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            EXPECT_TRUE(bitEqual(values[i], other[i])) << name << "[" << i << "]";
        }
    }
    EXPECT_EQ(a.integerState, b.integerState);
    EXPECT_EQ(a.outputs, b.outputs);
}

void expectCorrupt(const std::string& bytes, const std::string& fragment)
{
    try {
        parseCheckpoint(bytes, "state.cpt");
        FAIL() << "not detected: " << fragment;
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("state.cpt"), std::string::npos) << e.what();
    }
}

} // namespace

TEST(Checkpoint, Crc32CheckValue)
{
    EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
    EXPECT_EQ(crc32(""), 0u);
    EXPECT_EQ(crc32("6789", crc32("12345")), 0xCBF43926u); // incremental
}

TEST(Checkpoint, RoundTripIsBitExact)
{
    const fs::path path = test::scratchDir("checkpoint_roundtrip") / "state.cpt";
    const Checkpoint original = makeCheckpoint(4242, 1000);
    writeCheckpoint(path, original);
    expectBitEqual(original, readCheckpoint(path));
    EXPECT_FALSE(fs::exists(previousCheckpointPath(path)));
    Checkpoint vacuum = makeCheckpoint(1, 3);
    vacuum.box = Box();
    vacuum.velocities.clear();
    writeCheckpoint(path, vacuum);
    expectBitEqual(vacuum, readCheckpoint(path));
    expectBitEqual(original, readCheckpoint(previousCheckpointPath(path)));
    EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
}

TEST(Checkpoint, CorruptTruncatedAndForeignFilesAreDetected)
{
    const std::string good = serializeCheckpoint(makeCheckpoint(7, 50));
    for (std::size_t cut : {std::size_t{0}, std::size_t{5}, std::size_t{31}, good.size() / 2, good.size() - 1}) {
        expectCorrupt(good.substr(0, cut), "truncated");
    }
    std::string flipped = good;
    flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x01);
    expectCorrupt(flipped, "checksum mismatch");
    std::string version = good;
    version[8] = 9;
    expectCorrupt(version, "version 9 is not supported");
    expectCorrupt("GROMACS checkpoint file with a different layout.....", "wrong magic");
    expectCorrupt(good + "x", "trailing data");
}

TEST(Checkpoint, FallsBackToPreviousAndTruncatesOutputs)
{
    const fs::path dir = test::scratchDir("checkpoint_fallback");
    const fs::path path = dir / "state.cpt";
    writeCheckpoint(path, makeCheckpoint(100, 20));
    writeCheckpoint(path, makeCheckpoint(200, 20));
    EXPECT_EQ(readCheckpointWithFallback(path).checkpoint.step, 200);
    fs::resize_file(path, fs::file_size(path) - 3);
    const LoadedCheckpoint loaded = readCheckpointWithFallback(path);
    EXPECT_EQ(loaded.checkpoint.step, 100);
    EXPECT_EQ(loaded.file, previousCheckpointPath(path));
    ASSERT_EQ(loaded.problems.size(), 1u);
    EXPECT_NE(loaded.problems[0].find("truncated"), std::string::npos);
    fs::remove(previousCheckpointPath(path));
    EXPECT_THROW(readCheckpointWithFallback(path), InputError);

    std::ofstream(dir / "out.xtc", std::ios::binary) << std::string(500, 'x');
    truncateOutputToCheckpoint(dir / "out.xtc", {320, 4});
    EXPECT_EQ(fs::file_size(dir / "out.xtc"), 320u);
    EXPECT_THROW(truncateOutputToCheckpoint(dir / "out.xtc", {400, 5}), InputError);
}

TEST(Checkpoint, WriteFailureIsReported)
{
    EXPECT_THROW(writeCheckpoint("/nonexistent-folder/state.cpt", makeCheckpoint(1, 2)), Error);
}

TEST(Checkpoint, SigkillDuringWriteAlwaysLeavesAReadableCheckpoint)
{
    const fs::path path = test::scratchDir("checkpoint_kill") / "state.cpt";
    constexpr std::size_t kAtoms = 40000; // ~2 MB per checkpoint
    writeCheckpoint(path, makeCheckpoint(1, kAtoms));
    std::mt19937 rng(2024);
    std::uniform_int_distribution<int> delayUs(0, 30000);
    int trials = 0;
    int usedPrevious = 0;
    std::int64_t nextStep = 2;
    for (; trials < 24; ++trials) {
        // Pre-build the states in the parent so the child spends its time writing.
        const Checkpoint a = makeCheckpoint(nextStep, kAtoms);
        const Checkpoint b = makeCheckpoint(nextStep + 1, kAtoms);
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            for (int k = 0;; ++k) {
                try {
                    writeCheckpoint(path, (k % 2) ? b : a);
                } catch (...) {
                    ::_exit(3);
                }
            }
        }
        std::this_thread::sleep_for(std::chrono::microseconds(delayUs(rng)));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself (status " << status << ")";
        const LoadedCheckpoint loaded = readCheckpointWithFallback(path);
        usedPrevious += loaded.file != path ? 1 : 0;
        // Whatever was read must be one consistent state, not a mixture.
        expectBitEqual(makeCheckpoint(loaded.checkpoint.step, kAtoms), loaded.checkpoint);
        nextStep += 2;
    }
    EXPECT_GE(trials, 20);
    RecordProperty("fell_back_to_prev", usedPrevious);
}

// .gro reading and writing: the team's reference systems, variable precision, velocities,
// triclinic boxes, number wrapping, round trips and broken input.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include "proteinmd/core/error.h"
#include "proteinmd/io/coordinate_frame.h"
#include "proteinmd/io/gro.h"
#include "test_support/test_paths.h"

namespace proteinmd {
namespace {

// A small valid file written by hand in gmx's %8.3f / %8.4f format (velocities included).
const char* const kSmallGro =
    "two waters\n"
    "    6\n"
    "    1SOL     OW    1   0.126   1.624   1.679  0.1227 -0.0580  0.0434\n"
    "    1SOL    HW1    2   0.190   1.661   1.747  0.8085  0.3191 -0.7791\n"
    "    1SOL    HW2    3   0.177   1.568   1.613 -0.9045 -2.6469  1.3180\n"
    "    2SOL     OW    4   1.275   0.053   0.622  0.2519  0.3140 -0.1734\n"
    "    2SOL    HW1    5   1.337   0.002   0.680 -1.0641 -1.1349  0.0257\n"
    "    2SOL    HW2    6   1.326   0.120   0.568  1.9427 -0.8216 -0.0244\n"
    "   1.82060   1.82060   1.82060\n";

TEST(GroReader, ParsesFixedFormatWithVelocities)
{
    const CoordinateFrame f = parseGro(kSmallGro, "small.gro");
    EXPECT_EQ(f.title, "two waters");
    ASSERT_EQ(f.numAtoms(), 6);
    ASSERT_EQ(f.velocities.size(), 6u);
    EXPECT_EQ(f.atoms[1].name, "HW1");
    EXPECT_EQ(f.atoms[1].residueName, "SOL");
    EXPECT_EQ(f.atoms[3].residueNumber, 2);
    EXPECT_EQ(f.atoms[5].serial, 6);
    EXPECT_DOUBLE_EQ(f.positions[3].x, 1.275);
    EXPECT_DOUBLE_EQ(f.positions[0].z, 1.679);
    EXPECT_DOUBLE_EQ(f.velocities[2].y, -2.6469);
    EXPECT_DOUBLE_EQ(f.velocities[5].z, -0.0244);
    ASSERT_TRUE(f.box.isPeriodic());
    EXPECT_TRUE(f.box.isRectangular());
    EXPECT_DOUBLE_EQ(f.box.vectors()[2].z, 1.8206);
}

TEST(GroReader, DeducesPrecisionFromDecimalPoints)
{
    // 5 decimals in 10-character fields, no velocities; 4 residue-name characters.
    const char* text = "t\n 2\n"
                       "   12ALA     CA   17  -1.23456  12.34567   0.00001\n"
                       "99999GLYN    HA    0   0.50000   0.25000  -0.12500\n"
                       "   0.0   0.0   0.0\n";
    const CoordinateFrame f = parseGro(text, "p5.gro");
    ASSERT_EQ(f.numAtoms(), 2);
    EXPECT_TRUE(f.velocities.empty());
    EXPECT_DOUBLE_EQ(f.positions[0].x, -1.23456);
    EXPECT_DOUBLE_EQ(f.positions[0].y, 12.34567);
    EXPECT_DOUBLE_EQ(f.positions[1].z, -0.125);
    EXPECT_EQ(f.atoms[1].residueName, "GLYN");
    EXPECT_EQ(f.atoms[1].residueNumber, 99999);
    EXPECT_FALSE(f.box.isPeriodic()) << "an all-zero box line means no box";
}

TEST(GroReader, ReadsTriclinicBoxLine)
{
    // Rhombic dodecahedron (xy-square) box as written by gmx editconf: v1x v2y v3z v1y v1z v2x v2z v3x v3y.
    const char* text = "dodecahedron\n1\n    1SOL     OW    1   0.126   1.624   1.679\n"
                       "   5.00000   5.00000   3.53553   0.00000   0.00000   0.00000   0.00000   2.50000   2.50000\n";
    const CoordinateFrame f = parseGro(text, "tric.gro");
    ASSERT_TRUE(f.box.isPeriodic());
    EXPECT_FALSE(f.box.isRectangular());
    const Matrix3& m = f.box.vectors();
    EXPECT_DOUBLE_EQ(m[0].x, 5.0);
    EXPECT_DOUBLE_EQ(m[1].y, 5.0);
    EXPECT_DOUBLE_EQ(m[2].x, 2.5);
    EXPECT_DOUBLE_EQ(m[2].y, 2.5);
    EXPECT_DOUBLE_EQ(m[2].z, 3.53553);
    EXPECT_DOUBLE_EQ(m[1].x, 0.0);

    const char* upper = "x\n1\n    1SOL     OW    1   0.126   1.624   1.679\n"
                        "   5.00000   5.00000   3.53553   1.00000   0.00000   0.00000   0.00000   2.50000   2.50000\n";
    EXPECT_THROW(parseGro(upper, "upper.gro"), InputError) << "v1y != 0 is not a GROMACS box";
}

TEST(GroReader, ReadsEverySharedSystem)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    struct Expected {
        const char* name;
        int atoms;
        double box[3];
    };
    const Expected systems[] = {{"ala2_vacuum", 22, {30, 30, 30}},
                                {"ala2_solvated", 2269, {3.2853, 3.2862, 3.1855}},
                                {"dhfr_vacuum", 2489, {30, 30, 30}},
                                {"dhfr", 23558, {6.223, 6.223, 6.223}},
                                {"dhfr_2x2x1", 94232, {12.446, 12.446, 6.223}}};
    for (const Expected& e : systems) {
        SCOPED_TRACE(e.name);
        const auto start = std::chrono::steady_clock::now();
        const CoordinateFrame f = readCoordinates(test::benchmarkDir(e.name) / "system.gro");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        RecordProperty(std::string(e.name) + "_read_seconds", std::to_string(seconds));
        EXPECT_EQ(f.numAtoms(), e.atoms);
        EXPECT_TRUE(f.velocities.empty());
        ASSERT_TRUE(f.box.isPeriodic());
        EXPECT_TRUE(f.box.isRectangular());
        for (int d = 0; d < 3; ++d) {
            EXPECT_DOUBLE_EQ(f.box.vectors()[d][d], e.box[d]);
        }
    }
    // Values checked against the file text: 4 decimals in 9-character fields.
    const CoordinateFrame ala = readGro(test::benchmarkDir("ala2_solvated") / "system.gro");
    EXPECT_DOUBLE_EQ(ala.positions[0].x, 1.5908);
    EXPECT_DOUBLE_EQ(ala.positions[0].y, 1.1969);
    EXPECT_DOUBLE_EQ(ala.positions[0].z, 1.6089);
    EXPECT_EQ(ala.atoms[0].name, "HH31");
    EXPECT_EQ(ala.atoms[0].residueName, "ACE");
    EXPECT_DOUBLE_EQ(ala.positions[2268].z, 0.1966);
    EXPECT_EQ(ala.atoms[2268].residueNumber, 752);
    EXPECT_EQ(ala.atoms[2268].serial, 2269);
}

TEST(GroWriter, RoundTripKeepsEverything)
{
    const CoordinateFrame in = parseGro(kSmallGro, "small.gro");
    for (int precision : {3, 4, 6}) {
        SCOPED_TRACE(precision);
        const CoordinateFrame out = parseGro(formatGro(in, precision), "again.gro");
        ASSERT_EQ(out.numAtoms(), in.numAtoms());
        ASSERT_EQ(out.velocities.size(), in.velocities.size());
        for (int i = 0; i < in.numAtoms(); ++i) {
            EXPECT_EQ(out.atoms[i].name, in.atoms[i].name);
            EXPECT_EQ(out.atoms[i].residueName, in.atoms[i].residueName);
            EXPECT_EQ(out.atoms[i].residueNumber, in.atoms[i].residueNumber);
            for (int d = 0; d < 3; ++d) {
                EXPECT_NEAR(out.positions[i][d], in.positions[i][d], 1e-12);
                EXPECT_NEAR(out.velocities[i][d], in.velocities[i][d], 1e-12);
            }
        }
        EXPECT_DOUBLE_EQ(out.box.vectors()[0].x, 1.8206);
    }
}

TEST(GroWriter, FixedColumnsAsGromacsWritesThem)
{
    CoordinateFrame f;
    f.title = "one";
    f.atoms.push_back(AtomRecord{"CA", "ALA", "", "C", "", 123456, 7, false});
    f.positions.push_back({1.0, -2.5, 0.1234});
    f.velocities.push_back({0.5, 0, -1});
    f.box = Box::triclinic({4, 0, 0}, {1, 4, 0}, {-1, 2, 4});
    const std::string text = formatGro(f, 3);
    const std::string expected = "one\n"
                                 "    1\n"
                                 "23456ALA     CA    1   1.000  -2.500   0.123  0.5000  0.0000 -1.0000\n"
                                 "   4.00000   4.00000   4.00000   0.00000   0.00000   1.00000   0.00000  -1.00000   2.00000\n";
    EXPECT_EQ(text, expected);
    const CoordinateFrame back = parseGro(text, "tric.gro");
    EXPECT_DOUBLE_EQ(back.box.vectors()[1].x, 1.0);
    EXPECT_DOUBLE_EQ(back.box.vectors()[2].x, -1.0);
    EXPECT_DOUBLE_EQ(back.box.vectors()[2].y, 2.0);
}

TEST(GroWriter, WrapsNumbersAbove99999AndWritesAtomically)
{
    CoordinateFrame f;
    const int n = 100003;
    f.atoms.resize(n);
    f.positions.resize(n);
    for (int i = 0; i < n; ++i) {
        f.atoms[i].name = "OW";
        f.atoms[i].residueName = "SOL";
        f.atoms[i].residueNumber = i + 1;
        f.positions[i] = {0.001 * (i % 1000), 0.002 * (i % 500), 0.01 * (i % 97)};
    }
    f.box = Box::rectangular(10, 10, 10);
    const auto dir = test::scratchDir("gro_wrap");
    const auto path = dir / "big.gro";
    writeGro(path, f);
    // Only the final file is left in the folder (the temporary one was renamed).
    int files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) {
        ++files;
    }
    EXPECT_EQ(files, 1);
    const CoordinateFrame back = readGro(path);
    ASSERT_EQ(back.numAtoms(), n);
    EXPECT_EQ(back.atoms[99998].residueNumber, 99999);
    EXPECT_EQ(back.atoms[99999].residueNumber, 0); // 100000 wraps
    EXPECT_EQ(back.atoms[100002].residueNumber, 3);
    EXPECT_EQ(back.atoms[100002].serial, 3);
    EXPECT_NEAR(back.positions[100002].z, f.positions[100002].z, 5e-4);
}

TEST(GroWriter, RejectsWhatDoesNotFit)
{
    CoordinateFrame f;
    f.atoms.push_back(AtomRecord{"CA", "ALA", "", "C", "", 1, 1, false});
    f.positions.push_back({12345.0, 0, 0});
    EXPECT_THROW(formatGro(f, 3), SetupError) << "a coordinate wider than its field would shift the columns";
    f.positions[0] = {1, 2, 3};
    f.atoms[0].name = "TOOLONG";
    EXPECT_THROW(formatGro(f, 3), SetupError);
    f.atoms[0].name = "CA";
    f.velocities.resize(2);
    EXPECT_THROW(formatGro(f, 3), SetupError);
    f.velocities.clear();
    EXPECT_THROW(formatGro(f, 0), SetupError);
    EXPECT_NO_THROW(formatGro(f, 3));
}

std::string messageOf(const std::string& text)
{
    try {
        parseGro(text, "bad.gro");
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(GroReader, ClearErrorsForBrokenFiles)
{
    EXPECT_NE(messageOf("").find("bad.gro:1: the file is empty"), std::string::npos);
    EXPECT_NE(messageOf("title\n").find("expected the number of atoms"), std::string::npos);
    EXPECT_NE(messageOf("title\nabc\n").find("bad.gro:2: expected the number of atoms"), std::string::npos);
    EXPECT_NE(messageOf("t\n2269\n    1SOL     OW    1   0.126   1.624   1.679\n")
                  .find("bad.gro:3: expected 2269 atom lines but the file ends at line 3"),
              std::string::npos);
    EXPECT_NE(messageOf("t\n1\n    1SOL     OW    1   0.126   1.624   1.679\n").find("expected the box line"),
              std::string::npos);
    EXPECT_NE(messageOf("t\n2\n    1SOL     OW    1   0.126   1.624   1.679\n    1SOL    HW1    2     abc   1.661   1.747\n"
                        "   1.0   1.0   1.0\n")
                  .find("bad.gro:4: cannot parse x coordinate '     abc' in columns 21-28"),
              std::string::npos);
    EXPECT_NE(messageOf("t\n1\n    1SOL     OW    1   0.126   1.624\n1 1 1\n").find("cannot find the decimal points"),
              std::string::npos);
    EXPECT_NE(messageOf("t\n1\n    1SOL     OW    1   0.126   1.624   1.679\n1 1\n").find("3 or 9 numbers"),
              std::string::npos);
    EXPECT_NE(messageOf("t\n1\n    1SOL     OW    1   0.126   1.624   1.679\n1 -1 1\n").find("positive"),
              std::string::npos);
    EXPECT_NE(messageOf("t\n-3\n").find("non-negative"), std::string::npos);
    EXPECT_NE(messageOf("t\n99999999999999999999\n").find("expected the number of atoms"), std::string::npos);
}

TEST(GroReader, TruncatedFilesAlwaysThrow)
{
    const std::string full = kSmallGro;
    ASSERT_NO_THROW(parseGro(full, "full.gro"));
    // Every proper prefix of the file is broken: missing lines, a cut atom line, or a cut box line.
    for (std::size_t length = 0; length + 1 < full.size(); ++length) {
        SCOPED_TRACE(length);
        EXPECT_THROW(parseGro(full.substr(0, length), "cut.gro"), InputError);
    }
}

TEST(GroReader, CorruptedFilesThrowOrParseCleanly)
{
    const std::string full = kSmallGro;
    // Garbage in any number column must be reported.
    for (std::size_t line = 2; line < 8; ++line) {
        std::size_t start = 0;
        for (std::size_t k = 0; k < line; ++k) {
            start = full.find('\n', start) + 1;
        }
        for (std::size_t column : {0u, 3u, 22u, 27u, 35u, 44u, 50u, 66u}) {
            std::string bad = full;
            bad[start + column] = 'x';
            SCOPED_TRACE(testing::Message() << "line " << line + 1 << " column " << column + 1);
            EXPECT_THROW(parseGro(bad, "bad.gro"), InputError);
        }
    }
    // Any byte anywhere: either a clean InputError or a frame with the right atom count.
    unsigned seed = 12345;
    for (int trial = 0; trial < 2000; ++trial) {
        seed = seed * 1103515245u + 12345u;
        std::string bad = full;
        bad[(seed >> 8) % bad.size()] = static_cast<char>((seed >> 20) & 0xff);
        try {
            const CoordinateFrame f = parseGro(bad, "bad.gro");
            EXPECT_EQ(f.positions.size(), f.atoms.size());
            for (const Vec3& p : f.positions) {
                EXPECT_TRUE(std::isfinite(p.x) && std::isfinite(p.y) && std::isfinite(p.z));
            }
        } catch (const InputError&) {
        }
    }
}

TEST(CoordinateFiles, DispatchOnExtension)
{
    const auto dir = test::scratchDir("dispatch");
    {
        std::ofstream(dir / "water.GRO") << kSmallGro;
        std::ofstream(dir / "water.xyz") << "1\n\nO 0 0 0\n";
    }
    EXPECT_EQ(readCoordinates(dir / "water.GRO").numAtoms(), 6);
    try {
        readCoordinates(dir / "water.xyz");
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(".gro, .pdb, .ent"), std::string::npos);
    }
    EXPECT_THROW(readCoordinates(dir / "missing.pdb"), InputError);
}

} // namespace
} // namespace proteinmd

// PDB reading and writing: columns, CRYST1 boxes, alternate locations, models, element guessing,
// hybrid-36 numbers, agreement with the .gro files of the reference systems, round trips of a
// 100,000+ atom system and broken input.

#include <gtest/gtest.h>

#include <cmath>

#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/io/gro.h"
#include "proteinmd/io/pdb.h"
#include "test_support/test_paths.h"

namespace proteinmd {
namespace {

const char* const kSmallPdb =
    "TITLE     small test\n"
    "CRYST1   32.853   32.862   31.855  90.00  90.00  90.00 P 1           1\n"
    "MODEL        1\n"
    "ATOM      1  N   MET A   1      38.296  20.158  39.260  1.00  0.00           N\n"
    "ATOM      2  CA AMET A   1      39.000  21.000  40.000  0.60 10.00           C\n"
    "ATOM      3  CA BMET A   1      39.100  21.100  40.100  0.40 12.00           C\n"
    "ATOM      4 HH31 ACE B   2       2.000   1.000  -0.000  1.00  0.00\n"
    "HETATM    5 NA    NA C   3      -1.500   0.250   7.125  1.00  0.00\n"
    "TER\n"
    "ENDMDL\n"
    "MODEL        2\n"
    "ATOM      1  N   MET A   1       0.000   0.000   0.000  1.00  0.00           N\n"
    "ENDMDL\n";

TEST(PdbReader, ReadsColumnsAltLocsAndFirstModel)
{
    const CoordinateFrame f = parsePdb(kSmallPdb, "small.pdb");
    EXPECT_EQ(f.title, "small test");
    ASSERT_EQ(f.numAtoms(), 4) << "altLoc B of CA dropped, second model ignored";
    EXPECT_EQ(f.atoms[0].name, "N");
    EXPECT_EQ(f.atoms[0].residueName, "MET");
    EXPECT_EQ(f.atoms[0].chainId, "A");
    EXPECT_EQ(f.atoms[0].element, "N");
    EXPECT_NEAR(f.positions[0].x, 3.8296, 1e-12);
    EXPECT_NEAR(f.positions[0].z, 3.9260, 1e-12);
    EXPECT_NEAR(f.positions[1].x, 3.9, 1e-12) << "first altLoc kept";
    EXPECT_DOUBLE_EQ(f.atoms[1].occupancy, 0.60);
    EXPECT_DOUBLE_EQ(f.atoms[1].bFactor, 10.0);
    EXPECT_EQ(f.atoms[2].element, "H") << "guessed from a 4-character name in column 13";
    EXPECT_EQ(f.atoms[2].residueNumber, 2);
    EXPECT_TRUE(f.atoms[3].hetero);
    EXPECT_EQ(f.atoms[3].element, "Na") << "ion named after its element";
    EXPECT_NEAR(f.positions[3].z, 0.7125, 1e-12);
    ASSERT_TRUE(f.box.isPeriodic());
    EXPECT_NEAR(f.box.vectors()[0].x, 3.2853, 1e-12);
    EXPECT_NEAR(f.box.vectors()[2].z, 3.1855, 1e-12);
}

TEST(PdbReader, Cryst1ToGromacsTriclinicBox)
{
    // Truncated octahedron as gmx editconf writes it: a=b=c=5 nm, 70.53/109.47/70.53 degrees.
    const std::string text = "CRYST1   50.000   50.000   50.000  70.53 109.47  70.53 P 1           1\n"
                             "ATOM      1  O   SOL     1       1.000   1.000   1.000  1.00  0.00           O\n";
    const CoordinateFrame f = parsePdb(text, "oct.pdb");
    const double deg = units::kDegToRad;
    const double cosA = std::cos(70.53 * deg), cosB = std::cos(109.47 * deg), cosG = std::cos(70.53 * deg);
    const double sinG = std::sin(70.53 * deg);
    const Matrix3& m = f.box.vectors();
    EXPECT_DOUBLE_EQ(m[0].x, 5.0);
    EXPECT_DOUBLE_EQ(m[1].x, 5.0 * cosG);
    EXPECT_DOUBLE_EQ(m[1].y, 5.0 * sinG);
    EXPECT_DOUBLE_EQ(m[2].x, 5.0 * cosB);
    EXPECT_DOUBLE_EQ(m[2].y, 5.0 * (cosA - cosB * cosG) / sinG);
    EXPECT_NEAR(norm(m[2]), 5.0, 1e-12);
    // Written back, the cell parameters come out as they went in.
    const std::string written = formatPdb(f);
    EXPECT_NE(written.find("CRYST1   50.000   50.000   50.000  70.53 109.47  70.53 P 1           1"),
              std::string::npos)
        << written;
}

TEST(Hybrid36, EncodesAndDecodesAroundEveryBoundary)
{
    EXPECT_EQ(encodeHybrid36(5, 99999), "99999");
    EXPECT_EQ(encodeHybrid36(5, 100000), "A0000");
    EXPECT_EQ(encodeHybrid36(5, 100001), "A0001");
    EXPECT_EQ(encodeHybrid36(5, 100035), "A000Z");
    EXPECT_EQ(encodeHybrid36(5, 100036), "A0010");
    EXPECT_EQ(encodeHybrid36(5, 100000 + 26 * 36 * 36 * 36 * 36 - 1), "ZZZZZ");
    EXPECT_EQ(encodeHybrid36(5, 100000 + 26 * 36 * 36 * 36 * 36), "a0000");
    EXPECT_EQ(encodeHybrid36(5, 87440031), "zzzzz"); // the largest 5-character hybrid-36 number
    EXPECT_EQ(encodeHybrid36(5, 87440032), std::nullopt);
    EXPECT_EQ(encodeHybrid36(4, 9999), "9999");
    EXPECT_EQ(encodeHybrid36(4, 10000), "A000");
    EXPECT_EQ(encodeHybrid36(4, -999), "-999");
    EXPECT_EQ(encodeHybrid36(4, -1000), std::nullopt);
    EXPECT_EQ(encodeHybrid36(4, 5), "   5");
    EXPECT_EQ(decodeHybrid36(5, "A0000"), 100000);
    EXPECT_EQ(decodeHybrid36(5, "a0000"), 100000 + 26 * 36 * 36 * 36 * 36);
    EXPECT_EQ(decodeHybrid36(4, "A000"), 10000);
    EXPECT_EQ(decodeHybrid36(4, "  -5"), -5);
    EXPECT_EQ(decodeHybrid36(5, "A00a0"), std::nullopt) << "mixed case";
    EXPECT_EQ(decodeHybrid36(5, " A000"), std::nullopt) << "letter codes fill the field";
    EXPECT_EQ(decodeHybrid36(5, "1 2"), std::nullopt);
    for (long long v : {-9999LL, -1LL, 0LL, 1LL, 99999LL, 100000LL, 1234567LL, 43770015LL, 43770016LL, 87440030LL}) {
        const auto code = encodeHybrid36(5, v);
        ASSERT_TRUE(code);
        EXPECT_EQ(code->size(), 5u);
        EXPECT_EQ(decodeHybrid36(5, *code), v) << *code;
    }
    for (long long v = 9990; v < 12000; ++v) {
        EXPECT_EQ(decodeHybrid36(4, *encodeHybrid36(4, v)), v);
    }
}

TEST(PdbWriter, WritesStandardColumns)
{
    CoordinateFrame f;
    f.title = "t";
    f.atoms = {AtomRecord{"N", "MET", "A", "N", "", 1, 1, false},
               AtomRecord{"HH31", "ACE", "A", "H", "", 2, 2, false},
               AtomRecord{"CL", "CL", "B", "Cl", "", 10000, 3, true, 0.5, 7.25}};
    f.positions = {{3.8296, 2.0158, 3.926}, {0.2, 0.1, -0.0}, {-0.15, 0.025, 0.7125}};
    f.box = Box::rectangular(6.223, 6.223, 6.223);
    const std::string text = formatPdb(f);
    const std::string expected =
        "TITLE     t\n"
        "CRYST1   62.230   62.230   62.230  90.00  90.00  90.00 P 1           1\n"
        "ATOM      1  N   MET A   1      38.296  20.158  39.260  1.00  0.00           N\n"
        "ATOM      2 HH31 ACE A   2       2.000   1.000  -0.000  1.00  0.00           H\n"
        "TER\n"
        "HETATM    3 CL   CL  BA000      -1.500   0.250   7.125  0.50  7.25          CL\n"
        "TER\n"
        "END\n";
    EXPECT_EQ(text, expected);
    const CoordinateFrame back = parsePdb(text, "back.pdb");
    ASSERT_EQ(back.numAtoms(), 3);
    EXPECT_EQ(back.atoms[2].residueNumber, 10000);
    EXPECT_EQ(back.atoms[2].element, "Cl");
    EXPECT_EQ(back.atoms[2].chainId, "B");
    EXPECT_TRUE(back.atoms[2].hetero);
}

TEST(PdbWriter, RoundTripOfMoreThan100000Atoms)
{
    CoordinateFrame f;
    f.title = "big water box";
    const int n = 100500;
    f.atoms.resize(n);
    f.positions.resize(n);
    const std::string names[3] = {"OW", "HW1", "HW2"};
    const std::string elements[3] = {"O", "H", "H"};
    const std::string chains[2] = {"W", "X"};
    const AtomRecord water{"", "SOL", "", "", "", 0, 0, false};
    for (int i = 0; i < n; ++i) {
        AtomRecord& a = f.atoms[i];
        a = water;
        a.name = names[i % 3];
        a.chainId = chains[i < n / 2 ? 0 : 1];
        a.element = elements[i % 3];
        a.residueNumber = i / 3 + 1; // up to 33,500: hybrid-36 above 9,999
        f.positions[i] = {0.001 * (i % 9973), 0.0013 * (i % 7919), -0.0007 * (i % 5003)};
    }
    f.box = Box::triclinic({12, 0, 0}, {4, 11, 0}, {-3, 2, 10});
    const auto path = test::scratchDir("pdb_big") / "big.pdb";
    writePdb(path, f);
    const CoordinateFrame back = readPdb(path);
    ASSERT_EQ(back.numAtoms(), n);
    EXPECT_EQ(back.title, f.title);
    for (int i = 0; i < n; ++i) {
        ASSERT_EQ(back.atoms[i].serial, i + 1);
        ASSERT_EQ(back.atoms[i].residueNumber, f.atoms[i].residueNumber);
        ASSERT_EQ(back.atoms[i].name, f.atoms[i].name);
        ASSERT_EQ(back.atoms[i].chainId, f.atoms[i].chainId);
        ASSERT_EQ(back.atoms[i].element, f.atoms[i].element);
        for (int d = 0; d < 3; ++d) {
            ASSERT_NEAR(back.positions[i][d], f.positions[i][d], 0.5e-4 + 1e-12);
        }
    }
    for (int r = 0; r < 3; ++r) {
        for (int d = 0; d < 3; ++d) {
            EXPECT_NEAR(back.box.vectors()[r][d], f.box.vectors()[r][d], 1e-3) << r << d;
        }
    }
}

TEST(PdbReader, SharedSystemsAgreeWithTheirGroFiles)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    for (const char* name : {"ala2_vacuum", "ala2_solvated", "dhfr_vacuum", "dhfr", "dhfr_2x2x1"}) {
        SCOPED_TRACE(name);
        const CoordinateFrame pdb = readCoordinates(test::benchmarkDir(name) / "system.pdb");
        const CoordinateFrame gro = readCoordinates(test::benchmarkDir(name) / "system.gro");
        ASSERT_EQ(pdb.numAtoms(), gro.numAtoms());
        double worst = 0;
        for (int i = 0; i < pdb.numAtoms(); ++i) {
            ASSERT_EQ(pdb.atoms[i].name, gro.atoms[i].name) << i;
            ASSERT_EQ(pdb.atoms[i].residueName, gro.atoms[i].residueName) << i;
            for (int d = 0; d < 3; ++d) {
                worst = std::max(worst, std::abs(pdb.positions[i][d] - gro.positions[i][d]));
            }
            ASSERT_FALSE(pdb.atoms[i].element.empty());
        }
        EXPECT_LT(worst, 1e-3);
        // Vacuum PDBs have no CRYST1 (the .gro carries a 30 nm box for GROMACS only).
        if (pdb.box.isPeriodic()) {
            for (int d = 0; d < 3; ++d) {
                EXPECT_NEAR(pdb.box.vectors()[d][d], gro.box.vectors()[d][d], 1e-4);
            }
        } else {
            EXPECT_NE(std::string(name).find("vacuum"), std::string::npos);
        }
    }
}

std::string messageOf(const std::string& text)
{
    try {
        parsePdb(text, "bad.pdb");
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(PdbReader, ClearErrorsForBrokenFiles)
{
    EXPECT_NE(messageOf("").find("empty"), std::string::npos);
    EXPECT_NE(messageOf("REMARK nothing here\n").find("no ATOM or HETATM"), std::string::npos);
    EXPECT_NE(messageOf("ATOM      1  N   MET A   1      38.296  20.158\n").find("bad.pdb:1: ATOM record too short"),
              std::string::npos);
    EXPECT_NE(messageOf("ATOM      1  N   MET A   1      38.296  2x.158  39.260\n")
                  .find("cannot parse y coordinate '  2x.158' in columns 39-46"),
              std::string::npos);
    EXPECT_NE(messageOf("ATOM      1  N   MET A   ?      38.296  20.158  39.260\n").find("residue number"),
              std::string::npos);
    EXPECT_NE(messageOf("ATOM    1x1  N   MET A   1      38.296  20.158  39.260\n").find("serial"), std::string::npos);
    EXPECT_NE(messageOf("ATOM      1  N   MET A   1      38.296  20.158  39.260  1.00  0.00           7\n")
                  .find("element"),
              std::string::npos);
    EXPECT_NE(messageOf("CRYST1   32.853   32.862\n").find("CRYST1 record too short"), std::string::npos);
    EXPECT_NE(messageOf("CRYST1   10.000   10.000   10.000  90.00  90.00 180.00 P 1           1\n").find("angle"),
              std::string::npos);
    EXPECT_NE(messageOf("MODEL        1\nATOM      1  N   MET A   1      38.296  20.158  39.260\n").find("no ENDMDL"),
              std::string::npos);
}

TEST(PdbReader, TruncatedAndCorruptedFilesThrow)
{
    const std::string full = kSmallPdb;
    // Cut inside any coordinate of any atom record of the first model.
    std::size_t lineStart = 0;
    for (int line = 0; line < 8; ++line) {
        const std::size_t next = full.find('\n', lineStart) + 1;
        if (full.compare(lineStart, 4, "ATOM") == 0 || full.compare(lineStart, 6, "HETATM") == 0) {
            for (std::size_t cut : {1u, 10u, 30u, 35u, 45u, 53u}) {
                SCOPED_TRACE(testing::Message() << "line " << line + 1 << " cut " << cut);
                EXPECT_THROW(parsePdb(full.substr(0, lineStart + cut), "cut.pdb"), InputError);
                std::string bad = full;
                bad[lineStart + 30 + cut % 24] = '#';
                EXPECT_THROW(parsePdb(bad, "bad.pdb"), InputError);
            }
        }
        lineStart = next;
    }
    // Cut at any line end inside the first model.
    lineStart = 0;
    for (int line = 0; line < 9; ++line) {
        lineStart = full.find('\n', lineStart) + 1;
        if (line >= 2) {
            EXPECT_THROW(parsePdb(full.substr(0, lineStart), "cut.pdb"), InputError) << "after line " << line + 1;
        }
    }
    // Any byte anywhere: a clean InputError or a consistent frame.
    unsigned seed = 99;
    for (int trial = 0; trial < 2000; ++trial) {
        seed = seed * 1103515245u + 12345u;
        std::string bad = full;
        bad[(seed >> 8) % bad.size()] = static_cast<char>((seed >> 20) & 0xff);
        try {
            const CoordinateFrame f = parsePdb(bad, "bad.pdb");
            EXPECT_EQ(f.positions.size(), f.atoms.size());
        } catch (const InputError&) {
        }
    }
}

} // namespace
} // namespace proteinmd

namespace proteinmd {
namespace {

// The fuzzers' seed files must be valid inputs, or the fuzzers start from error paths only.
TEST(FuzzSeeds, CoordinateSeedsParse)
{
    const auto corpus = test::sourceDir() / "tests" / "fuzz" / "corpus";
    const CoordinateFrame hybrid = readPdb(corpus / "pdb" / "hybrid36_altloc.pdb");
    ASSERT_EQ(hybrid.numAtoms(), 2);
    EXPECT_EQ(hybrid.atoms[0].serial, 100000);
    EXPECT_EQ(hybrid.atoms[0].residueNumber, 10000);
    EXPECT_EQ(hybrid.atoms[1].serial, 100002) << "\"*****\" numbered on from the dropped altLoc record A0001";
    EXPECT_EQ(readPdb(corpus / "pdb" / "ala2_vacuum.pdb").numAtoms(), 22);
    const CoordinateFrame tric = readGro(corpus / "gro" / "triclinic_velocities.gro");
    EXPECT_EQ(tric.velocities.size(), 3u);
    EXPECT_FALSE(tric.box.isRectangular());
    EXPECT_EQ(readGro(corpus / "gro" / "ala2_vacuum.gro").numAtoms(), 22);
}

} // namespace
} // namespace proteinmd

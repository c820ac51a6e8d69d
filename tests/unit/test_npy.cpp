// .npy float64 arrays: the team's reference positions against system.gro, round trips, and the
// formats that must be refused.

#include <gtest/gtest.h>

#include <fstream>

#include "proteinmd/core/error.h"
#include "proteinmd/io/gro.h"
#include "proteinmd/io/npy.h"
#include "test_support/test_paths.h"

namespace proteinmd {
namespace {

TEST(Npy, SharedPositionsMatchTheGroFile)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    for (const char* name : {"ala2_vacuum", "ala2_solvated", "dhfr_vacuum"}) {
        SCOPED_TRACE(name);
        std::vector<std::size_t> shape;
        const std::vector<double> values = readNpy(test::benchmarkDir(name) / "positions.npy", shape);
        const CoordinateFrame gro = readGro(test::benchmarkDir(name) / "system.gro");
        ASSERT_EQ(shape, (std::vector<std::size_t>{static_cast<std::size_t>(gro.numAtoms()), 3}));
        for (int i = 0; i < gro.numAtoms(); ++i) {
            for (int d = 0; d < 3; ++d) {
                EXPECT_NEAR(values[static_cast<std::size_t>(3 * i + d)], gro.positions[i][d], 5e-5);
            }
        }
    }
    std::vector<std::size_t> shape;
    EXPECT_EQ(readNpy(test::benchmarkDir("ala2_vacuum") / "positions.npy", shape).size(), 66u);
    EXPECT_EQ(shape, (std::vector<std::size_t>{22, 3}));
}

TEST(Npy, RoundTripIsBitExact)
{
    const std::vector<Vec3> rows = {{1.0, -2.5, 3.25}, {1e-300, 6.02214076e23, -0.0}, {0.1, 0.2, 0.3}};
    const auto path = test::scratchDir("npy") / "rows.npy";
    writeNpy(path, rows);
    std::vector<std::size_t> shape;
    const std::vector<double> values = readNpy(path, shape);
    ASSERT_EQ(shape, (std::vector<std::size_t>{3, 3}));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (int d = 0; d < 3; ++d) {
            EXPECT_EQ(values[3 * i + static_cast<std::size_t>(d)], rows[i][d]);
        }
    }
    // Header padded so the data starts on a 64-byte boundary, as numpy writes it.
    EXPECT_EQ((std::filesystem::file_size(path) - 9 * sizeof(double)) % 64, 0u);
    writeNpy(path, {});
    EXPECT_TRUE(readNpy(path, shape).empty());
    EXPECT_EQ(shape, (std::vector<std::size_t>{0, 3}));
}

void writeBytes(const std::filesystem::path& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

std::string npyWithHeader(const std::string& dict, std::size_t dataBytes)
{
    std::string header = dict;
    while ((10 + header.size() + 1) % 64 != 0) {
        header += ' ';
    }
    header += '\n';
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\x00';
    bytes += static_cast<char>(header.size() & 0xff);
    bytes += static_cast<char>(header.size() >> 8);
    bytes += header;
    bytes.append(dataBytes, '\0');
    return bytes;
}

TEST(Npy, RefusesOtherFormats)
{
    const auto dir = test::scratchDir("npy_bad");
    std::vector<std::size_t> shape;
    auto expectError = [&](const std::string& bytes, const char* fragment) {
        writeBytes(dir / "bad.npy", bytes);
        try {
            readNpy(dir / "bad.npy", shape);
            ADD_FAILURE() << "expected InputError for " << fragment;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        }
    };
    expectError(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24), "dtype");
    expectError(npyWithHeader("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }", 48), "dtype");
    expectError(npyWithHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }", 48), "dtype");
    expectError(npyWithHeader("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", 48), "fortran_order");
    expectError(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 40), "48");
    expectError(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }", 48), "shape");
    expectError(npyWithHeader("{'descr': '<f8', 'fortran_order': False}", 8), "shape");
    expectError("PK\x03\x04 not numpy", "magic");
    expectError("", "magic");
    // A valid file cut anywhere is refused.
    const std::string good = npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 48);
    writeBytes(dir / "good.npy", good);
    EXPECT_EQ(readNpy(dir / "good.npy", shape).size(), 6u);
    for (std::size_t cut = 0; cut < good.size(); cut += 7) {
        writeBytes(dir / "cut.npy", good.substr(0, cut));
        EXPECT_THROW(readNpy(dir / "cut.npy", shape), InputError) << cut;
    }
    EXPECT_THROW(readNpy(dir / "missing.npy", shape), InputError);
}

} // namespace
} // namespace proteinmd

// energy.csv: header with the system's terms, full-precision values that parse back exactly,
// append with header check and cut partial line, write failure.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "proteinmd/core/error.h"
#include "proteinmd/io/energy_csv.h"
#include "test_support/test_paths.h"
#include "unit/trajectory_test_frames.h"

using namespace proteinmd;
namespace fs = std::filesystem;

namespace {

EnergyRecord record(int k)
{
    EnergyRecord r;
    r.step = 100 * k;
    r.timePs = 0.2 * k;
    r.potential = -12345.678901234567 + k / 3.0;
    r.kinetic = 2345.1 + 1e-9 * k;
    r.total = r.potential + r.kinetic;
    r.conserved = r.total + 0.1;
    r.temperature = 300.0 + 1.0 / 7.0;
    r.pressure = std::nan("");
    r.volume = 27.0001;
    r.density = 1000.5;
    r.terms.add(EnergyTerm::Bond, 10.0 / 3.0 + k);
    r.terms.add(EnergyTerm::CoulombRecip, -1e-17 * (k + 1));
    return r;
}

std::vector<std::string> lines(const fs::path& path)
{
    std::istringstream in(test::readBytes(path));
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

} // namespace

TEST(EnergyCsv, HeaderAndExactValues)
{
    const auto terms = EnergyCsvWriter::presentTerms(record(0).terms);
    ASSERT_EQ(terms.size(), 2u);
    const fs::path path = test::scratchDir("energy_csv") / "energy.csv";
    {
        EnergyCsvWriter writer(path, terms);
        writer.write(record(0));
        writer.write(record(1));
    }
    const auto rows = lines(path);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], "step,time_ps,potential,kinetic,total,conserved,temperature,pressure,volume,density,bond,"
                       "coulomb_recip");
    std::vector<std::string> fields;
    std::istringstream row(rows[2]);
    for (std::string f; std::getline(row, f, ',');) {
        fields.push_back(f);
    }
    ASSERT_EQ(fields.size(), 12u);
    const EnergyRecord r = record(1);
    EXPECT_EQ(fields[0], "100");
    EXPECT_EQ(std::stod(fields[2]), r.potential); // round trip is exact
    EXPECT_EQ(std::stod(fields[3]), r.kinetic);
    EXPECT_EQ(std::stod(fields[6]), r.temperature);
    EXPECT_EQ(fields[7], "nan");
    EXPECT_EQ(std::stod(fields[10]), r.terms[EnergyTerm::Bond]);
    EXPECT_EQ(std::stod(fields[11]), r.terms[EnergyTerm::CoulombRecip]);
}

TEST(EnergyCsv, AppendChecksHeaderAndCutsPartialLine)
{
    const auto terms = EnergyCsvWriter::presentTerms(record(0).terms);
    const fs::path path = test::scratchDir("energy_csv_append") / "energy.csv";
    {
        EnergyCsvWriter writer(path, terms);
        writer.write(record(0));
        writer.write(record(1));
    }
    const std::string complete = test::readBytes(path);
    std::ofstream(path, std::ios::app) << "200,0.4,-1234"; // crash mid-row
    {
        EnergyCsvWriter writer(path, terms, /*append=*/true);
        EXPECT_EQ(writer.bytesWritten(), complete.size());
        writer.write(record(2));
    }
    const auto rows = lines(path);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[3].substr(0, 8), "200,0.4,");
    EXPECT_EQ(test::readBytes(path).substr(0, complete.size()), complete);
    try {
        EnergyCsvWriter other(path, {EnergyTerm::Angle}, true);
        FAIL() << "header mismatch not detected";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("angle"), std::string::npos) << e.what();
    }
}

TEST(EnergyCsv, WriteFailureIsReported)
{
    EnergyCsvWriter writer("/dev/full", {});
    writer.write(record(0));
    EXPECT_THROW(writer.close(), Error);
}

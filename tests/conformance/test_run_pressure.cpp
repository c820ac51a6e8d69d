// The pressure proteinmd run writes to energy.csv, P = 2/(3V) (Ekin - tr Xi) * PRESFAC, against gmx_d's
// Pressure on GROMACS's own kinetic energy and virial for 10 leap-frog steps of ala2_solvated
// (tests/refdata/leapfrog_ala2: energies.json and pressure.json, generate_pressure.sh). That the
// kinetic energy and the virial themselves match gmx_d is test_leapfrog_gromacs.cpp's job.

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "proteinmd/core/box.h"
#include "proteinmd/simulation/thermodynamics.h"
#include "test_support/test_paths.h"

namespace proteinmd {
namespace {

nlohmann::json readJson(const std::filesystem::path& path)
{
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

TEST(RunPressure, MatchesGromacsOnItsOwnKineticEnergyAndVirial)
{
    const auto dir = test::refdataDir() / "leapfrog_ala2";
    const nlohmann::json energies = readJson(dir / "energies.json");
    const nlohmann::json pressure = readJson(dir / "pressure.json");
    const auto& b = pressure["box"];
    const double volume = Box::rectangular(b[0], b[1], b[2]).volume();
    const auto& steps = energies["steps"];
    ASSERT_EQ(steps.size(), pressure["pressure_bar"].size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
        Matrix3 virial{};
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 3; ++c) {
                virial[r][c] = steps[i]["virial"][static_cast<std::size_t>(3 * r + c)].get<double>();
            }
        }
        const double expected = pressure["pressure_bar"][i].get<double>();
        // gmx energy prints the box to 5 decimals: ~1e-6 bar of the difference is that rounding.
        EXPECT_NEAR(pressureBar(steps[i]["kinetic"].get<double>(), virial, volume), expected, 1e-5) << "step " << i;
    }
}

} // namespace
} // namespace proteinmd

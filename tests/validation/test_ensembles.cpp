// Ensemble validation on a 216-TIP3P water box (tests/refdata/npt_water) with the reference backend:
//  - NVT: mean temperature within 1% of ref-t and the kinetic-energy variance consistent with the
//    canonical 1/2 ndf (kT)^2, for v-rescale, Nose-Hoover (leap-frog) and sd (PROTEINMD_LONG_TESTS=1);
//  - NPT with C-rescale: the density within 1% of GROMACS 2022's on the same system and settings
//    (tests/refdata/npt_water/density.json, from run_gromacs.sh) (PROTEINMD_LONG_TESTS=1);
//  - always: a short NPT run through makeDynamics (the .mdp path `proteinmd run` takes) keeps the
//    density and pressure sane and the waters rigid.
// Each long run takes minutes (~10 ms per step on the reference backend).

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support/test_paths.h"
#include "test_support/water_box.h"

#include "proteinmd/backends/reference_force_field.h"
#include "proteinmd/core/units.h"
#include "proteinmd/integrators/barostat.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/thermostat.h"

using namespace proteinmd;

namespace {

bool longTests()
{
    const char* flag = std::getenv("PROTEINMD_LONG_TESTS");
    return flag != nullptr && std::string(flag) == "1";
}

#define PROTEINMD_REQUIRE_LONG_TESTS()                                                                                 \
    do {                                                                                                               \
        if (!longTests()) {                                                                                            \
            GTEST_SKIP() << "long validation run: set PROTEINMD_LONG_TESTS=1";                                         \
        }                                                                                                              \
    } while (0)

struct RunSeries {
    std::vector<double> kinetic, temperature, density, pressure, conserved;
    int degreesOfFreedom = 0;
    double maxSettleDeviation = 0;
};

RunSeries runWater(const std::string& mdp, const std::string& name, int steps, int discard)
{
    SimulationInputs in = test::loadWaterBox(mdp, name);
    const Constraints constraints(in.system, &in.topology, constraintOptions(in.mdp));
    prepareStartingState(in.system, in.mdp, &constraints, in.state);
    ReferenceForceField forceField(in.system, in.mdp.nonbonded, in.state.box);
    const ForceFunction forces = [&](std::span<const Vec3> x, const Box& box, ForceOutput& out) {
        forceField.compute(x, box, out);
    };
    Dynamics dynamics = makeDynamics(in.mdp, in.system, in.topology, in.state, forces, &constraints, in.diagnostics);
    double mass = 0;
    for (double m : in.system.masses) {
        mass += m;
    }
    RunSeries series;
    series.degreesOfFreedom = dynamics.integrator->degreesOfFreedom();
    for (int s = 0; s < steps; ++s) {
        const StepEnergies e = dynamics.integrator->step(in.state);
        if (s >= discard) {
            series.kinetic.push_back(e.kinetic);
            series.temperature.push_back(e.temperature);
            series.density.push_back(test::densityKgPerM3(mass, e.volume));
            series.pressure.push_back(e.pressure);
            series.conserved.push_back(e.conserved);
        }
    }
    series.maxSettleDeviation = constraints.maxRelativeDeviation(in.state.positions, in.state.box);
    return series;
}

double mean(const std::vector<double>& v)
{
    double sum = 0;
    for (double x : v) {
        sum += x;
    }
    return sum / static_cast<double>(v.size());
}

// Standard error of the mean by blocking (20 blocks), robust to correlation.
double blockError(const std::vector<double>& v)
{
    const std::size_t blocks = 20, size = v.size() / blocks;
    std::vector<double> means;
    for (std::size_t b = 0; b < blocks; ++b) {
        means.push_back(mean(std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(b * size),
                                                 v.begin() + static_cast<std::ptrdiff_t>((b + 1) * size))));
    }
    const double m = mean(means);
    double var = 0;
    for (double x : means) {
        var += (x - m) * (x - m);
    }
    return std::sqrt(var / (blocks * (blocks - 1)));
}

std::string nvtMdp(const std::string& integrator, const std::string& tcoupl)
{
    std::string mdp = test::waterBoxMdp();
    mdp = test::withMdpValue(mdp, "integrator", integrator);
    mdp = test::withMdpValue(mdp, "tcoupl", tcoupl);
    mdp = test::withMdpValue(mdp, "tau-t", "0.1");
    mdp = test::withMdpValue(mdp, "pcoupl", "no");
    mdp = test::withMdpValue(mdp, "nsttcouple", "1");
    return mdp;
}

class NvtWater : public ::testing::TestWithParam<std::array<const char*, 2>> {};

TEST_P(NvtWater, MeanTemperatureAndCanonicalKineticEnergyVariance)
{
    PROTEINMD_REQUIRE_LONG_TESTS();
    const auto [integrator, tcoupl] = GetParam();
    const RunSeries run = runWater(nvtMdp(integrator, tcoupl), std::string("nvt_") + integrator + tcoupl, 10000, 1000);
    const double kT = units::kBoltzmann * 300.0;
    const double meanT = mean(run.temperature), errT = blockError(run.temperature);
    const double k = mean(run.kinetic);
    double var = 0;
    for (double x : run.kinetic) {
        var += (x - k) * (x - k) / static_cast<double>(run.kinetic.size());
    }
    const double varianceRatio = var / (0.5 * run.degreesOfFreedom * kT * kT);
    std::printf("NVT water %s/%s, 18 ps: <T> %.2f +- %.2f K (target 300), var(K)/canonical %.3f, ndf %d\n", integrator,
                tcoupl, meanT, errT, varianceRatio, run.degreesOfFreedom);
    EXPECT_NEAR(meanT, 300.0, 3.0);
    EXPECT_NEAR(varianceRatio, 1.0, 0.2);
    EXPECT_LT(run.maxSettleDeviation, 1e-8);
}

INSTANTIATE_TEST_SUITE_P(Thermostats, NvtWater,
                         ::testing::Values(std::array<const char*, 2>{"md", "v-rescale"},
                                           std::array<const char*, 2>{"md", "nose-hoover"},
                                           std::array<const char*, 2>{"sd", "no"}),
                         [](const auto& p) {
                             return std::string(p.param[0]) + "_" +
                                    (std::string(p.param[1]) == "nose-hoover" ? "nosehoover"
                                     : std::string(p.param[1]) == "v-rescale" ? "vrescale"
                                                                              : "friction");
                         });

TEST(NptWater, CRescaleDensityMatchesGromacs)
{
    PROTEINMD_REQUIRE_LONG_TESTS();
    std::ifstream file(test::refdataDir() / "npt_water" / "density.json");
    const nlohmann::json reference = nlohmann::json::parse(file);
    const double gromacs = reference.at("density_kg_m3").get<double>();
    const double gromacsError = reference.at("standard_error_kg_m3").get<double>();
    // 60 ps at 2 fs, the first 10 ps discarded (GROMACS: 300 ps, 50 discarded).
    const RunSeries run = runWater(test::waterBoxMdp(), "npt_water", 30000, 5000);
    const double density = mean(run.density), error = blockError(run.density);
    std::printf("NPT water C-rescale 50 ps: density %.2f +- %.2f kg/m^3 (GROMACS %.2f +- %.2f), <P> %.1f +- %.1f bar, "
                "<T> %.2f K\n",
                density, error, gromacs, gromacsError, mean(run.pressure), blockError(run.pressure),
                mean(run.temperature));
    EXPECT_NEAR(density, gromacs, 0.01 * gromacs);
}

TEST(NptWater, ShortCRescaleRunThroughMakeDynamics)
{
    const RunSeries run = runWater(test::withMdpValue(test::waterBoxMdp(), "nstpcouple", "5"), "npt_short", 60, 0);
    const double density = mean(run.density);
    std::printf("NPT water 60 steps: density %.2f kg/m^3, first P %.1f bar, <T> %.1f K\n", density,
                run.pressure.front(), mean(run.temperature));
    EXPECT_GT(density, 940.0);
    EXPECT_LT(density, 1040.0);
    EXPECT_NE(run.density.front(), run.density.back()); // the box was rescaled
    for (double p : run.pressure) {
        EXPECT_LT(std::abs(p), 5000.0);
    }
    EXPECT_LT(run.maxSettleDeviation, 1e-8);
}

} // namespace

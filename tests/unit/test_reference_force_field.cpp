// How the reference force field sets up long-range electrostatics from the run parameters:
// GROMACS's rules by default (beta from ewald-rtol, grid from fourierspacing), OpenMM's when the
// user gives an ewald-error-tolerance, explicit grids winning over both; and cut-off checks.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "proteinmd/backends/reference_force_field.h"
#include "proteinmd/core/error.h"
#include "proteinmd/forces/pme.h"
#include "proteinmd/io/simulation_inputs.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

SimulationInputs loadAla2WithMdp(const std::string& mdpText)
{
    // One folder per test: ctest runs the tests of this file as parallel processes, and
    // scratchDir() empties the folder it returns.
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    const auto dir = test::scratchDir("reference_force_field_" + test);
    const auto mdp = dir / "run.mdp";
    std::ofstream(mdp) << mdpText;
    const auto shared = test::benchmarkDir("ala2_solvated");
    return loadGromacsInputs(InputFiles{shared / "system.top", shared / "system.gro", mdp, {}, {}});
}

TEST(ReferenceForceField, GromacsRulesByDefault)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = loadAla2WithMdp("coulombtype = PME\nrcoulomb = 0.9\nrvdw = 0.9\n");
    ReferenceForceField ff(in.system, in.mdp.nonbonded, in.state.box);
    ASSERT_TRUE(ff.ewaldSetup().has_value());
    EXPECT_NEAR(ff.ewaldSetup()->coefficient, 3.4704591937120828, 1e-12);
    EXPECT_EQ(ff.ewaldSetup()->grid, (std::array<int, 3>{28, 28, 28})); // what grompp chooses
    EXPECT_EQ(ff.ewaldSetup()->order, 4);
}

TEST(ReferenceForceField, OpenmmRulesForAnEwaldErrorTolerance)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = loadAla2WithMdp("coulombtype = PME\nrcoulomb = 0.9\nrvdw = 0.9\newald-error-tolerance = 5e-4\n");
    ReferenceForceField ff(in.system, in.mdp.nonbonded, in.state.box);
    const PmeParameters openmm = openmmPmeParameters(in.state.box, 0.9, 5e-4);
    ASSERT_TRUE(ff.ewaldSetup().has_value());
    EXPECT_DOUBLE_EQ(ff.ewaldSetup()->coefficient, std::sqrt(-std::log(2 * 5e-4)) / 0.9);
    EXPECT_EQ(ff.ewaldSetup()->grid, openmm.grid);
    EXPECT_EQ(ff.ewaldSetup()->order, 5);
    // OpenMM: nx = ceil(2 alpha Lx / (3 delta^(1/5))) for Lx = 3.2853 nm.
    EXPECT_EQ(ff.ewaldSetup()->grid[0],
              static_cast<int>(std::ceil(2 * ff.ewaldSetup()->coefficient * 3.2853 / (3 * std::pow(5e-4, 0.2)))));
    ForceOutput out;
    ff.compute(in.state.positions, in.state.box, out);
    EXPECT_TRUE(std::isfinite(out.energies.total()));
}

TEST(ReferenceForceField, ExplicitGridWins)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = loadAla2WithMdp(
        "coulombtype = PME\nrcoulomb = 0.9\nrvdw = 0.9\nfourier-nx = 32\nfourier-ny = 30\nfourier-nz = 36\n");
    ReferenceForceField ff(in.system, in.mdp.nonbonded, in.state.box);
    EXPECT_EQ(ff.ewaldSetup()->grid, (std::array<int, 3>{32, 30, 36}));
}

TEST(ReferenceForceField, CutoffLongerThanHalfTheBoxIsRefused)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    SimulationInputs in = loadAla2WithMdp("coulombtype = Cut-off\nrcoulomb = 1.7\nrvdw = 1.7\n");
    try {
        ReferenceForceField ff(in.system, in.mdp.nonbonded, in.state.box);
        FAIL() << "a 1.7 nm cut-off in a 3.19 nm box must be refused";
    } catch (const SetupError& e) {
        EXPECT_NE(std::string(e.what()).find("1.7000"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("1.5928"), std::string::npos) << e.what();
    }
}

} // namespace

// Steepest descent: converges on a toy potential with a known minimum, and on ala2_vacuum lowers the
// energy until Fmax < emtol, reporting the Fmax and atom that an independent evaluation confirms,
// along the same path as gmx_d's steep (same step count, energy and Fmax).

#include <gtest/gtest.h>

#include "proteinmd/backends/reference_force_field.h"
#include "proteinmd/integrators/steepest_descent.h"
#include "proteinmd/io/simulation_inputs.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

TEST(SteepestDescent, FindsTheMinimumOfAnAnisotropicHarmonicWell)
{
    System system;
    system.masses = {1.0, 2.0};
    const Vec3 k{100, 1000, 5000};
    const std::array<Vec3, 2> centre{Vec3{1, 2, 3}, Vec3{-1, 0.5, 0}};
    ForceFunction forces = [&](std::span<const Vec3> x, const Box&, ForceOutput& out) {
        out.reset(static_cast<int>(x.size()));
        double energy = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            for (int d = 0; d < 3; ++d) {
                const double dx = x[i][d] - centre[i][d];
                out.forces[i][d] = -k[d] * dx;
                energy += 0.5 * k[d] * dx * dx;
            }
        }
        out.energies.add(EnergyTerm::Bond, energy);
    };
    State state;
    state.positions = {Vec3{1.3, 2.1, 2.9}, Vec3{-1.2, 0.4, 0.05}};
    const MinimizationResult r = minimizeSteepestDescent(system, forces, nullptr, state, SteepestDescentOptions{0.01, 0.01, 10000});
    EXPECT_TRUE(r.converged) << r.stopReason;
    EXPECT_LT(r.maxForce, 0.01);
    for (std::size_t i = 0; i < 2; ++i) {
        for (int d = 0; d < 3; ++d) { EXPECT_NEAR(state.positions[i][d], centre[i][d], 1e-4); }
    }
    EXPECT_LT(r.accepted, r.steps + 1);
}

TEST(SteepestDescent, Ala2VacuumReachesEmtolAndReportsFmaxAtom)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto dir = test::benchmarkDir("ala2_vacuum");
    SimulationInputs in = loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", dir / "energy.mdp", {}, {}});
    ReferenceForceField forceField(in.system, in.mdp.nonbonded, in.state.box);
    ForceFunction forces = [&](std::span<const Vec3> x, const Box& box, ForceOutput& out) { forceField.compute(x, box, out); };
    ForceOutput before;
    forces(in.state.positions, in.state.box, before);
    const MinimizationResult r =
        minimizeSteepestDescent(in.system, forces, nullptr, in.state, SteepestDescentOptions{100.0, 0.01, 5000});
    EXPECT_TRUE(r.converged) << r.stopReason << " Fmax " << r.maxForce;
    EXPECT_LT(r.potential, before.energies.total());
    ForceOutput after;
    forces(in.state.positions, in.state.box, after);
    EXPECT_NEAR(r.potential, after.energies.total(), 1e-9);
    double fmax = 0;
    int atom = -1;
    for (std::size_t i = 0; i < after.forces.size(); ++i) {
        if (norm(after.forces[i]) > fmax) {
            fmax = norm(after.forces[i]);
            atom = static_cast<int>(i);
        }
    }
    EXPECT_NEAR(r.maxForce, fmax, 1e-9);
    EXPECT_EQ(r.maxForceAtom, atom);
    EXPECT_LT(r.maxForce, 100.0);
    // gmx_d 2022.5 on the same input (energy.mdp with integrator = steep, emtol = 100, emstep = 0.01,
    // nsteps = 5000): "converged to Fmax < 100 in 101 steps" (it counts the first evaluation),
    // Potential Energy = -7.83747123920320e+01, Maximum force = 9.68587295215368e+01 on atom 6.
    EXPECT_EQ(r.steps, 100);
    EXPECT_NEAR(r.potential, -78.3747123920320, 1e-6);
    EXPECT_NEAR(r.maxForce, 96.8587295215368, 2e-4); // forces agree with gmx_d to ~1e-6 relative
    EXPECT_EQ(r.maxForceAtom, 5);
    std::printf("ala2 vacuum steep: %lld steps (%lld accepted), Epot %.3f -> %.3f, Fmax %.2f on %s\n",
                static_cast<long long>(r.steps), static_cast<long long>(r.accepted), before.energies.total(),
                r.potential, r.maxForce, in.topology.describeAtom(r.maxForceAtom).c_str());
}

} // namespace

// L-BFGS minimisation: alanine dipeptide in vacuum (reference force field) reaches Fmax < 10 kJ/mol/nm in
// fewer force evaluations than steepest descent, lowers the energy monotonically to the same
// minimum region, and refuses constrained systems as GROMACS does.

#include <gtest/gtest.h>

#include "test_support/test_paths.h"

#include "proteinmd/backends/reference_force_field.h"
#include "proteinmd/integrators/lbfgs.h"
#include "proteinmd/integrators/steepest_descent.h"
#include "proteinmd/io/simulation_inputs.h"

using namespace proteinmd;

namespace {

TEST(Lbfgs, DipeptideConvergesInFewerEvaluationsThanSteepestDescent)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto dir = test::benchmarkDir("ala2_vacuum");
    SimulationInputs in = loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", {}, {}, {}});
    ASSERT_TRUE(in.system.constraints.empty());
    ReferenceForceField forceField(in.system, in.mdp.nonbonded, in.state.box);
    const ForceFunction forces = [&](std::span<const Vec3> x, const Box& box, ForceOutput& out) {
        forceField.compute(x, box, out);
    };
    ForceOutput start;
    forces(in.state.positions, in.state.box, start);

    State lbfgsState = in.state;
    LbfgsOptions lo;
    lo.emtol = 10.0;
    lo.maxSteps = 5000;
    const MinimizationResult lbfgs = minimizeLbfgs(in.system, forces, lbfgsState, lo);
    State sdState = in.state;
    SteepestDescentOptions so;
    so.emtol = 10.0;
    so.maxSteps = 20000;
    const MinimizationResult sd = minimizeSteepestDescent(in.system, forces, nullptr, sdState, so);
    std::printf(
        "ala2 vacuum to Fmax < 10: l-bfgs %lld evaluations (%s, E %.4f), steep %lld (%s, E %.4f); start E %.4f\n",
        static_cast<long long>(lbfgs.evaluations), lbfgs.stopReason.c_str(), lbfgs.potential,
        static_cast<long long>(sd.evaluations), sd.stopReason.c_str(), sd.potential, start.energies.total());
    EXPECT_TRUE(lbfgs.converged) << lbfgs.stopReason;
    EXPECT_LT(lbfgs.maxForce, 10.0);
    EXPECT_LT(lbfgs.potential, start.energies.total());
    EXPECT_LT(lbfgs.evaluations, sd.evaluations);
    // The reported Fmax and its atom belong to the returned positions.
    ForceOutput check;
    forces(lbfgsState.positions, lbfgsState.box, check);
    EXPECT_NEAR(norm(check.forces[static_cast<std::size_t>(lbfgs.maxForceAtom)]), lbfgs.maxForce, 1e-9);
    EXPECT_NEAR(check.energies.total(), lbfgs.potential, 1e-9);
}

TEST(Lbfgs, RefusesConstraintsAndBadOptions)
{
    System system;
    system.masses = {1, 1};
    system.constraints = {DistanceConstraint{{0, 1}, 0.1}};
    State state;
    state.positions = {Vec3{}, Vec3{0.1, 0, 0}};
    const ForceFunction none = [](std::span<const Vec3> x, const Box&, ForceOutput& out) {
        out.reset(static_cast<int>(x.size()));
    };
    EXPECT_THROW(minimizeLbfgs(system, none, state, LbfgsOptions{}), SetupError);
    system.constraints.clear();
    LbfgsOptions bad;
    bad.corrections = 0;
    EXPECT_THROW(minimizeLbfgs(system, none, state, bad), SetupError);
    const MinimizationResult flat = minimizeLbfgs(system, none, state, LbfgsOptions{});
    EXPECT_TRUE(flat.converged); // zero force: done at once
    EXPECT_EQ(flat.evaluations, 1);
}

} // namespace

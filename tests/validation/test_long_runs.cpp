// Long validation runs (PROTEINMD_LONG_TESTS=1), run once per change of the integrators:
//  - NVE energy drift of ala2_solvated with md-vv, SETTLE + h-bond SHAKE, 2 fs, PME with
//    potential-shift modifiers, 20 ps, in kJ/mol/ns/atom;
//  - minimisation of DHFR (dhfr_vacuum, 2489 atoms) to Fmax < 1000 and < 100 kJ/mol/nm by steepest
//    descent and by L-BFGS, with their force-evaluation counts (L-BFGS refuses the rigid waters of the
//    solvated dhfr, as GROMACS's does).

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "test_support/test_paths.h"

#include "proteinmd/backends/reference_force_field.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/lbfgs.h"
#include "proteinmd/integrators/steepest_descent.h"
#include "proteinmd/io/simulation_inputs.h"

using namespace proteinmd;

namespace {

bool longTests()
{
    const char* flag = std::getenv("PROTEINMD_LONG_TESTS");
    return flag != nullptr && std::string(flag) == "1";
}

TEST(LongNve, SolvatedDipeptideDriftWithMdVvSettleShakePme)
{
    if (!longTests()) {
        GTEST_SKIP() << "long validation run: set PROTEINMD_LONG_TESTS=1";
    }
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto dir = test::benchmarkDir("ala2_solvated");
    const auto scratch = test::scratchDir("long_nve");
    std::ofstream(scratch / "nve.mdp")
        << "integrator = md-vv\ndt = 0.002\nnsteps = 10000\ncutoff-scheme = Verlet\npbc = xyz\n"
           "coulombtype = PME\nrcoulomb = 0.9\nvdwtype = Cut-off\nrvdw = 0.9\ncoulomb-modifier = Potential-shift\n"
           "vdw-modifier = Potential-shift\nDispCorr = no\nfourierspacing = 0.12\npme-order = 4\newald-rtol = 1e-5\n"
           "tcoupl = no\npcoupl = no\nconstraints = h-bonds\nconstraint-algorithm = shake\nshake-tol = 1e-12\n"
           "gen-vel = yes\ngen-temp = 300\ngen-seed = 1234\ncontinuation = no\ncomm-mode = linear\nnstcomm = 100\n";
    SimulationInputs in =
        loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", scratch / "nve.mdp", {}, {}});
    const Constraints constraints(in.system, &in.topology, constraintOptions(in.mdp));
    prepareStartingState(in.system, in.mdp, &constraints, in.state);
    ReferenceForceField forceField(in.system, in.mdp.nonbonded, in.state.box);
    auto integrator = makeIntegrator(
        in.mdp, in.system,
        [&](std::span<const Vec3> x, const Box& box, ForceOutput& out) { forceField.compute(x, box, out); },
        &constraints);
    std::vector<double> t, e;
    double kinetic = 0;
    const int steps = 10000;
    for (int s = 0; s < steps; ++s) {
        const StepEnergies energies = integrator->step(in.state);
        t.push_back(energies.time);
        e.push_back(energies.conserved);
        kinetic += energies.kinetic / steps;
    }
    double mt = 0, me = 0;
    for (std::size_t s = 0; s < t.size(); ++s) {
        mt += t[s] / steps;
        me += e[s] / steps;
    }
    double stt = 0, ste = 0, see = 0;
    for (std::size_t s = 0; s < t.size(); ++s) {
        stt += (t[s] - mt) * (t[s] - mt);
        ste += (t[s] - mt) * (e[s] - me);
        see += (e[s] - me) * (e[s] - me);
    }
    const double slope = ste / stt; // kJ/mol/ps
    const double atoms = in.system.numAtoms();
    std::printf("ala2_solvated NVE md-vv 2 fs SETTLE+SHAKE PME, 20 ps: drift %.3e kJ/mol/ps = %.3e kJ/mol/ns/atom, "
                "rms(Econs) %.3f kJ/mol, <Ekin> %.1f kJ/mol\n",
                slope, slope * 1000 / atoms, std::sqrt(see / steps), kinetic);
    EXPECT_LT(std::abs(slope * 1000 / atoms), 0.1); // kJ/mol/ns/atom
}

TEST(LongMinimization, DhfrReachesFmaxBelow1000WithLbfgsInFewerEvaluations)
{
    if (!longTests()) {
        GTEST_SKIP() << "long validation run: set PROTEINMD_LONG_TESTS=1";
    }
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto dir = test::benchmarkDir("dhfr_vacuum");
    SimulationInputs in = loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", {}, {}, {}});
    ReferenceForceField forceField(in.system, in.mdp.nonbonded, in.state.box);
    const ForceFunction forces = [&](std::span<const Vec3> x, const Box& box, ForceOutput& out) {
        forceField.compute(x, box, out);
    };
    State sdState = in.state;
    SteepestDescentOptions so;
    so.emtol = 1000;
    so.maxSteps = 5000;
    const MinimizationResult sd = minimizeSteepestDescent(in.system, forces, nullptr, sdState, so);
    State lbfgsState = in.state;
    LbfgsOptions lo;
    lo.emtol = 1000;
    lo.maxSteps = 5000;
    const MinimizationResult lbfgs = minimizeLbfgs(in.system, forces, lbfgsState, lo);
    std::printf("dhfr_vacuum to Fmax < 1000: steep %lld evaluations (Fmax %.1f on atom %d, E %.1f, %s); "
                "l-bfgs %lld evaluations (Fmax %.1f on atom %d, E %.1f, %s)\n",
                static_cast<long long>(sd.evaluations), sd.maxForce, sd.maxForceAtom + 1, sd.potential,
                sd.stopReason.c_str(), static_cast<long long>(lbfgs.evaluations), lbfgs.maxForce,
                lbfgs.maxForceAtom + 1, lbfgs.potential, lbfgs.stopReason.c_str());
    EXPECT_TRUE(sd.converged);
    EXPECT_TRUE(lbfgs.converged);
    EXPECT_LT(lbfgs.evaluations, sd.evaluations);

    // The start is only ~3000 kJ/mol/nm, so Fmax < 1000 is quick for both; Fmax < 100 separates them.
    so.emtol = lo.emtol = 100;
    so.maxSteps = 2000;
    lo.maxSteps = 2000;
    State sdTight = in.state, lbfgsTight = in.state;
    const MinimizationResult sd100 = minimizeSteepestDescent(in.system, forces, nullptr, sdTight, so);
    const MinimizationResult lbfgs100 = minimizeLbfgs(in.system, forces, lbfgsTight, lo);
    std::printf("dhfr_vacuum to Fmax < 100: steep %lld evaluations (Fmax %.1f, E %.1f, %s); l-bfgs %lld evaluations "
                "(Fmax %.1f, E %.1f, %s)\n",
                static_cast<long long>(sd100.evaluations), sd100.maxForce, sd100.potential, sd100.stopReason.c_str(),
                static_cast<long long>(lbfgs100.evaluations), lbfgs100.maxForce, lbfgs100.potential,
                lbfgs100.stopReason.c_str());
    EXPECT_TRUE(lbfgs100.converged);
    EXPECT_LT(lbfgs100.evaluations, sd100.evaluations);
}

} // namespace

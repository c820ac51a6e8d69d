// Energy conservation of velocity Verlet (md-vv) with constraints, using the reference force field:
//  - alanine dipeptide in vacuum with h-bond constraints (SHAKE/RATTLE): the RMS fluctuation of the
//    conserved energy scales as dt^2 (ratio ~4 between dt and dt/2 over the same simulated time);
//  - ala2_solvated (PME, SETTLE for 749 waters + SHAKE): a short run conserves energy; the drift per
//    ns per atom is printed.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "proteinmd/backends/reference_force_field.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/io/simulation_inputs.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

struct RunStatistics {
    double rmsFluctuation = 0; // of the conserved energy about its mean (kJ/mol)
    double driftPerPs = 0;     // least-squares slope (kJ/mol/ps)
    double meanKinetic = 0;
};

RunStatistics runNve(const std::filesystem::path& top, const std::filesystem::path& gro, const std::string& mdpText,
                     const std::string& name, int steps)
{
    const auto dir = test::scratchDir(name);
    std::ofstream(dir / "run.mdp") << mdpText;
    SimulationInputs in = loadGromacsInputs(InputFiles{top, gro, dir / "run.mdp", {}, {}});
    const Constraints constraints(in.system, &in.topology, ConstraintOptions{1e-12, 1000});
    prepareStartingState(in.system, in.mdp, &constraints, in.state);
    ReferenceForceField forceField(in.system, in.mdp.nonbonded, in.state.box);
    auto integrator = makeVelocityVerlet(
        in.system, [&](std::span<const Vec3> x, const Box& box, ForceOutput& out) { forceField.compute(x, box, out); },
        &constraints, integratorOptions(in.mdp));
    std::vector<double> t, e;
    double kinetic = 0;
    for (int s = 0; s < steps; ++s) {
        const StepEnergies energies = integrator->step(in.state);
        t.push_back(energies.time);
        e.push_back(energies.conserved);
        kinetic += energies.kinetic / steps;
    }
    EXPECT_LT(constraints.maxRelativeDeviation(in.state.positions, in.state.box), 1e-10);
    EXPECT_LT(constraints.maxRelativeVelocityAlongBonds(in.state.positions, in.state.velocities, in.state.box), 1e-8);
    const double n = static_cast<double>(steps);
    double mt = 0, me = 0;
    for (int s = 0; s < steps; ++s) {
        mt += t[static_cast<std::size_t>(s)] / n;
        me += e[static_cast<std::size_t>(s)] / n;
    }
    double stt = 0, ste = 0, see = 0;
    for (int s = 0; s < steps; ++s) {
        const double dt = t[static_cast<std::size_t>(s)] - mt, de = e[static_cast<std::size_t>(s)] - me;
        stt += dt * dt;
        ste += dt * de;
        see += de * de;
    }
    return RunStatistics{std::sqrt(see / n), ste / stt, kinetic};
}

std::string vacuumMdp(double dt)
{
    std::ostringstream mdp;
    mdp << "integrator = md-vv\ndt = " << dt << "\ncutoff-scheme = Verlet\npbc = xyz\n"
        << "coulombtype = Cut-off\nrcoulomb = 10.0\nvdwtype = Cut-off\nrvdw = 10.0\n"
        << "coulomb-modifier = None\nvdw-modifier = None\nconstraints = h-bonds\nconstraint-algorithm = shake\n"
        << "gen-vel = yes\ngen-temp = 300\ngen-seed = 2024\ncontinuation = no\ncomm-mode = linear\nnstcomm = 1\n";
    return mdp.str();
}

TEST(NveConservation, ConservedEnergyFluctuationScalesAsDtSquared)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto dir = test::benchmarkDir("ala2_vacuum");
    const RunStatistics coarse = runNve(dir / "system.top", dir / "system.gro", vacuumMdp(0.001), "nve_dt1", 1000);
    const RunStatistics fine = runNve(dir / "system.top", dir / "system.gro", vacuumMdp(0.0005), "nve_dt05", 2000);
    const double ratio = coarse.rmsFluctuation / fine.rmsFluctuation;
    std::printf("ala2 vacuum md-vv 1 ps: rms(Econs) dt=1fs %.3e, dt=0.5fs %.3e kJ/mol, ratio %.2f; "
                "drift %.3e / %.3e kJ/mol/ps\n",
                coarse.rmsFluctuation, fine.rmsFluctuation, ratio, coarse.driftPerPs, fine.driftPerPs);
    EXPECT_GT(ratio, 3.2);
    EXPECT_LT(ratio, 4.8);
    EXPECT_LT(coarse.rmsFluctuation, 5e-3 * coarse.meanKinetic); // 0.25% seen at 1 fs, 300 K
}

TEST(NveConservation, SolvatedDipeptideWithSettleAndShake)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto dir = test::benchmarkDir("ala2_solvated");
    std::ifstream energyMdp(dir / "energy.mdp");
    std::stringstream text;
    text << energyMdp.rdbuf();
    std::string mdp = text.str();
    // energy.mdp's own integrator and continuation lines are replaced.
    for (const std::string key : {"integrator              = md\n", "continuation            = yes\n"}) {
        const auto at = mdp.find(key);
        EXPECT_NE(at, std::string::npos) << key;
        if (at != std::string::npos) {
            mdp.erase(at, key.size());
        }
    }
    mdp += "integrator = md-vv\ndt = 0.001\nconstraint-algorithm = shake\ngen-vel = yes\ngen-temp = 300\n"
           "gen-seed = 7\ncontinuation = no\ncomm-mode = linear\nnstcomm = 10\n";
    const int steps = 40;
    const RunStatistics stats = runNve(dir / "system.top", dir / "system.gro", mdp, "nve_solvated", steps);
    const double atoms = 2269;
    std::printf("ala2_solvated md-vv 1 fs x %d: rms(Econs) %.3e kJ/mol, drift %.3e kJ/mol/ps = %.3e kJ/mol/ns/atom, "
                "<Ekin> %.1f\n",
                steps, stats.rmsFluctuation, stats.driftPerPs, stats.driftPerPs * 1000 / atoms, stats.meanKinetic);
    EXPECT_LT(stats.rmsFluctuation, 2e-4 * stats.meanKinetic);
}

} // namespace

// integrator = steep in runSimulation: steepest descent from the input coordinates, then the final
// structure's energies (one energy.csv row, the log) and confout.gro/confout.pdb.

#include <chrono>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "proteinmd/constraints/constraints.h"
#include "proteinmd/integrators/steepest_descent.h"
#include "proteinmd/io/energy_csv.h"
#include "proteinmd/simulation/thermodynamics.h"
#include "run_session.h"

namespace proteinmd {

RunResult runMinimization(RunSession& s)
{
    const MdpOptions& mdp = s.inputs.mdp;
    const System& system = s.inputs.system;
    State& state = s.inputs.state;
    if (s.control.resume) {
        s.note("minimisation has no checkpoints: --resume is ignored, starting from the input coordinates");
    }
    std::optional<Constraints> constraints;
    if (!system.constraints.empty() || !system.settles.empty()) {
        constraints.emplace(system, &s.inputs.topology, constraintOptions(mdp));
    }
    SteepestDescentOptions options;
    options.emtol = mdp.emtol;
    options.emstep = mdp.emstep;
    options.maxSteps = s.config.steps.value_or(mdp.nsteps);
    s.note(fmt::format("integrator: steep (steepest descent), emtol {} kJ/mol/nm, emstep {} nm, at most {} steps",
                       options.emtol, options.emstep,
                       options.maxSteps < 0 ? std::string("unlimited") : std::to_string(options.maxSteps)));

    const auto start = StepTimers::Clock::now();
    const ForceFunction forces = forceFunction(*s.forces, &s.timers);
    const MinimizationResult m =
        minimizeSteepestDescent(system, forces, constraints ? &*constraints : nullptr, state, options);
    const double wall = std::chrono::duration<double>(StepTimers::Clock::now() - start).count();

    s.log->section("minimisation result");
    s.note(fmt::format("steepest descent {} after {} steps ({} accepted): {}", m.converged ? "converged" : "stopped",
                       m.steps, m.accepted, m.stopReason));
    s.note(fmt::format("potential energy {:.6e} kJ/mol; Fmax {:.6e} kJ/mol/nm on {}", m.potential, m.maxForce,
                       s.inputs.topology.describeAtom(m.maxForceAtom)));

    // One energy row for the final structure, with its terms.
    ForceOutput out;
    s.forces->compute(state.positions, state.box, out, nullptr);
    EnergyRecord record;
    record.step = m.steps;
    record.potential = out.energies.total();
    record.total = record.potential;
    record.conserved = record.potential;
    record.terms = out.energies;
    if (state.box.isPeriodic()) {
        record.volume = state.box.volume();
        record.pressure = pressureBar(0.0, out.virial, record.volume);
        record.density = densityKgPerM3(totalMass(system.masses), record.volume);
    } else {
        record.volume = record.pressure = record.density = std::numeric_limits<double>::quiet_NaN();
    }
    EnergyCsvWriter energy(s.directory / "energy.csv", EnergyCsvWriter::presentTerms(out.energies));
    energy.write(record);
    energy.close();
    writeFinalCoordinates(s.directory, s.inputs.topology, state);

    s.log->section("performance");
    s.log->line(s.timers.table(m.steps, 0.0, system.numAtoms(), wall));

    RunResult result;
    result.lastStep = m.steps;
    result.wallSeconds = wall;
    result.minimization = m;
    result.files = {s.directory / "energy.csv", s.directory / "confout.gro", s.directory / "confout.pdb"};
    return result;
}

} // namespace proteinmd

// runSimulation: set-up shared by dynamics and minimisation (output folder, inputs, force backend,
// the log's header), then the loop (md_loop.cpp) or the minimiser (minimization_run.cpp).

#include "proteinmd/simulation/run.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "proteinmd/backends/cpu_force_field.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/io/gro.h"
#include "proteinmd/io/pdb.h"
#include "run_session.h"

namespace fs = std::filesystem;

namespace proteinmd {

void prepareOutputDirectory(const fs::path& directory)
{
    std::error_code ec;
    fs::create_directories(directory, ec);
    if (ec || !fs::is_directory(directory)) {
        throw Error(fmt::format("cannot create the output folder '{}': {}", directory.string(),
                                ec ? ec.message() : "a file of that name exists"));
    }
    // Prove that files can be created and written here before any work is done.
    const fs::path probe = directory / ".proteinmd_write_test";
    {
        std::ofstream out(probe, std::ios::binary | std::ios::trunc);
        out << "proteinmd write test\n";
        out.flush();
        if (!out) {
            throw Error(fmt::format("cannot write into the output folder '{}' (permissions, or the disk is full)",
                                    directory.string()));
        }
    }
    fs::remove(probe, ec);
}

void writeFinalCoordinates(const fs::path& directory, const Topology& topology, const State& state)
{
    CoordinateFrame frame;
    frame.title = topology.title.empty() ? "proteinmd final coordinates" : topology.title;
    frame.positions = state.positions;
    frame.velocities = state.velocities;
    frame.box = state.box;
    frame.atoms.resize(state.positions.size());
    for (std::size_t i = 0; i < frame.atoms.size() && i < topology.atoms.size(); ++i) {
        const AtomInfo& atom = topology.atoms[i];
        AtomRecord& record = frame.atoms[i];
        record.name = atom.name;
        record.element = atom.element;
        record.serial = static_cast<int>(i + 1);
        if (atom.residueIndex >= 0 && atom.residueIndex < static_cast<int>(topology.residues.size())) {
            const ResidueInfo& residue = topology.residues[static_cast<std::size_t>(atom.residueIndex)];
            record.residueName = residue.name;
            record.residueNumber = residue.number;
            record.insertionCode = residue.insertionCode;
            if (residue.chainIndex >= 0 && residue.chainIndex < static_cast<int>(topology.chains.size())) {
                // Topology-built chains are named after molecules; only one-letter names fit a PDB column.
                const std::string& id = topology.chains[static_cast<std::size_t>(residue.chainIndex)].id;
                record.chainId = id.size() == 1 ? id : "";
            }
        }
    }
    writeGro(directory / "confout.gro", frame, 3);
    frame.velocities.clear();
    writePdb(directory / "confout.pdb", frame);
}

namespace {

std::string nowText()
{
    const std::time_t now = std::time(nullptr);
    char text[64] = {};
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
    return text;
}

void logHeader(RunSession& s)
{
    const RunConfig& c = s.config;
    RunLog& log = *s.log;
    log.section(fmt::format("proteinmd 0.1.0 run, {}{}", nowText(), s.control.resume ? " (resume)" : ""));
    if (!s.control.commandLine.empty()) {
        log.line("command: " + s.control.commandLine);
    }
    log.line("topology: " + c.inputs.topology.string());
    log.line("coordinates: " + c.inputs.coordinates.string());
    if (c.inputs.mdp) {
        log.line("run parameters: " + c.inputs.mdp->string());
    }
    const System& system = s.inputs.system;
    log.line(fmt::format("system: {} atoms, {} molecules, net charge {:.4f} e, {} distance constraints, {} rigid waters",
                         system.numAtoms(), s.inputs.topology.molecules.size(), system.totalCharge(),
                         system.constraints.size(), system.settles.size()));
    log.line(fmt::format("set-up: {:.3f} s (topology {:.3f} s, coordinates {:.3f} s)", s.inputs.timings.totalSeconds,
                         s.inputs.timings.topologySeconds, s.inputs.timings.coordinatesSeconds));
    for (const std::string& w : s.inputs.diagnostics.warnings) {
        log.line("warning: " + w);
    }
}

// The kinetic temperature of the input velocities (what grompp reports for NVE runs), or -1 when
// there are none (all zero, or no velocities in the coordinates file).
double inputTemperature(const SimulationInputs& inputs)
{
    const State& state = inputs.state;
    if (state.velocities.size() != static_cast<std::size_t>(inputs.system.numAtoms())) {
        return -1;
    }
    const int dof = degreesOfFreedom(inputs.system, inputs.mdp.commMode);
    const double kinetic = kineticSums(inputs.system.masses, state.velocities).kinetic;
    return dof > 0 && kinetic > 0 ? temperature(kinetic, dof) : -1;
}

} // namespace

RunResult runSimulation(const RunConfig& config, const RunControl& control, RunObserver& observer)
{
    const fs::path directory = config.output.directory;
    prepareOutputDirectory(directory);
    RunSession s{config, control, observer, loadGromacsInputs(config.inputs, config.mdp), directory, 0, nullptr, {}, nullptr};
    for (const std::string& w : s.inputs.diagnostics.warnings) {
        observer.warning(w);
    }
    const std::int64_t steps = config.steps.value_or(s.inputs.mdp.nsteps);
    s.lastStep = steps < 0 ? std::numeric_limits<std::int32_t>::max() : steps; // -1: until stopped
    s.log = std::make_unique<RunLog>(directory / kLogFile, control.resume && fs::exists(directory / kLogFile));
    logHeader(s);

    // The input's velocities (not a checkpoint's), so a resumed run sizes its lists as the first did.
    const double startTemperature = inputTemperature(s.inputs);
    s.forces = makeForceProvider(s.inputs.system, s.inputs.mdp, s.inputs.state.box, control.backend, config.threads,
                                 startTemperature);
    if (s.inputs.mdp.verletBufferTolerance > 0 && control.backend == "cpu") {
        const BufferTemperature t = bufferTemperature(s.inputs.mdp, startTemperature);
        s.note(fmt::format("pair-list buffers sized for {:.1f} K ({})", t.kelvin, t.source));
    }
    s.note("forces: " + s.forces->name());
    s.note("non-bonded: " + s.forces->describeSetup());
    if (config.threads > 1 && control.backend == "reference") {
        s.note(fmt::format("threads: {} requested; the {} backend uses one", config.threads, control.backend));
    }
    RunResult result = s.inputs.mdp.integrator == "steep" ? runMinimization(s) : runDynamics(s);
    result.directory = directory;
    s.log->close();
    return result;
}

} // namespace proteinmd

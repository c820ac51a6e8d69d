#include "proteinmd/io/simulation_inputs.h"

#include <chrono>

#include <fmt/format.h>

#include "proteinmd/io/coordinate_frame.h"
#include "proteinmd/io/topology_reader.h"

namespace proteinmd {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// GROMACS warns (not errors) when atom names in the coordinates differ from the topology's; so do we,
// listing the first few, because a different atom order is the usual cause of nonsense energies.
void warnAboutNameMismatches(const Topology& topology, const CoordinateFrame& frame, const std::string& coordFile,
                             Diagnostics& diagnostics)
{
    constexpr int kMaxListed = 20;
    int mismatches = 0;
    std::string listed;
    for (std::size_t i = 0; i < frame.atoms.size() && i < topology.atoms.size(); ++i) {
        if (frame.atoms[i].name != topology.atoms[i].name) {
            if (mismatches < kMaxListed) {
                listed += fmt::format("\n  atom {}: '{}' in the topology, '{}' in {}", i + 1, topology.atoms[i].name,
                                      frame.atoms[i].name, coordFile);
            }
            ++mismatches;
        }
    }
    if (mismatches > 0) {
        diagnostics.warn(fmt::format("{} atom names in {} do not match the topology (the topology's are used):{}",
                                     mismatches, coordFile, listed));
    }
}

SimulationInputs load(const InputFiles& files, const MdpOptions* givenMdp)
{
    const auto start = Clock::now();
    SimulationInputs inputs;

    auto t = Clock::now();
    const bool haveMdp = givenMdp != nullptr || files.mdp.has_value();
    if (givenMdp != nullptr) {
        inputs.mdp = *givenMdp;
    } else if (files.mdp) {
        inputs.mdp = readMdp(*files.mdp, inputs.diagnostics);
    }
    inputs.timings.mdpSeconds = secondsSince(t);

    t = Clock::now();
    CoordinateFrame frame = readCoordinates(files.coordinates);
    inputs.timings.coordinatesSeconds = secondsSince(t);
    if (!haveMdp && !frame.box.isPeriodic()) {
        inputs.mdp.nonbonded.periodic = false;
    }

    t = Clock::now();
    TopologyReadOptions topOptions;
    topOptions.includeDirs = files.includeDirs;
    topOptions.defines = parseDefineString(inputs.mdp.define);
    topOptions.constraints = inputs.mdp.constraints;
    TopologyData data = readGromacsTopology(files.topology, topOptions);
    inputs.timings.topologySeconds = secondsSince(t);
    inputs.topology = std::move(data.topology);
    inputs.system = std::move(data.system);
    for (auto& w : data.diagnostics.warnings) {
        inputs.diagnostics.warn(std::move(w));
    }

    const int numAtoms = inputs.system.numAtoms();
    if (static_cast<int>(frame.positions.size()) != numAtoms) {
        throw InputError(SourceLocation{files.coordinates.string(), 0, {}},
                         fmt::format("the topology {} has {} atoms but the coordinate file has {}",
                                     files.topology.string(), numAtoms, frame.positions.size()));
    }
    warnAboutNameMismatches(inputs.topology, frame, files.coordinates.string(), inputs.diagnostics);

    if (!inputs.system.bonded.positionRestraints.empty()) {
        std::vector<Vec3> referencePositions = frame.positions;
        if (files.restraintCoordinates) {
            referencePositions = readCoordinates(*files.restraintCoordinates).positions;
            if (static_cast<int>(referencePositions.size()) != numAtoms) {
                throw InputError(SourceLocation{files.restraintCoordinates->string(), 0, {}},
                                 fmt::format("the restraint reference has {} atoms but the topology has {}",
                                             referencePositions.size(), numAtoms));
            }
        }
        for (PositionRestraint& restraint : inputs.system.bonded.positionRestraints) {
            restraint.reference = referencePositions[static_cast<std::size_t>(restraint.atom)];
        }
    }

    inputs.state.positions = std::move(frame.positions);
    inputs.state.velocities = std::move(frame.velocities);
    inputs.state.box = frame.box;
    if (inputs.mdp.nonbonded.periodic && !inputs.state.box.isPeriodic()) {
        throw InputError(SourceLocation{files.coordinates.string(), 0, {}},
                         "the run parameters ask for periodic boundaries (pbc = xyz) but the coordinates have no box");
    }
    inputs.timings.totalSeconds = secondsSince(start);
    return inputs;
}

} // namespace

SimulationInputs loadGromacsInputs(const InputFiles& files)
{
    return load(files, nullptr);
}

SimulationInputs loadGromacsInputs(const InputFiles& files, const MdpOptions& mdp)
{
    return load(files, &mdp);
}

} // namespace proteinmd

#pragma once
// Loading a system prepared with GROMACS: topology (.top), coordinates (.gro/.pdb) and run
// parameters (.mdp), checked against each other. This is the set-up every command shares.

#include <filesystem>
#include <optional>
#include <vector>

#include "proteinmd/core/error.h"
#include "proteinmd/core/state.h"
#include "proteinmd/core/system.h"
#include "proteinmd/core/topology.h"
#include "proteinmd/io/mdp.h"

namespace proteinmd {

struct InputFiles {
    std::filesystem::path topology;
    std::filesystem::path coordinates;
    std::optional<std::filesystem::path> mdp;      // GROMACS defaults when absent
    std::vector<std::filesystem::path> includeDirs; // extra #include folders (-I)
    // Reference positions of position restraints (grompp -r); the coordinates themselves when absent.
    std::optional<std::filesystem::path> restraintCoordinates;
};

struct SetupTimings {
    double mdpSeconds = 0;
    double topologySeconds = 0;
    double coordinatesSeconds = 0;
    double totalSeconds = 0;
};

struct SimulationInputs {
    Topology topology;
    System system;
    State state;
    MdpOptions mdp;
    Diagnostics diagnostics;
    SetupTimings timings;
};

// Reads and cross-checks the inputs. Without an .mdp, GROMACS's defaults apply, except that
// coordinates without a box mean vacuum (pbc = no, no cut-off). Position-restraint references
// are taken from files.restraintCoordinates, or else from the coordinates (as `gmx grompp -r`).
SimulationInputs loadGromacsInputs(const InputFiles& files);
// The same with run parameters already read (a run configuration's [physics]); files.mdp is ignored.
SimulationInputs loadGromacsInputs(const InputFiles& files, const MdpOptions& mdp);

} // namespace proteinmd

#pragma once
// The run configuration file (`proteinmd run CONFIG.toml`): one readable TOML file that names the
// inputs, holds the physics in GROMACS's own .mdp vocabulary, and says what to write where.
// Every key is documented in docs/config.md.
//
//   [input]    topology, coordinates, include_dirs, restraint_reference   (paths relative to the file)
//   [run]      steps, threads, max_hours
//   [output]   directory, energy_every, log_every, xtc_every, xtc_precision, dcd_every, h5md_every,
//              h5md_velocities, h5md_forces, trr_every, checkpoint_minutes, checkpoint_every,
//              progress_every
//   [physics]  .mdp keys with TOML values (numbers, strings, booleans as yes/no, arrays for
//              per-group keys such as tau-t), validated exactly as an .mdp file is.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "proteinmd/core/error.h"
#include "proteinmd/io/mdp.h"
#include "proteinmd/io/simulation_inputs.h"

namespace proteinmd {

struct OutputOptions {
    std::filesystem::path directory = "proteinmd_out";
    int energyEvery = 1000;      // steps between energy.csv rows (.mdp nstenergy)
    int logEvery = 1000;         // steps between log lines (nstlog)
    int xtcEvery = 0;            // compressed trajectory (nstxout-compressed); 0 = none
    double xtcPrecision = 1000;  // 1/nm (compressed-x-precision)
    int dcdEvery = 0;
    int h5mdEvery = 0;
    bool h5mdVelocities = false;
    bool h5mdForces = false;
    int trrEvery = 0;            // full-precision trajectory (nstxout)
    double checkpointMinutes = 15;
    int checkpointEvery = 0;     // also checkpoint every N steps; 0 = by wall time only
    int progressEvery = 0;       // plain progress line every N steps off a terminal; 0 = about every 10 s
};

struct RunConfig {
    InputFiles inputs;
    MdpOptions mdp;
    OutputOptions output;
    std::optional<std::int64_t> steps; // total length; overrides mdp nsteps
    int threads = 0;                   // 0 = every core
    double maxHours = 0;               // stop cleanly with a checkpoint before this; 0 = no limit
};

// Output options as an .mdp implies them (nstenergy, nstlog, nstxout-compressed, ...).
OutputOptions outputOptionsFromMdp(const MdpOptions& mdp);

// Reads CONFIG.toml. Errors name the file, line and key; [physics] errors are the .mdp reader's,
// located in the TOML file.
RunConfig readRunConfig(const std::filesystem::path& path, Diagnostics& diagnostics);
RunConfig parseRunConfig(std::string_view text, const std::filesystem::path& path, Diagnostics& diagnostics);

// A complete, commented configuration equivalent to an .mdp (`proteinmd config --from-mdp`).
// Paths are written as given.
std::string runConfigTomlFromMdp(const MdpOptions& mdp, const InputFiles& inputs);

} // namespace proteinmd

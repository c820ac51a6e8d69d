#pragma once
// `proteinmd run` as a library call: load the inputs, set up forces, constraints, integrator and
// thermostat from the run parameters, and step the system while writing energy.csv, trajectories,
// proteinmd.log and checkpoints into the output folder; or, for integrator = steep, minimise.
//
// The loop, step s (state.step == s):
//   checkpoint if due (every checkpoint_every steps / checkpoint_minutes) -> stop if asked
//   (signal flag, max_hours) -> trajectory frames of x(s) -> integrator step (forces F(s), update)
//   -> stability checks -> energy.csv row and log line of step s -> progress.
// A checkpoint at step s records each output's size *before* step s's frames and row, so a resumed
// run (which starts at s) writes them again exactly once. The run ends at step N with a checkpoint,
// then the frames and energies of step N (energies from one more step on the side, as mdrun's last
// step), confout.gro and confout.pdb.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "proteinmd/integrators/steepest_descent.h"
#include "proteinmd/io/run_config.h"
#include "proteinmd/simulation/progress.h"

namespace proteinmd {

// What a run tells its caller while it runs (the CLI prints; tests may record).
class RunObserver {
public:
    virtual ~RunObserver() = default;
    virtual void warning(const std::string& /*text*/) {}
    virtual void note(const std::string& /*text*/) {}      // set-up facts and decisions, one line each
    virtual void progress(const ProgressInfo& /*info*/) {} // after every step; throttle in the callee
};

struct RunControl {
    bool resume = false;                              // continue from OUT/state.cpt (or state_prev.cpt)
    const std::atomic<bool>* stopRequested = nullptr; // e.g. set by a SIGINT/SIGTERM handler; checked every step
    std::string commandLine;                          // for the log
    std::string backend = "cpu";                      // force backend (force_provider.h): "cpu" or "reference"
};

enum class RunOutcome { Completed, Interrupted, TimeLimit };

struct RunResult {
    RunOutcome outcome = RunOutcome::Completed;
    std::int64_t firstStep = 0;   // step the run started (or resumed) at
    std::int64_t lastStep = 0;    // step reached
    double wallSeconds = 0;       // of the loop
    double nsPerDay = 0;
    std::filesystem::path directory;
    std::vector<std::filesystem::path> files; // outputs written
    std::filesystem::path checkpoint;         // empty if none was written
    std::optional<MinimizationResult> minimization; // for integrator = steep
};

inline constexpr const char* kCheckpointFile = "state.cpt";
inline constexpr const char* kLogFile = "proteinmd.log";

// Runs it. Throws InputError/SetupError for bad inputs (before any step), SimulationError when the
// system blows up (the last good checkpoint kept), Error for I/O failures (naming the file).
RunResult runSimulation(const RunConfig& config, const RunControl& control, RunObserver& observer);

// Creates the output folder if needed and proves it writable by creating and removing a file in it.
// Throws Error naming the folder and the OS's reason.
void prepareOutputDirectory(const std::filesystem::path& directory);

} // namespace proteinmd

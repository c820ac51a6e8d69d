#pragma once
// What runSimulation sets up once and hands to the dynamics loop or the minimiser (internal).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "proteinmd/io/simulation_inputs.h"
#include "proteinmd/perf/step_timers.h"
#include "proteinmd/simulation/force_provider.h"
#include "proteinmd/simulation/run.h"
#include "run_log.h"

namespace proteinmd {

struct RunSession {
    const RunConfig& config;
    const RunControl& control;
    RunObserver& observer;
    SimulationInputs inputs;
    std::filesystem::path directory;
    std::int64_t lastStep = 0;             // the run's total length (step it ends at)
    std::unique_ptr<ForceProvider> forces;
    StepTimers timers;
    std::unique_ptr<RunLog> log;

    // A line to the log and to the observer.
    void note(const std::string& text)
    {
        log->line(text);
        observer.note(text);
    }
};

RunResult runDynamics(RunSession& session);
RunResult runMinimization(RunSession& session);

// confout.gro and confout.pdb from the topology's names and this state.
void writeFinalCoordinates(const std::filesystem::path& directory, const Topology& topology, const State& state);

} // namespace proteinmd

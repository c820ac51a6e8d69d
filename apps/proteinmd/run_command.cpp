// `proteinmd run`: builds a RunConfig from a TOML file or from GROMACS inputs, applies the command
// line's overrides, installs the SIGINT/SIGTERM handler and prints progress; the loop is the library's
// runSimulation (include/proteinmd/simulation/run.h).

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

#include <fmt/format.h>

#include "commands.h"
#include "proteinmd/core/error.h"
#include "proteinmd/io/run_config.h"
#include "proteinmd/simulation/run.h"

namespace proteinmd::cli {

namespace {

std::atomic<bool> stopRequested{false};

extern "C" void onStopSignal(int /*signal*/)
{
    stopRequested.store(true);
}

// SIGINT/SIGTERM ask the loop to stop at the next step with a checkpoint. SA_RESETHAND: a second
// signal ends the program at once, as the user then expects.
void installStopHandler()
{
    struct sigaction action {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

class ConsoleObserver : public RunObserver {
public:
    explicit ConsoleObserver(int progressEvery) : reporter_(isatty(fileno(stderr)) != 0, progressEvery) {}
    void warning(const std::string& text) override { fmt::print(stderr, "warning: {}\n", text); }
    void note(const std::string& text) override { fmt::print("{}\n", text); std::fflush(stdout); }
    void progress(const ProgressInfo& info) override
    {
        if (auto text = reporter_.update(info)) {
            fmt::print(stderr, "{}", *text);
            std::fflush(stderr);
        }
    }
    void finish() const { fmt::print(stderr, "{}", reporter_.finish()); }

private:
    ProgressReporter reporter_;
};

} // namespace

void RunCommand::registerWith(CLI::App& app)
{
    command_ = app.add_subcommand("run", "Molecular dynamics (or minimisation with integrator = steep): "
                                         "proteinmd run CONFIG.toml, or proteinmd run --top T.top --coords C.gro --mdp M.mdp");
    command_->add_option("config", config_, "Run configuration (TOML, see docs/config.md)")->check(CLI::ExistingFile);
    command_->add_option("--top,-p", topology_, "GROMACS topology (.top)")->check(CLI::ExistingFile);
    command_->add_option("--coords,-c", coordinates_, "Coordinates (.gro or .pdb)")->check(CLI::ExistingFile);
    command_->add_option("--mdp,-f", mdp_, "GROMACS run parameters (.mdp)")->check(CLI::ExistingFile);
    command_->add_option("-r,--restraint-ref", restraintReference_, "Reference coordinates of position restraints")
        ->check(CLI::ExistingFile);
    command_->add_option("-I,--include", includeDirs_, "Extra folder searched by #include (like grompp -I)");
    command_->add_option("-o,--output", outputDir_, "Output folder (default: the configuration's, or proteinmd_out)");
    command_->add_option("--steps", steps_, "Total length of the run in steps (with --resume: continue up to this step)")
        ->check(CLI::NonNegativeNumber);
    command_->add_option("--threads", threads_, "Threads (0 = every core)")->check(CLI::NonNegativeNumber);
    command_->add_option("--backend", backend_,
                         "Force backend: cpu (fast: cluster pair list, SIMD, threads) or reference (double "
                         "precision, one thread)")
        ->check(CLI::IsMember({"cpu", "reference"}));
    command_->add_flag("--resume", resume_, "Continue from the output folder's last checkpoint (state.cpt)");
    command_->add_option("--max-hours", maxHours_, "Stop cleanly with a checkpoint before this much wall time")
        ->check(CLI::NonNegativeNumber);
}

int RunCommand::run(int argc, char** argv) const
{
    RunConfig config;
    Diagnostics diagnostics;
    if (!config_.empty()) {
        if (!topology_.empty() || !coordinates_.empty() || !mdp_.empty()) {
            throw SetupError("give either a run configuration (CONFIG.toml) or --top/--coords/--mdp, not both");
        }
        config = readRunConfig(config_, diagnostics);
    } else {
        if (topology_.empty() || coordinates_.empty()) {
            throw SetupError("proteinmd run needs a run configuration (CONFIG.toml) or --top T.top --coords C.gro "
                             "[--mdp M.mdp]");
        }
        config.inputs.topology = topology_;
        config.inputs.coordinates = coordinates_;
        if (!mdp_.empty()) {
            config.inputs.mdp = mdp_;
            config.mdp = readMdp(mdp_, diagnostics);
            config.output = outputOptionsFromMdp(config.mdp);
        }
    }
    config.inputs.includeDirs.insert(config.inputs.includeDirs.end(), includeDirs_.begin(), includeDirs_.end());
    if (!restraintReference_.empty()) {
        config.inputs.restraintCoordinates = restraintReference_;
    }
    if (!outputDir_.empty()) {
        config.output.directory = outputDir_;
    }
    if (steps_) {
        config.steps = *steps_;
    }
    if (threads_) {
        config.threads = *threads_;
    }
    if (maxHours_) {
        config.maxHours = *maxHours_;
    }
    for (const std::string& warning : diagnostics.warnings) {
        fmt::print(stderr, "warning: {}\n", warning);
    }

    RunControl control;
    control.resume = resume_;
    control.backend = backend_;
    control.stopRequested = &stopRequested;
    for (int i = 0; i < argc; ++i) {
        control.commandLine += (i > 0 ? " " : "") + std::string(argv[i]);
    }
    installStopHandler();
    ConsoleObserver observer(config.output.progressEvery);
    RunResult result;
    try {
        result = runSimulation(config, control, observer);
    } catch (...) {
        observer.finish();
        throw;
    }
    observer.finish();

    fmt::print("\noutputs in {}:\n", result.directory.string());
    for (const auto& file : result.files) {
        fmt::print("  {}\n", file.filename().string());
    }
    fmt::print("  {}\n", kLogFile);
    if (!result.checkpoint.empty()) {
        fmt::print("  {} (+ state_prev.cpt)\n", result.checkpoint.filename().string());
    }
    if (result.minimization) {
        return 0;
    }
    fmt::print("{} steps in {:.1f} s: {:.3f} ns/day\n", result.lastStep - result.firstStep, result.wallSeconds,
               result.nsPerDay);
    switch (result.outcome) {
    case RunOutcome::Completed: return 0;
    case RunOutcome::TimeLimit:
        fmt::print("stopped before the --max-hours limit at step {}; continue with --resume\n", result.lastStep);
        return 0;
    case RunOutcome::Interrupted:
        fmt::print("interrupted at step {}; continue with --resume\n", result.lastStep);
        return 130;
    }
    return 0;
}

} // namespace proteinmd::cli

// The dynamics loop of runSimulation (see run.h for the order of one iteration and why checkpoints
// record output sizes before a step's frames and energies).

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "proteinmd/constraints/constraints.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/barostat.h"
#include "proteinmd/integrators/thermostat.h"
#include "proteinmd/integrators/velocity_generation.h"
#include "proteinmd/io/checkpoint.h"
#include "proteinmd/simulation/run_outputs.h"
#include "proteinmd/simulation/stability.h"
#include "proteinmd/simulation/thermodynamics.h"
#include "run_session.h"

namespace fs = std::filesystem;

namespace proteinmd {

namespace {

using Clock = std::chrono::steady_clock;

double secondsBetween(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

constexpr const char* kSeedKey = "ld_seed";

EnergyRecord energyRecord(const StepEnergies& e, const Box& box, double mass, double dt)
{
    EnergyRecord r;
    r.step = e.step;
    r.timePs = static_cast<double>(e.step) * dt; // as GROMACS, t = step dt (no summed rounding)
    r.potential = e.potential;
    r.kinetic = e.kinetic;
    r.total = e.total;
    r.conserved = e.conserved;
    r.temperature = e.temperature;
    r.terms = e.terms;
    if (box.isPeriodic()) {
        r.volume = box.volume();
        r.pressure = pressureBar(e.kinetic, e.forceVirial + e.constraintVirial, r.volume);
        r.density = densityKgPerM3(mass, r.volume);
    } else {
        // No volume in vacuum: pressure and density are undefined, not zero.
        r.volume = r.pressure = r.density = std::numeric_limits<double>::quiet_NaN();
    }
    return r;
}

std::string logHeaderLine()
{
    return fmt::format("{:>10} {:>12} {:>15} {:>15} {:>15} {:>15} {:>10} {:>12}", "step", "time(ps)", "potential",
                       "kinetic", "total", "conserved", "T(K)", "P(bar)");
}

std::string logLine(const EnergyRecord& r)
{
    return fmt::format("{:>10} {:>12.4f} {:>15.6e} {:>15.6e} {:>15.6e} {:>15.6e} {:>10.3f} {:>12.3f}", r.step, r.timePs,
                       r.potential, r.kinetic, r.total, r.conserved, r.temperature, r.pressure);
}

double forceSeconds(const StepTimers& t)
{
    return t.seconds(StepPart::Bonded) + t.seconds(StepPart::Nonbonded) + t.seconds(StepPart::Pme) +
           t.seconds(StepPart::PairSearch);
}

// Everything the loop needs between iterations.
class DynamicsLoop {
public:
    explicit DynamicsLoop(RunSession& s) : s_(s), state_(s.inputs.state), mdp_(s.inputs.mdp) {}

    RunResult run();

private:
    void setUp();
    void logSettings();
    void writeCheckpointNow();
    std::string lastCheckpointText() const;
    [[noreturn]] void failStep(const StepProblem& problem, std::int64_t step);
    StepEnergies checkedStep(State& state);
    std::function<bool(std::int64_t)> energyStepRule() const;
    void loop(RunResult& result, Clock::time_point loopStart);
    void finish(RunResult& result);

    RunSession& s_;
    State& state_;
    MdpOptions mdp_;
    fs::path checkpointPath_;
    std::optional<Checkpoint> resumed_;
    std::optional<Constraints> constraints_;
    Dynamics dynamics_; // thermostat, barostat and integrator wired together (makeDynamics)
    Thermostat* thermostat_ = nullptr;
    Barostat* barostat_ = nullptr;
    Integrator* integrator_ = nullptr;
    std::unique_ptr<RunOutputs> outputs_;
    double mass_ = 0;
    std::int64_t firstStep_ = 0;
    std::int64_t lastCheckpointStep_ = -1;
    double checkpointSeconds_ = 0; // how long the last checkpoint took to write
    std::vector<Vec3> lastGood_;
};

void DynamicsLoop::setUp()
{
    checkpointPath_ = s_.directory / kCheckpointFile;
    if (s_.control.resume) {
        const fs::path previous = previousCheckpointPath(checkpointPath_);
        if (fs::exists(checkpointPath_) || fs::exists(previous)) {
            LoadedCheckpoint loaded = readCheckpointWithFallback(checkpointPath_);
            for (const std::string& problem : loaded.problems) {
                s_.log->line("warning: " + problem);
                s_.observer.warning(problem);
            }
            s_.note(fmt::format("resuming from {} (step {})", loaded.file.string(), loaded.checkpoint.step));
            resumed_ = std::move(loaded.checkpoint);
        } else {
            s_.note(fmt::format("no checkpoint in {}: starting from the beginning", s_.directory.string()));
        }
    }
    if (!resumed_) {
        if (!s_.control.resume && (fs::exists(checkpointPath_) || fs::exists(s_.directory / RunOutputs::kEnergyFile))) {
            const std::string text = fmt::format("{} holds the outputs of an earlier run; they are overwritten (use "
                                                 "--resume to continue that run instead)", s_.directory.string());
            s_.log->line("warning: " + text);
            s_.observer.warning(text);
        }
        // A fresh run: a checkpoint of an earlier run in this folder must never be resumed with these outputs.
        std::error_code ec;
        fs::remove(checkpointPath_, ec);
        fs::remove(previousCheckpointPath(checkpointPath_), ec);
    }

    // Random numbers are keyed by (seed, step); a random seed is drawn once and kept in the checkpoint.
    if (resumed_ && resumed_->integerState.count(kSeedKey) && resumed_->integerState.at(kSeedKey).size() == 1) {
        mdp_.ldSeed = static_cast<std::int64_t>(resumed_->integerState.at(kSeedKey)[0]);
    } else if (mdp_.ldSeed == -1) {
        mdp_.ldSeed = static_cast<std::int64_t>(resolveSeed(-1) >> 1);
    }

    const System& system = s_.inputs.system;
    if (!system.constraints.empty() || !system.settles.empty()) {
        constraints_.emplace(system, &s_.inputs.topology, constraintOptions(mdp_));
    }
    const Constraints* constraints = constraints_ ? &*constraints_ : nullptr;
    mass_ = totalMass(system.masses);

    if (resumed_) {
        const Checkpoint& c = *resumed_;
        if (static_cast<int>(c.positions.size()) != system.numAtoms() ||
            (!c.velocities.empty() && c.velocities.size() != c.positions.size())) {
            throw InputError(SourceLocation{checkpointPath_.string(), 0, {}},
                             fmt::format("the checkpoint holds {} atoms but the topology has {}", c.positions.size(),
                                         system.numAtoms()));
        }
        state_.positions = c.positions;
        state_.velocities = c.velocities.empty() ? std::vector<Vec3>(c.positions.size()) : c.velocities;
        state_.box = c.box;
        state_.step = c.step;
        state_.time = c.timePs;
        s_.forces->restoreState(c.realState); // the pair list as the uninterrupted run has it here
        lastCheckpointStep_ = c.step;
        if (c.step > s_.lastStep) {
            throw SetupError(fmt::format("the checkpoint {} is at step {}, beyond the run's length of {} steps; "
                                         "give --steps N with N >= {} to continue it",
                                         checkpointPath_.string(), c.step, s_.lastStep, c.step));
        }
    } else {
        prepareStartingState(system, mdp_, constraints, state_);
        state_.step = 0;
        state_.time = 0;
    }
    // The barostat needs the starting box and molecules, so the dynamics are made once the state is.
    Diagnostics diagnostics;
    dynamics_ = makeDynamics(mdp_, system, s_.inputs.topology, state_, forceFunction(*s_.forces, &s_.timers),
                             constraints, diagnostics, energyStepRule());
    for (const std::string& warning : diagnostics.warnings) {
        s_.log->line("warning: " + warning);
        s_.observer.warning(warning);
    }
    thermostat_ = dynamics_.thermostat.get();
    barostat_ = dynamics_.barostat.get();
    integrator_ = dynamics_.integrator.get();
    if (resumed_) {
        integrator_->restoreState(resumed_->realState);
        if (thermostat_) {
            thermostat_->restoreState(resumed_->realState);
        }
        if (barostat_) {
            barostat_->restoreState(resumed_->realState);
        }
    }
    firstStep_ = state_.step;
    outputs_ = std::make_unique<RunOutputs>(s_.directory, s_.config.output, system.numAtoms(), mdp_.dt,
                                            resumed_ ? &*resumed_ : nullptr);
}

void DynamicsLoop::logSettings()
{
    const OutputOptions& o = s_.config.output;
    s_.note(fmt::format("integrator: {}, dt {} ps, steps {} to {} ({} ps)", mdp_.integrator, mdp_.dt, firstStep_,
                        s_.lastStep, static_cast<double>(s_.lastStep) * mdp_.dt));
    if (constraints_) {
        const ConstraintOptions co = constraintOptions(mdp_);
        s_.note(fmt::format("constraints: {} distance constraints ({}), {} SETTLE waters",
                            s_.inputs.system.constraints.size(),
                            co.algorithm == ConstraintAlgorithm::Lincs
                                ? fmt::format("LINCS order {}, {} iteration(s)", co.lincsOrder, co.lincsIterations)
                                : fmt::format("SHAKE, tolerance {}", co.tolerance),
                            s_.inputs.system.settles.size()));
    } else {
        s_.note("constraints: none");
    }
    s_.note(fmt::format("degrees of freedom: {} (COM motion removal: {}, every {} steps)",
                        integrator_->degreesOfFreedom(), mdp_.commMode, mdp_.nstcomm));
    if (thermostat_) {
        s_.note(fmt::format("thermostat: {} at {} K, tau-t {} ps, seed {}", mdp_.tcoupl, mdp_.refT.at(0),
                            mdp_.tauT.at(0), mdp_.ldSeed));
    } else if (mdp_.integrator != "sd") {
        s_.note("thermostat: none (NVE)");
    }
    if (barostat_) {
        s_.note(fmt::format("barostat: {} {}, tau-p {} ps", mdp_.pcoupl, mdp_.pcouplType, mdp_.tauP));
    }
    s_.note(fmt::format("output every: energy {}, log {}, xtc {}, trr {}, dcd {}, h5md {} steps; checkpoint every {} "
                        "min{}",
                        o.energyEvery, o.logEvery, o.xtcEvery, o.trrEvery, o.dcdEvery, o.h5mdEvery, o.checkpointMinutes,
                        o.checkpointEvery > 0 ? fmt::format(" and every {} steps", o.checkpointEvery) : ""));
}

// Steps whose energies are computed, as mdrun's nstcalcenergy: every nstcalcenergy steps, every
// energy-file and log step, and the last step (the extra step finish() takes). The others ask the
// backend for forces and virial only, which skips the energy-summing kernels. The rule depends on
// the step number alone, so a resumed run computes exactly what the uninterrupted one did.
std::function<bool(std::int64_t)> DynamicsLoop::energyStepRule() const
{
    const std::int64_t calcEvery = mdp_.nstcalcenergy;
    const std::int64_t energyEvery = s_.config.output.energyEvery;
    const std::int64_t logEvery = s_.config.output.logEvery;
    const std::int64_t lastStep = s_.lastStep;
    return [=](std::int64_t step) {
        const auto every = [step](std::int64_t n) { return n > 0 && step % n == 0; };
        return every(calcEvery) || every(energyEvery) || every(logEvery) || step >= lastStep;
    };
}

void DynamicsLoop::writeCheckpointNow()
{
    const auto start = Clock::now();
    outputs_->flush();
    Checkpoint c;
    c.step = state_.step;
    c.timePs = state_.time;
    c.positions = state_.positions;
    c.velocities = state_.velocities;
    c.box = state_.box;
    integrator_->saveState(c.realState);
    if (thermostat_) {
        thermostat_->saveState(c.realState);
    }
    if (barostat_) {
        barostat_->saveState(c.realState);
    }
    // Written before this step's force calls (and before the end-of-run side step), so it is the
    // force backend's state of the continuing trajectory.
    s_.forces->saveState(c.realState);
    c.integerState[kSeedKey] = {static_cast<std::uint64_t>(mdp_.ldSeed)};
    c.outputs = outputs_->fileStates();
    writeCheckpoint(checkpointPath_, c);
    lastCheckpointStep_ = state_.step;
    checkpointSeconds_ = secondsBetween(start, s_.timers.charge(StepPart::Output, start));
}

std::string DynamicsLoop::lastCheckpointText() const
{
    return lastCheckpointStep_ < 0 ? std::string()
                                   : fmt::format("{} (step {})", checkpointPath_.string(), lastCheckpointStep_);
}

void DynamicsLoop::failStep(const StepProblem& problem, std::int64_t step)
{
    try {
        outputs_->flush(); // what was written before the bad step is good; keep it
    } catch (const Error&) {
    }
    ForceOutput atLastGood;
    try {
        s_.forces->compute(lastGood_, state_.box, atLastGood, nullptr);
    } catch (const Error&) {
        atLastGood.forces.clear();
    }
    SimulationError error = diagnoseBlowUp(step, problem, lastGood_, atLastGood.forces, state_.box,
                                           s_.inputs.topology, mdp_.dt, lastCheckpointText());
    s_.log->section("run stopped: unstable system");
    s_.log->line(error.what());
    throw error;
}

// One integrator step with the stability checks; the step's energies.
StepEnergies DynamicsLoop::checkedStep(State& state)
{
    const std::int64_t step = state.step;
    StepEnergies e;
    StabilityLimits limits;
    limits.numThreads = s_.forces->numThreads();
    if (const std::optional<StepProblem> problem = takeCheckedStep(*integrator_, state, lastGood_,
                                                                   s_.inputs.topology, e, limits)) {
        failStep(*problem, step);
    }
    return e;
}

void DynamicsLoop::loop(RunResult& result, Clock::time_point loopStart)
{
    const OutputOptions& o = s_.config.output;
    auto lastCheckpointTime = loopStart;
    double slowestStep = 0;
    ProgressInfo info{state_.step, firstStep_, s_.lastStep, state_.time, mdp_.dt, 0};

    while (state_.step < s_.lastStep) {
        const std::int64_t step = state_.step;
        auto t = Clock::now();
        const double elapsed = secondsBetween(loopStart, t);
        std::optional<RunOutcome> stop;
        if (s_.control.stopRequested != nullptr && s_.control.stopRequested->load()) {
            stop = RunOutcome::Interrupted;
        } else if (s_.config.maxHours > 0 &&
                   elapsed + 2 * slowestStep + checkpointSeconds_ >= 0.99 * s_.config.maxHours * 3600.0) {
            // Leave room for two more steps and the checkpoint itself (GROMACS stops at 99% too).
            stop = RunOutcome::TimeLimit;
        }
        const bool checkpointDue = step > firstStep_ &&
                                   ((o.checkpointEvery > 0 && step % o.checkpointEvery == 0) ||
                                    (o.checkpointMinutes > 0 &&
                                     secondsBetween(lastCheckpointTime, t) >= o.checkpointMinutes * 60.0));
        if ((checkpointDue || stop) && step != lastCheckpointStep_) {
            writeCheckpointNow();
            lastCheckpointTime = Clock::now();
            t = lastCheckpointTime;
        }
        if (stop) {
            result.outcome = *stop;
            break;
        }
        if (outputs_->wantsFrame(step)) {
            ForceOutput frameForces;
            if (outputs_->wantsForces(step)) {
                s_.forces->compute(state_.positions, state_.box, frameForces, nullptr);
            }
            outputs_->writeFrame(state_, frameForces.forces);
            t = s_.timers.charge(StepPart::Output, t);
        }
        const double forceBefore = forceSeconds(s_.timers);
        const StepEnergies e = checkedStep(state_);
        const auto afterStep = Clock::now();
        const double stepSeconds = secondsBetween(t, afterStep);
        slowestStep = std::max(slowestStep, stepSeconds);
        s_.timers.add(StepPart::Update, stepSeconds - (forceSeconds(s_.timers) - forceBefore));
        t = afterStep;
        if (o.energyEvery > 0 && step % o.energyEvery == 0) {
            const EnergyRecord record = energyRecord(e, state_.box, mass_, mdp_.dt);
            outputs_->writeEnergy(record);
            if (o.logEvery > 0 && step % o.logEvery == 0) {
                s_.log->line(logLine(record));
            }
        } else if (o.logEvery > 0 && step % o.logEvery == 0) {
            s_.log->line(logLine(energyRecord(e, state_.box, mass_, mdp_.dt)));
        }
        t = s_.timers.charge(StepPart::Output, t);
        info.step = state_.step;
        info.timePs = state_.time;
        info.elapsedSeconds = secondsBetween(loopStart, t);
        s_.observer.progress(info);
    }
    if (result.outcome == RunOutcome::Completed) {
        finish(result);
    } else {
        outputs_->close();
        s_.note(fmt::format("stopped at step {} ({}); the checkpoint holds it: continue with --resume", state_.step,
                            result.outcome == RunOutcome::Interrupted ? "interrupted by a signal"
                                                                      : "max_hours reached"));
    }
}

RunResult DynamicsLoop::run()
{
    setUp();
    logSettings();
    s_.log->section("energies (kJ/mol)");
    s_.log->line(logHeaderLine());

    RunResult result;
    result.firstStep = firstStep_;
    const auto loopStart = Clock::now();

    try {
        loop(result, loopStart);
    } catch (const SimulationError&) {
        throw;
    } catch (const Error& e) {
        // Disk full, a folder that went away, ...: say what was lost and what is kept.
        const std::string text = fmt::format("{}\nThe run stopped at step {}; {}", e.what(), state_.step,
                                             lastCheckpointStep_ >= 0
                                                 ? "the last good checkpoint is kept: " + lastCheckpointText()
                                                 : std::string("no checkpoint had been written yet"));
        try {
            s_.log->section("run stopped: output error");
            s_.log->line(text);
        } catch (const Error&) {
        }
        throw Error(text);
    }
    result.wallSeconds = secondsBetween(loopStart, Clock::now()); // incl. the last step's energies, as mdrun
    result.lastStep = state_.step;
    const std::vector<fs::path> files = outputs_->files();
    result.files.insert(result.files.begin(), files.begin(), files.end());
    result.checkpoint = lastCheckpointStep_ >= 0 ? checkpointPath_ : fs::path();
    const std::int64_t stepsDone = state_.step - firstStep_;
    result.nsPerDay = nsPerDay(static_cast<double>(stepsDone) * mdp_.dt, result.wallSeconds);
    s_.log->section("performance");
    s_.log->line(s_.timers.table(stepsDone, mdp_.dt, s_.inputs.system.numAtoms(), result.wallSeconds));
    return result;
}

// The end of a complete run: checkpoint at the last step, then that step's frames and energies (from
// one more step taken on a copy, as mdrun computes its last step), and the final coordinates.
void DynamicsLoop::finish(RunResult& result)
{
    if (state_.step != lastCheckpointStep_) {
        writeCheckpointNow();
    }
    const OutputOptions& o = s_.config.output;
    if (outputs_->wantsFrame(state_.step)) {
        ForceOutput frameForces;
        if (outputs_->wantsForces(state_.step)) {
            s_.forces->compute(state_.positions, state_.box, frameForces, nullptr);
        }
        outputs_->writeFrame(state_, frameForces.forces);
    }
    if (o.energyEvery > 0 || o.logEvery > 0) {
        State side = state_;
        const EnergyRecord record = energyRecord(checkedStep(side), state_.box, mass_, mdp_.dt);
        if (o.energyEvery > 0) {
            outputs_->writeEnergy(record);
        }
        s_.log->line(logLine(record));
    }
    outputs_->close();
    writeFinalCoordinates(s_.directory, s_.inputs.topology, state_);
    result.files.push_back(s_.directory / "confout.gro");
    result.files.push_back(s_.directory / "confout.pdb");
    s_.note(fmt::format("finished at step {} ({:g} ps); final coordinates in confout.gro and confout.pdb", state_.step,
                        state_.time));
}

} // namespace

RunResult runDynamics(RunSession& session)
{
    DynamicsLoop loop(session);
    return loop.run();
}

} // namespace proteinmd

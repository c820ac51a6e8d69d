#include "proteinmd/perf/bench_runner.h"

#include <omp.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "proteinmd/constraints/constraints.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/topology.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/thermostat.h"
#include "proteinmd/simulation/stability.h"

namespace proteinmd {

double peakMemoryMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // Linux reports KiB
}

BenchResult runBenchmark(BenchSystem& b, const BenchOptions& options)
{
    if (options.repeats < 1 || options.steps < 0 || options.threads < 0) {
        throw SetupError(fmt::format("bench: need repeats >= 1, steps >= 0 and threads >= 0; got {}, {}, {}",
                                     options.repeats, options.steps, options.threads));
    }
    const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
    omp_set_num_threads(threads);
    const long long steps = options.steps > 0 ? options.steps : b.defaultSteps;
    const int warmup = options.warmupSteps >= 0 ? options.warmupSteps : b.defaultWarmup;

    std::unique_ptr<Constraints> constraints;
    if (!b.system.constraints.empty() || !b.system.settles.empty()) {
        constraints = std::make_unique<Constraints>(b.system, nullptr, constraintOptions(b.mdp));
    }
    std::unique_ptr<Thermostat> thermostat = makeThermostat(b.mdp);
    prepareStartingState(b.system, b.mdp, constraints.get(), b.state);

    CpuForceFieldOptions ffOptions = b.forceField;
    ffOptions.numThreads = threads;
    if (options.buffer >= 0) {
        ffOptions.buffer = options.buffer;
    }
    if (options.nstlist > 0) {
        ffOptions.nstlist = options.nstlist;
    }
    if (options.pruneBuffer >= -1) {
        ffOptions.pruneBuffer = options.pruneBuffer;
    }
    if (options.nstprune > 0) {
        ffOptions.nstprune = options.nstprune;
    }
    if (!options.pruneRule.empty()) {
        if (options.pruneRule != "exact" && options.pruneRule != "estimated") {
            throw SetupError(fmt::format("bench: prune rule must be 'exact' or 'estimated', got '{}'", options.pruneRule));
        }
        ffOptions.pruneRule = options.pruneRule == "exact" ? PruneRule::Exact : PruneRule::Estimated;
    }
    CpuForceField forceField(b.system, b.mdp.nonbonded, b.state.box, ffOptions);

    BenchResult r;
    r.system = b.name;
    r.atoms = b.system.numAtoms();
    r.steps = steps;
    r.repeats = options.repeats;
    r.warmupSteps = warmup;
    r.threads = threads;
    r.dtPs = b.mdp.dt;
    r.extra["rlist_nm"] = forceField.rlist();
    r.extra["prune_buffer_nm"] = forceField.pruneBuffer();
    r.extra["nstlist"] = ffOptions.nstlist;
    r.extra["nstprune"] = forceField.nstprune();
    r.extra["prune_estimated"] = forceField.pruneRule() == PruneRule::Estimated ? 1 : 0;
    r.extra["fast_path"] = forceField.usesFastPath() ? 1 : 0;

    if (b.referencePotentialPerAtom) {
        ForceOutput out;
        forceField.compute(b.state.positions, b.state.box, out);
        const double perAtom = out.energies.total() / r.atoms;
        r.extra["step0_potential_per_atom"] = perAtom;
        r.extra["step0_reference_per_atom"] = *b.referencePotentialPerAtom;
        r.extra["step0_relative_error"] = std::abs(perAtom / *b.referencePotentialPerAtom - 1.0);
    }

    StepTimers integratorTimers;
    IntegratorOptions io = integratorOptions(b.mdp);
    io.timers = &integratorTimers;
    // Energies as an MD run computes them: every nstcalcenergy steps and on the last step (whose
    // energies the result reports); forces only on the others.
    const std::int64_t lastStep = b.state.step + warmup + steps * options.repeats - 1;
    const std::int64_t calcEvery = b.mdp.nstcalcenergy;
    io.energyOnStep = [lastStep, calcEvery](std::int64_t step) {
        return (calcEvery > 0 && step % calcEvery == 0) || step == lastStep;
    };
    r.extra["nstcalcenergy"] = static_cast<double>(calcEvery);
    std::unique_ptr<Integrator> integrator =
        b.mdp.integrator == "md-vv"
            ? makeVelocityVerlet(b.system, forceField.asForceFunction(), constraints.get(), io, thermostat.get())
            : makeLeapFrog(b.system, forceField.asForceFunction(), constraints.get(), io, thermostat.get());

    // Each step as `proteinmd run` takes it (takeCheckedStep: keep the last good positions, check
    // the energies and the moves), so that the bench times what a run pays; the check counts under
    // "update".
    std::vector<Vec3> lastGood;
    lastGood.reserve(b.state.positions.size());
    const Topology noNames; // atoms are then named by number
    StabilityLimits limits;
    limits.numThreads = forceField.numThreads();
    const auto checkedStep = [&] {
        const std::int64_t step = b.state.step;
        StepEnergies e;
        if (const auto problem = takeCheckedStep(*integrator, b.state, lastGood, noNames, e, limits)) {
            throw SetupError(
                fmt::format("bench {}: the system became unstable at step {}: {}", b.name, step, problem->what));
        }
        return e;
    };
    StepEnergies energies;
    for (int s = 0; s < warmup; ++s) {
        energies = checkedStep();
    }
    forceField.timers().reset();
    integratorTimers.reset();
    const long long buildsBefore = forceField.pairListBuilds();
    const long long prunesBefore = forceField.pairListPrunes();
    const long long pairsBefore = forceField.clusterPairsComputed();
    std::vector<double> msPerStep;
    double totalSeconds = 0;
    for (int rep = 0; rep < options.repeats; ++rep) {
        const auto start = std::chrono::steady_clock::now();
        for (long long s = 0; s < steps; ++s) {
            energies = checkedStep();
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        totalSeconds += seconds;
        msPerStep.push_back(1e3 * seconds / static_cast<double>(steps));
    }
    if (!std::isfinite(energies.total)) {
        throw SetupError(fmt::format("bench {}: the energy became non-finite during the run", b.name));
    }

    const MedianSpread m = medianAndSpread(msPerStep);
    r.msPerStep = m.median;
    r.msPerStepMin = m.min;
    r.msPerStepMax = m.max;
    r.spread = m.spread;
    r.stepsPerSecond = 1e3 / m.median;
    r.nsPerDay = nsPerDay(b.mdp.dt, m.median * 1e-3);
    r.atomStepsPerSecond = r.atoms * r.stepsPerSecond;

    const double timedSteps = static_cast<double>(steps) * options.repeats;
    double accounted = 0;
    for (StepPart part : {StepPart::PairSearch, StepPart::Nonbonded, StepPart::Bonded, StepPart::Pme}) {
        r.partMsPerStep[std::string(stepPartName(part))] = 1e3 * forceField.timers().seconds(part) / timedSteps;
        accounted += forceField.timers().seconds(part);
    }
    r.partMsPerStep["constraints"] = 1e3 * integratorTimers.seconds(StepPart::Constraints) / timedSteps;
    accounted += integratorTimers.seconds(StepPart::Constraints);
    r.partMsPerStep["update"] = 1e3 * std::max(0.0, totalSeconds - accounted) / timedSteps;
    r.partMsPerStep["output"] = 0;
    r.extra["pair_list_builds_per_100_steps"] =
        100.0 * static_cast<double>(forceField.pairListBuilds() - buildsBefore) / timedSteps;
    r.extra["cluster_pairs_per_step"] =
        static_cast<double>(forceField.clusterPairsComputed() - pairsBefore) / timedSteps;
    r.extra["pair_list_prunes_per_100_steps"] =
        100.0 * static_cast<double>(forceField.pairListPrunes() - prunesBefore) / timedSteps;
    r.extra["final_potential_per_atom"] = energies.potential / r.atoms;
    r.extra["final_conserved_per_atom"] = energies.conserved / r.atoms;
    r.extra["final_temperature_k"] = energies.temperature;

    r.peakMemoryMb = peakMemoryMb();
    r.memoryPerAtomKb = 1024.0 * r.peakMemoryMb / std::max(r.atoms, 1);
    return r;
}

} // namespace proteinmd

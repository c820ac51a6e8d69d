#pragma once
// Runs a benchmark system as whole MD steps with the CpuForceField: set-up (not timed), warm-up
// steps, then `repeats` timed runs of `steps` steps; reports the median ms/step and its spread,
// ns/day, atom-steps/s, the per-part times (pair_search, nonbonded, bonded, pme from the force
// field; constraints from the integrator; update = the rest of the step; output = 0, nothing is
// written), and the process's peak memory (getrusage ru_maxrss).

#include <filesystem>
#include <string>

#include "proteinmd/perf/bench_result.h"
#include "proteinmd/perf/bench_systems.h"

namespace proteinmd {

struct BenchOptions {
    long long steps = 0;   // timed steps per repeat; 0 = the system's default
    int repeats = 3;       // >= 1
    int warmupSteps = -1;  // -1 = the system's default
    int threads = 0;       // OpenMP threads; 0 = omp_get_max_threads()
    double buffer = -1;      // pair-list buffer (nm); -1 = the system's setting
    int nstlist = 0;         // list lifetime; 0 = the system's setting
    double pruneBuffer = -2; // inner (pruned) buffer (nm); -1 = no pruning; -2 = the system's setting
    int nstprune = 0;        // periodic re-prune interval; 0 = the system's setting
    std::string pruneRule;   // "exact" or "estimated" (PruneRule); empty = the system's setting
};

// SetupError for repeats < 1 or steps < 0. commit, timestamp and load average are left to the caller.
BenchResult runBenchmark(BenchSystem& system, const BenchOptions& options);

// Peak resident memory of this process so far (MB).
double peakMemoryMb();

} // namespace proteinmd

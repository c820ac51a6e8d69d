// Constraints of one DHFR (JAC) step as bench.mdp sets them up: SETTLE on 7,023 TIP3P waters and
// LINCS (order 4, one iteration) on the protein's ~1,220 h-bond constraints, with the velocity
// correction and the constraint virial, 1 and 2 OpenMP threads. The unconstrained positions are
// the shared coordinates moved by a fixed random step of 0.003 nm rms per coordinate (about what
// one 2 fs drift does at 300 K). Needs ../shared/benchmarks/dhfr.

#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>
#include <random>
#include <vector>

#include "bench_dhfr_inputs.h"
#include "proteinmd/constraints/constraints.h"

using namespace proteinmd;

namespace {

// Argument: OpenMP threads.
void BM_ConstraintsDhfr(benchmark::State& state)
{
    const SimulationInputs* in = bench::dhfrInputs("bench.mdp");
    if (in == nullptr) {
        state.SkipWithError("shared/benchmarks/dhfr not found");
        return;
    }
    const int previousThreads = omp_get_max_threads();
    omp_set_num_threads(static_cast<int>(state.range(0)));
    const Constraints constraints(in->system, &in->topology, constraintOptions(in->mdp));
    const std::vector<Vec3>& reference = in->state.positions;
    std::vector<Vec3> moved = reference;
    std::mt19937_64 rng(7);
    std::normal_distribution<double> step(0.0, 0.003);
    for (Vec3& x : moved) {
        x += Vec3{step(rng), step(rng), step(rng)};
    }
    std::vector<Vec3> positions(moved.size());
    std::vector<Vec3> velocities(moved.size());
    for (auto _ : state) {
        state.PauseTiming();
        std::copy(moved.begin(), moved.end(), positions.begin());
        state.ResumeTiming();
        Matrix3 virial{};
        constraints.constrainPositions(reference, positions, in->state.box, 0.002, velocities, &virial);
        benchmark::DoNotOptimize(virial);
        benchmark::ClobberMemory();
    }
    omp_set_num_threads(previousThreads);
    state.counters["constrainedDof"] = static_cast<double>(constraints.numConstrainedDof());
}

} // namespace

BENCHMARK(BM_ConstraintsDhfr)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

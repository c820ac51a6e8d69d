// Fast CPU non-bonded on DHFR (JAC, 23,558 atoms, PME real space rc 0.9 nm, buffer 0.1 nm so
// rlist 1.0 nm): the kernel with and without energies, the pair search, 1 and 2 threads, next to
// the double-precision reference backend for the same evaluation. Needs ../shared/benchmarks/dhfr.

#include <benchmark/benchmark.h>

#include "bench_dhfr_inputs.h"
#include "proteinmd/backends/cpu_nonbonded.h"
#include "proteinmd/backends/reference_nonbonded.h"

using namespace proteinmd;

namespace {

const SimulationInputs* dhfrInputs() { return bench::dhfrInputs("energy.mdp"); }

constexpr double kBuffer = 0.1;

// innerBuffer > 0: the list pruned (GROMACS dynamic pruning) to rc + innerBuffer first.
void kernel(benchmark::State& state, bool energy, bool reactionField = false, double innerBuffer = -1)
{
    const SimulationInputs* in = dhfrInputs();
    if (in == nullptr) {
        state.SkipWithError("shared/benchmarks/dhfr not found");
        return;
    }
    NonbondedOptions options = in->mdp.nonbonded;
    if (reactionField) {
        options.coulombType = CoulombType::ReactionField;
    }
    CpuNonbonded nb(in->system, options, in->state.box, kBuffer, static_cast<int>(state.range(0)));
    nb.buildPairList(in->state.positions, in->state.box);
    if (innerBuffer >= 0) {
        nb.pruneList(in->state.positions, innerBuffer);
    }
    ForceOutput out;
    out.reset(in->system.numAtoms());
    for (auto _ : state) {
        nb.compute(in->state.positions, in->state.box, out, energy);
        benchmark::ClobberMemory();
    }
    state.counters["clusterPairs"] = static_cast<double>(nb.numClusterPairs());
}

void BM_CpuNonbondedKernelEnergy(benchmark::State& state) { kernel(state, true); }
void BM_CpuNonbondedKernelForceOnly(benchmark::State& state) { kernel(state, false); }
void BM_CpuNonbondedKernelEnergyPruned(benchmark::State& state) { kernel(state, true, false, 0.03); }

void BM_CpuNonbondedPrune(benchmark::State& state)
{
    const SimulationInputs* in = dhfrInputs();
    if (in == nullptr) {
        state.SkipWithError("shared/benchmarks/dhfr not found");
        return;
    }
    CpuNonbonded nb(in->system, in->mdp.nonbonded, in->state.box, kBuffer, static_cast<int>(state.range(0)));
    nb.buildPairList(in->state.positions, in->state.box);
    for (auto _ : state) {
        nb.pruneList(in->state.positions, 0.03);
        benchmark::ClobberMemory();
    }
    state.counters["clusterPairs"] = static_cast<double>(nb.numClusterPairs());
}

// Same pairs with reaction field instead of Ewald: shows what the erfc/exp evaluation costs.
void BM_CpuNonbondedKernelEnergyReactionField(benchmark::State& state) { kernel(state, true, true); }

void BM_CpuNonbondedPairSearch(benchmark::State& state)
{
    const SimulationInputs* in = dhfrInputs();
    if (in == nullptr) {
        state.SkipWithError("shared/benchmarks/dhfr not found");
        return;
    }
    CpuNonbonded nb(in->system, in->mdp.nonbonded, in->state.box, kBuffer, static_cast<int>(state.range(0)));
    for (auto _ : state) {
        nb.buildPairList(in->state.positions, in->state.box);
        benchmark::ClobberMemory();
    }
    state.counters["clusterPairs"] = static_cast<double>(nb.numClusterPairs());
}

void BM_ReferenceNonbonded(benchmark::State& state)
{
    const SimulationInputs* in = dhfrInputs();
    if (in == nullptr) {
        state.SkipWithError("shared/benchmarks/dhfr not found");
        return;
    }
    ForceOutput out;
    out.reset(in->system.numAtoms());
    for (auto _ : state) {
        addNonbondedForcesReference(in->system, in->mdp.nonbonded, in->state.positions, in->state.box, out);
        benchmark::ClobberMemory();
    }
}

} // namespace

BENCHMARK(BM_CpuNonbondedKernelEnergy)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CpuNonbondedKernelForceOnly)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CpuNonbondedKernelEnergyReactionField)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CpuNonbondedKernelEnergyPruned)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CpuNonbondedPrune)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CpuNonbondedPairSearch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReferenceNonbonded)->Unit(benchmark::kMillisecond)->UseRealTime();

// PME reciprocal part on DHFR (JAC): 23,558 atoms, 6.223 nm cube, grid from fourier-spacing 0.12
// (52^3, as GROMACS picks), beta for ewald-rtol 1e-5 at 0.9 nm. Uses the shared benchmark's
// coordinates and charges when ../shared is there, else random positions with TIP3P-like charges.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>
#include <vector>

#include "../tests/test_support/pme_test_inputs.h"
#include "proteinmd/core/units.h"
#include "proteinmd/forces/pme.h"

using namespace proteinmd;

namespace {

struct DhfrInput {
    std::vector<Vec3> positions;
    std::vector<double> charges;
    Box box = Box::rectangular(6.223, 6.223, 6.223);
};

const DhfrInput& dhfr()
{
    static const DhfrInput input = [] {
        DhfrInput in;
        const std::filesystem::path dir = std::filesystem::path(PROTEINMD_SHARED_DIR) / "benchmarks" / "dhfr";
        if (std::filesystem::exists(dir / "system.gro")) {
            in.positions = test::positionsFromGro(dir / "system.gro");
            in.charges = test::chargesFromTopology(dir / "system.top");
        } else {
            std::mt19937_64 rng(1);
            std::uniform_real_distribution<double> u(0.0, 6.223);
            for (int i = 0; i < 23558; ++i) {
                in.positions.push_back({u(rng), u(rng), u(rng)});
                in.charges.push_back(i % 3 == 0 ? -0.834 : 0.417);
            }
        }
        return in;
    }();
    return input;
}

// Arguments: interpolation order, OpenMP threads, precision (0 double, 1 single); with energy and
// virial (as every step of an NPT run) unless withEnergy is false (as most steps of an NVT run).
void runPmeDhfr(benchmark::State& state, bool withEnergy)
{
    const DhfrInput& in = dhfr();
    const int order = static_cast<int>(state.range(0));
    PmeParameters p;
    p.grid = pmeGridFromSpacing(in.box, 0.12, order);
    p.order = order;
    p.ewaldCoefficient = ewaldCoefficientFromRtol(0.9, 1e-5);
    p.numThreads = static_cast<int>(state.range(1));
    p.precision = state.range(2) == 1 ? PmePrecision::Single : PmePrecision::Double;
    PmeSolver pme(p, static_cast<int>(in.positions.size()));
    std::vector<Vec3> forces(in.positions.size());
    Matrix3 virial{};
    for (auto _ : state) {
        const double e =
            pme.compute(in.positions, in.charges, in.box, units::kCoulombConstant, forces, virial, withEnergy);
        benchmark::DoNotOptimize(e);
        benchmark::ClobberMemory();
    }
    state.counters["grid"] = p.grid[0];
    state.counters["atoms"] = static_cast<double>(in.positions.size());
}

void BM_PmeDhfr(benchmark::State& state) { runPmeDhfr(state, true); }
void BM_PmeDhfrForcesOnly(benchmark::State& state) { runPmeDhfr(state, false); }

} // namespace

// dhfr at GROMACS's settings (order 4, 52^3): 1 and 2 threads, double and single; order 5 for reference.
BENCHMARK(BM_PmeDhfr)
    ->ArgNames({"order", "threads", "single"})
    ->Args({4, 1, 0})
    ->Args({4, 2, 0})
    ->Args({4, 1, 1})
    ->Args({4, 2, 1})
    ->Args({5, 1, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Forces only (no energy or virial sums), order 4, 1 and 2 threads, double and single.
BENCHMARK(BM_PmeDhfrForcesOnly)
    ->ArgNames({"order", "threads", "single"})
    ->Args({4, 1, 0})
    ->Args({4, 2, 0})
    ->Args({4, 1, 1})
    ->Args({4, 2, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

#pragma once
// Test-only helpers shared by the fast-path tests: load a shared benchmark system with one of its
// .mdp files, and the relative RMS difference of two force arrays (the accuracy measure the issues
// set: |F - F_ref|_rms / |F_ref|_rms over all atoms).

#include <cmath>
#include <vector>

#include "proteinmd/core/vec3.h"
#include "proteinmd/io/simulation_inputs.h"
#include "test_support/test_paths.h"

namespace proteinmd::test {

inline SimulationInputs loadBenchmark(const char* system, const char* mdp)
{
    const auto dir = benchmarkDir(system);
    return loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", dir / mdp, {}, {}});
}

inline double relativeRms(const std::vector<Vec3>& ours, const std::vector<Vec3>& reference)
{
    double diff2 = 0, ref2 = 0;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        diff2 += norm2(ours[i] - reference[i]);
        ref2 += norm2(reference[i]);
    }
    return std::sqrt(diff2 / ref2);
}

} // namespace proteinmd::test

#pragma once
// The shared DHFR (JAC) system for the micro-benchmarks: ../shared/benchmarks/dhfr's topology and
// coordinates with one of its run files (energy.mdp for single evaluations, bench.mdp for the MD
// benchmark's settings), loaded once per run file; nullptr when ../shared is not there.

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "proteinmd/io/simulation_inputs.h"

namespace proteinmd::bench {

inline const SimulationInputs* dhfrInputs(const std::string& mdpName)
{
    static std::map<std::string, std::optional<SimulationInputs>> loaded;
    auto it = loaded.find(mdpName);
    if (it == loaded.end()) {
        const std::filesystem::path dir = std::filesystem::path(PROTEINMD_SHARED_DIR) / "benchmarks" / "dhfr";
        std::optional<SimulationInputs> inputs;
        if (std::filesystem::exists(dir / "system.top")) {
            inputs = loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", dir / mdpName, {}, {}});
        }
        it = loaded.emplace(mdpName, std::move(inputs)).first;
    }
    return it->second ? &*it->second : nullptr;
}

} // namespace proteinmd::bench

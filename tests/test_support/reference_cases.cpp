#include "test_support/reference_cases.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support/test_paths.h"

namespace proteinmd::test {

namespace fs = std::filesystem;

namespace {

nlohmann::json loadJson(const fs::path& path)
{
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

std::map<std::string, double> numericEntries(const nlohmann::json& object)
{
    std::map<std::string, double> values;
    for (const auto& [key, value] : object.items()) {
        if (value.is_number()) {
            values[key] = value.get<double>();
        }
    }
    return values;
}

// The shared systems carry gmx_d energies in their own layouts (see shared/benchmarks/README.md).
void addSharedCases(std::vector<ReferenceCase>& cases)
{
    for (const std::string system : {"ala2_vacuum", "dhfr_vacuum"}) {
        const fs::path dir = benchmarkDir(system);
        ReferenceCase c{system + "_gmx_d", dir / "system.top", dir / "system.gro", dir / "energy.mdp", {}, {}, {}, true};
        if (fs::exists(dir / "reference.json")) {
            c.energies = numericEntries(loadJson(dir / "reference.json")["energies"]["gromacs_2022_5_double"]["terms"]);
        }
        c.forcesFile = dir / "gromacs_forces_double.npy";
        cases.push_back(c);
    }
    {
        const fs::path dir = benchmarkDir("ala2_solvated");
        ReferenceCase c{"ala2_solvated_rf_gmx_d", dir / "system.top", dir / "system.gro", dir / "energy_rf.mdp",
                        {}, {}, dir / "forces_rf_double.npy", true};
        if (fs::exists(dir / "reference_rf.json")) {
            c.energies = numericEntries(loadJson(dir / "reference_rf.json")["energies"]);
        }
        cases.push_back(c);
    }
}

void addRefdataCases(std::vector<ReferenceCase>& cases)
{
    const fs::path root = refdataDir();
    if (!fs::is_directory(root)) {
        return;
    }
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(root)) {
        if (entry.is_directory() && fs::exists(entry.path() / "reference.json")) {
            dirs.push_back(entry.path());
        }
    }
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) {
        const nlohmann::json ref = loadJson(dir / "reference.json");
        if (!ref.contains("inputs") || !ref.contains("energies")) {
            continue;
        }
        const auto& in = ref["inputs"];
        ReferenceCase c;
        c.name = dir.filename().string();
        c.topology = resolveReferencePath(in["top"].get<std::string>(), dir);
        c.coordinates = resolveReferencePath(in["coords"].get<std::string>(), dir);
        c.mdp = resolveReferencePath(in["mdp"].get<std::string>(), dir);
        c.energies = numericEntries(ref["energies"]);
        if (in.contains("restraint_coords")) {
            c.restraintCoordinates = resolveReferencePath(in["restraint_coords"].get<std::string>(), dir);
        }
        if (ref.contains("forces_file") && ref["forces_file"].is_string()) {
            c.forcesFile = dir / ref["forces_file"].get<std::string>();
        }
        for (const std::string key : {"top", "coords", "mdp"}) {
            if (in[key].get<std::string>().rfind("shared:", 0) == 0) {
                c.needsShared = true;
            }
        }
        cases.push_back(c);
    }
}

} // namespace

fs::path resolveReferencePath(const std::string& spec, const fs::path& caseDir)
{
    const std::string prefix = "shared:";
    if (spec.rfind(prefix, 0) == 0) {
        return benchmarkDir(spec.substr(prefix.size()));
    }
    return caseDir / spec;
}

std::vector<ReferenceCase> allReferenceCases()
{
    std::vector<ReferenceCase> cases;
    addSharedCases(cases);
    addRefdataCases(cases);
    return cases;
}

} // namespace proteinmd::test

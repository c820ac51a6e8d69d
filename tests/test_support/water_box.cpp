#include "test_support/water_box.h"

#include <fstream>
#include <sstream>

#include "test_support/test_paths.h"

namespace proteinmd::test {

std::string waterBoxMdp()
{
    std::ifstream in(refdataDir() / "npt_water" / "npt.mdp");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string withMdpValue(std::string mdp, const std::string& key, const std::string& value)
{
    std::istringstream lines(mdp);
    std::string line, out;
    bool replaced = false;
    while (std::getline(lines, line)) {
        const auto eq = line.find('=');
        std::string name = line.substr(0, eq == std::string::npos ? 0 : eq);
        while (!name.empty() && name.back() == ' ') {
            name.pop_back();
        }
        if (eq != std::string::npos && name == key) {
            out += key + " = " + value + "\n";
            replaced = true;
        } else {
            out += line + "\n";
        }
    }
    if (!replaced) {
        out += key + " = " + value + "\n";
    }
    return out;
}

SimulationInputs loadWaterBox(const std::string& mdpText, const std::string& name)
{
    const auto dir = scratchDir(name);
    std::ofstream(dir / "run.mdp") << mdpText;
    const auto data = refdataDir() / "npt_water";
    return loadGromacsInputs(InputFiles{data / "water.top", data / "water.gro", dir / "run.mdp", {}, {}});
}

double densityKgPerM3(double mass, double volume)
{
    return mass * 1.66053906660 / volume;
}

} // namespace proteinmd::test

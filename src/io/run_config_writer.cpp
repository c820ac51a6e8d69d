#include <cctype>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>

#include "proteinmd/io/run_config.h"

namespace proteinmd {

namespace {

std::string quoted(const std::string& text)
{
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

bool isInteger(const std::string& token)
{
    std::size_t i = (token[0] == '-' || token[0] == '+') ? 1 : 0;
    if (i == token.size()) {
        return false;
    }
    for (; i < token.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(token[i]))) {
            return false;
        }
    }
    return true;
}

bool isNumber(const std::string& token)
{
    char* end = nullptr;
    std::strtod(token.c_str(), &end);
    return end != token.c_str() && *end == '\0';
}

// An .mdp value as a typed TOML value: integers and numbers stay numbers, several numbers become
// an array (per-group keys such as tau-t), anything else a string.
std::string tomlValue(const std::string& mdpValue)
{
    std::istringstream in(mdpValue);
    std::vector<std::string> tokens;
    for (std::string t; in >> t;) {
        tokens.push_back(t);
    }
    auto scalar = [](const std::string& t) {
        if (isInteger(t)) {
            return t[0] == '+' ? t.substr(1) : t;
        }
        if (isNumber(t)) {
            // TOML floats need a digit before and after the point: write them the canonical way.
            return fmt::format("{}", std::strtod(t.c_str(), nullptr)) +
                   (t.find_first_of(".eE") == std::string::npos ? ".0" : "");
        }
        return quoted(t);
    };
    if (tokens.size() == 1) {
        return scalar(tokens[0]);
    }
    bool allNumbers = !tokens.empty();
    for (const auto& t : tokens) {
        allNumbers = allNumbers && isNumber(t);
    }
    if (allNumbers) {
        std::string text = "[";
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            if (i > 0) {
                text += ", ";
            }
            text += scalar(tokens[i]);
        }
        return text + "]";
    }
    return quoted(mdpValue);
}

std::string tomlKey(const std::string& key)
{
    for (char c : key) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
            return quoted(key);
        }
    }
    return key;
}

} // namespace

std::string runConfigTomlFromMdp(const MdpOptions& mdp, const InputFiles& inputs)
{
    const OutputOptions output = outputOptionsFromMdp(mdp);
    std::string toml;
    toml += "# proteinmd run configuration (every key: docs/config.md)\n\n";
    auto line = [&toml](const std::string& assignment, const std::string& comment = "") {
        toml += comment.empty() ? assignment + "\n" : fmt::format("{:<34}# {}\n", assignment, comment);
    };
    toml += "[input]\n";
    line("topology = " + quoted(inputs.topology.string()), "GROMACS topology (.top); paths are relative to this file");
    line("coordinates = " + quoted(inputs.coordinates.string()), "starting coordinates (.gro or .pdb)");
    line("include_dirs = []", "extra #include folders, like grompp -I");
    toml += "\n[run]\n";
    line(fmt::format("steps = {}", mdp.nsteps), "total length in steps (overrides nsteps below)");
    line("threads = 0", "0 = every core");
    line("max_hours = 0", "stop cleanly with a checkpoint before this many hours; 0 = no limit");
    toml += "\n[output]\n";
    line("directory = \"proteinmd_out\"", "energy.csv, log, trajectories, checkpoint, final coordinates");
    line(fmt::format("energy_every = {}", output.energyEvery), "energy.csv row every N steps");
    line(fmt::format("log_every = {}", output.logEvery), "log line every N steps");
    line(fmt::format("xtc_every = {}", output.xtcEvery), "compressed trajectory (XTC) every N steps; 0 = none");
    line("xtc_precision = " + tomlValue(fmt::format("{}", output.xtcPrecision)), "1/nm: 1000 keeps 0.001 nm");
    line("dcd_every = 0", "DCD trajectory every N steps; 0 = none");
    line("h5md_every = 0", "H5MD (HDF5) trajectory every N steps; 0 = none");
    line(fmt::format("trr_every = {}", output.trrEvery), "full-precision TRR every N steps; 0 = none");
    line("checkpoint_minutes = 15", "checkpoint every N minutes of wall time, and at the end");
    line("checkpoint_every = 0", "also checkpoint every N steps; 0 = by wall time only");
    toml += "\n";
    toml += "[physics]                        # GROMACS .mdp keys, checked exactly as in an .mdp file\n";
    for (const auto& [key, value] : mdp.raw) {
        toml += fmt::format("{} = {}\n", tomlKey(key), tomlValue(value));
    }
    return toml;
}

} // namespace proteinmd

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "proteinmd/io/run_config.h"

namespace proteinmd {

namespace {

SourceLocation locate(const std::filesystem::path& path, const toml::node& node)
{
    return SourceLocation{path.string(), static_cast<int>(node.source().begin.line), {}};
}

std::string typeName(const toml::node& node)
{
    switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date/time";
    }
}

// TOML value -> the text an .mdp file would hold for it.
std::string mdpValueText(const toml::node& node)
{
    if (node.is_string()) {
        return node.value<std::string>().value();
    }
    if (node.is_boolean()) {
        return node.value<bool>().value() ? "yes" : "no";
    }
    if (node.is_integer()) {
        return std::to_string(node.value<std::int64_t>().value());
    }
    if (node.is_floating_point()) {
        return fmt::format("{}", node.value<double>().value());
    }
    if (const toml::array* array = node.as_array()) {
        std::string text;
        for (const toml::node& element : *array) {
            if (!text.empty()) {
                text += ' ';
            }
            text += mdpValueText(element);
        }
        return text;
    }
    return {};
}

// Typed access to one [section] that remembers which keys were used, so the rest can be reported.
class Section {
public:
    Section(const toml::table* table, std::string name, const std::filesystem::path& path)
        : table_(table), name_(std::move(name)), path_(path)
    {
    }

    template <typename T>
    void read(const std::string& key, T& target, bool positive = false)
    {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        if constexpr (std::is_same_v<T, bool>) {
            require(node->is_boolean(), *node, key, "true or false");
            target = node->value<bool>().value();
        } else if constexpr (std::is_integral_v<T>) {
            require(node->is_integer(), *node, key, "an integer");
            const auto value = node->value<std::int64_t>().value();
            require(value >= 0 && (!positive || value > 0), *node, key, positive ? "> 0" : ">= 0");
            target = static_cast<T>(value);
        } else if constexpr (std::is_floating_point_v<T>) {
            require(node->is_number(), *node, key, "a number");
            const double value = node->value<double>().value();
            require(value >= 0 && (!positive || value > 0), *node, key, positive ? "> 0" : ">= 0");
            target = value;
        } else {
            require(node->is_string(), *node, key, "a string");
            target = T(node->value<std::string>().value());
        }
    }

    void readPathList(const std::string& key, std::vector<std::filesystem::path>& target,
                      const std::filesystem::path& base)
    {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return;
        }
        require(node->is_array(), *node, key, "an array of strings");
        for (const toml::node& element : *node->as_array()) {
            require(element.is_string(), element, key, "an array of strings");
            target.push_back(base / element.value<std::string>().value());
        }
    }

    void warnAboutUnusedKeys(Diagnostics& diagnostics) const
    {
        if (table_ == nullptr) {
            return;
        }
        for (auto&& [key, node] : *table_) {
            if (used_.count(std::string(key.str())) == 0) {
                diagnostics.warn(locate(path_, node),
                                 fmt::format("unknown key '{}' in [{}] ignored (see docs/config.md)", key.str(), name_));
            }
        }
    }

private:
    const toml::node* find(const std::string& key)
    {
        used_.insert(key);
        return table_ ? table_->get(key) : nullptr;
    }

    void require(bool ok, const toml::node& node, const std::string& key, const std::string& expected) const
    {
        if (!ok) {
            throw InputError(locate(path_, node), fmt::format("[{}] {}: expected {}, found {} ({})", name_, key,
                                                              expected, typeName(node), mdpValueText(node)));
        }
    }

    const toml::table* table_;
    std::string name_;
    std::filesystem::path path_;
    std::set<std::string> used_;
};

// [physics] is validated by the .mdp reader itself: each key becomes one .mdp line, and errors are
// mapped back to the TOML line the key came from.
MdpOptions readPhysics(const toml::table* physics, const std::filesystem::path& path, Diagnostics& diagnostics)
{
    if (physics == nullptr) {
        return MdpOptions{};
    }
    std::string mdpText;
    std::vector<int> tomlLineOfMdpLine{0};
    for (auto&& [key, node] : *physics) {
        if (node.is_table() || node.type() == toml::node_type::date || node.type() == toml::node_type::time ||
            node.type() == toml::node_type::date_time) {
            throw InputError(locate(path, node), fmt::format("[physics] {}: expected a value as in an .mdp file, found {}",
                                                             key.str(), typeName(node)));
        }
        mdpText += fmt::format("{} = {}\n", key.str(), mdpValueText(node));
        tomlLineOfMdpLine.push_back(static_cast<int>(node.source().begin.line));
    }
    const std::string label = path.string() + " [physics]";
    Diagnostics mdpDiagnostics;
    try {
        MdpOptions mdp = parseMdp(mdpText, label, mdpDiagnostics);
        for (auto& w : mdpDiagnostics.warnings) {
            diagnostics.warn(std::move(w));
        }
        return mdp;
    } catch (const InputError& e) {
        const int mdpLine = e.where().line;
        const int tomlLine = mdpLine > 0 && mdpLine < static_cast<int>(tomlLineOfMdpLine.size())
                                 ? tomlLineOfMdpLine[static_cast<std::size_t>(mdpLine)]
                                 : 0;
        throw InputError(SourceLocation{path.string(), tomlLine, {}}, "[physics] " + e.message());
    }
}

} // namespace

OutputOptions outputOptionsFromMdp(const MdpOptions& mdp)
{
    OutputOptions output;
    output.energyEvery = mdp.nstenergy;
    output.logEvery = mdp.nstlog;
    output.xtcEvery = mdp.nstxoutCompressed;
    output.xtcPrecision = mdp.compressedXPrecision;
    output.trrEvery = mdp.nstxout;
    return output;
}

RunConfig parseRunConfig(std::string_view text, const std::filesystem::path& path, Diagnostics& diagnostics)
{
    toml::table root;
    try {
        root = toml::parse(text, path.string());
    } catch (const toml::parse_error& e) {
        throw InputError(SourceLocation{path.string(), static_cast<int>(e.source().begin.line), {}},
                         fmt::format("not valid TOML: {}", e.description()));
    }
    const std::filesystem::path base = path.parent_path();
    RunConfig config;
    config.mdp = readPhysics(root["physics"].as_table(), path, diagnostics);
    config.output = outputOptionsFromMdp(config.mdp);

    Section input(root["input"].as_table(), "input", path);
    std::string topology, coordinates, restraint;
    input.read("topology", topology);
    input.read("coordinates", coordinates);
    input.read("restraint_reference", restraint);
    input.readPathList("include_dirs", config.inputs.includeDirs, base);
    input.warnAboutUnusedKeys(diagnostics);
    if (topology.empty() || coordinates.empty()) {
        throw InputError(SourceLocation{path.string(), 0, {}},
                         "[input] needs both 'topology' (a .top file) and 'coordinates' (a .gro or .pdb file)");
    }
    config.inputs.topology = base / topology;
    config.inputs.coordinates = base / coordinates;
    if (!restraint.empty()) {
        config.inputs.restraintCoordinates = base / restraint;
    }

    Section run(root["run"].as_table(), "run", path);
    if (root["run"]["steps"]) {
        std::int64_t steps = 0;
        run.read("steps", steps);
        config.steps = steps;
    }
    run.read("threads", config.threads);
    run.read("max_hours", config.maxHours);
    run.warnAboutUnusedKeys(diagnostics);

    Section out(root["output"].as_table(), "output", path);
    std::string directory;
    out.read("directory", directory);
    if (!directory.empty()) {
        config.output.directory = base / directory;
    } else {
        config.output.directory = base / config.output.directory;
    }
    OutputOptions& o = config.output;
    out.read("energy_every", o.energyEvery);
    out.read("log_every", o.logEvery);
    out.read("xtc_every", o.xtcEvery);
    out.read("xtc_precision", o.xtcPrecision, true);
    out.read("dcd_every", o.dcdEvery);
    out.read("h5md_every", o.h5mdEvery);
    out.read("h5md_velocities", o.h5mdVelocities);
    out.read("h5md_forces", o.h5mdForces);
    out.read("trr_every", o.trrEvery);
    out.read("checkpoint_minutes", o.checkpointMinutes);
    out.read("checkpoint_every", o.checkpointEvery);
    out.read("progress_every", o.progressEvery);
    out.warnAboutUnusedKeys(diagnostics);

    for (auto&& [key, node] : root) {
        const std::string name(key.str());
        if (name != "input" && name != "run" && name != "output" && name != "physics") {
            diagnostics.warn(locate(path, node), fmt::format("unknown section [{}] ignored (see docs/config.md)", name));
        }
    }
    return config;
}

RunConfig readRunConfig(const std::filesystem::path& path, Diagnostics& diagnostics)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(SourceLocation{path.string(), 0, {}}, "cannot open the run configuration file");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parseRunConfig(text.str(), path, diagnostics);
}

} // namespace proteinmd

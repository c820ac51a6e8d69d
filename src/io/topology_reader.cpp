#include "proteinmd/io/topology_reader.h"

#include <cctype>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "io/topology_builder.h"
#include "io/topology_directives.h"
#include "io/topology_fields.h"
#include "io/topology_preprocessor.h"

namespace proteinmd {

namespace {

using namespace gmxtop;

bool isUnsupported(Directive d)
{
    switch (d) {
    case Directive::VirtualSites1:
    case Directive::VirtualSites2:
    case Directive::VirtualSites3:
    case Directive::VirtualSites4:
    case Directive::VirtualSitesN:
    case Directive::Polarization:
    case Directive::WaterPolarization:
    case Directive::TholePolarization:
    case Directive::AngleRestraints:
    case Directive::AngleRestraintsZ:
    case Directive::DistanceRestraints:
    case Directive::OrientationRestraints:
    case Directive::DihedralRestraints:
    case Directive::IntermolecularInteractions:
        return true;
    default:
        return false;
    }
}

std::string lowered(std::string_view s)
{
    std::string out;
    for (char c : s) { out += static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
    return out;
}

// Walks the preprocessed lines: directives switch the current section, data lines go to the
// force field or the current molecule type, as grompp's read_topol does.
class TopologyParser {
public:
    TopologyParser(const PreprocessedTopology& lines, Diagnostics& diagnostics)
        : lines_(lines), diagnostics_(diagnostics)
    {
    }

    ParsedTopology parse()
    {
        for (const TopologyLine& line : lines_.lines) {
            if (line.text.front() == '[') {
                onDirective(line);
            } else {
                onData(LineFields(lines_, line));
            }
        }
        if (ignoredLines_ > 0) {
            diagnostics_.warn(firstIgnored_, fmt::format("{} line(s) of text before the first [ directive ] ignored, "
                                                         "starting with '{}'",
                                                         ignoredLines_, firstIgnoredText_));
        }
        return std::move(parsed_);
    }

private:
    void onDirective(const TopologyLine& line)
    {
        const std::size_t close = line.text.find(']');
        if (close == std::string::npos) {
            throw InputError(lines_.where(line), fmt::format("missing ']' in directive line '{}'", line.text));
        }
        std::string_view name = std::string_view(line.text).substr(1, close - 1);
        while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) { name.remove_prefix(1); }
        while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) { name.remove_suffix(1); }
        const auto directive = directiveFromName(name);
        if (!directive) {
            throw InputError(lines_.where(line), fmt::format("unknown directive [ {} ]", name));
        }
        if (isUnsupported(*directive)) {
            throw InputError(lines_.where(line), fmt::format("[ {} ] is not supported yet", name));
        }
        if (const auto problem = order_.check(*directive)) {
            throw InputError(lines_.where(line), *problem);
        }
        if (*directive == Directive::MoleculeType) {
            molecule_ = -1; // set by the name line that follows
        }
        if (*directive == Directive::PairsNb && !warnedPairsNb_) {
            diagnostics_.warn(lines_.where(line), "[ pairs_nb ] is not supported; its lines are ignored");
            warnedPairsNb_ = true;
        }
        order_.push(*directive);
        current_ = *directive;
    }

    MoleculeType& currentMolecule(const LineFields& line)
    {
        if (molecule_ < 0) {
            line.fail(fmt::format("[ {} ] line outside a molecule type: [ moleculetype ] needs a 'name nrexcl' line first",
                                  directiveName(*current_)));
        }
        return parsed_.moleculeTypes[static_cast<std::size_t>(molecule_)];
    }

    void onData(const LineFields& line)
    {
        if (!current_) {
            if (ignoredLines_++ == 0) {
                firstIgnored_ = line.where();
                firstIgnoredText_ = line.text();
            }
            return;
        }
        ForceField& ff = parsed_.forceField;
        switch (*current_) {
        case Directive::Defaults: ff.readDefaults(line); break;
        case Directive::AtomTypes: ff.readAtomType(line, diagnostics_); break;
        case Directive::BondTypes:
        case Directive::ConstraintTypes:
        case Directive::AngleTypes: ff.readBondedType(*current_, line, diagnostics_); break;
        case Directive::PairTypes: ff.readPairType(line, diagnostics_); break;
        case Directive::DihedralTypes: ff.readDihedralType(line, diagnostics_); break;
        case Directive::NonbondParams: ff.readNonbondParams(line, diagnostics_); break;
        case Directive::CmapTypes: ff.readCmapType(line); break;
        case Directive::ImplicitGenbornParams:
        case Directive::ImplicitSurfaceParams:
        case Directive::PairsNb: break; // read and ignored, as grompp does for the first two
        case Directive::MoleculeType: addMoleculeType(line); break;
        case Directive::Atoms: readAtomLine(currentMolecule(line), ff, line); break;
        case Directive::Bonds:
        case Directive::Pairs:
        case Directive::Angles:
        case Directive::Dihedrals:
        case Directive::Constraints:
        case Directive::Settles:
        case Directive::PositionRestraints: readInteractionLine(*current_, currentMolecule(line), ff, line); break;
        case Directive::Cmap: readCmapLine(currentMolecule(line), ff, line); break;
        case Directive::Exclusions: readExclusionLine(currentMolecule(line), line); break;
        case Directive::System: parsed_.title = line.text(); break;
        case Directive::Molecules: addMolecules(line); break;
        default: line.fail(fmt::format("[ {} ] is not supported yet", directiveName(*current_)));
        }
    }

    void addMoleculeType(const LineFields& line)
    {
        MoleculeType m = readMoleculeTypeLine(line);
        if (moleculeIndex_.count(m.name) != 0) {
            line.fail(fmt::format("moleculetype {} is redefined", m.name));
        }
        molecule_ = static_cast<int>(parsed_.moleculeTypes.size());
        moleculeIndex_.emplace(m.name, molecule_);
        parsed_.moleculeTypes.push_back(std::move(m));
    }

    void addMolecules(const LineFields& line)
    {
        if (line.size() != 2) {
            line.fail(fmt::format("expected 'molecule-type-name count' in [ molecules ], found {} fields", line.size()));
        }
        const int count = line.integer(1, "the number of molecules");
        if (count < 0) {
            line.fail(fmt::format("negative number of molecules: {}", count));
        }
        // Exact name first; a case-insensitive match only when it is unique (as grompp).
        int found = -1;
        const auto exact = moleculeIndex_.find(std::string(line[0]));
        if (exact != moleculeIndex_.end()) {
            found = exact->second;
        } else {
            int matches = 0;
            for (const auto& [name, index] : moleculeIndex_) {
                if (lowered(name) == lowered(line[0])) {
                    found = index;
                    ++matches;
                }
            }
            if (matches > 1) {
                line.fail(fmt::format("moleculetype '{}' matches {} molecule types when case is ignored", line[0], matches));
            }
        }
        if (found < 0) {
            line.fail(fmt::format("No such moleculetype {}: it is not defined by any [ moleculetype ]", line[0]));
        }
        if (parsed_.moleculeTypes[static_cast<std::size_t>(found)].atoms.empty()) {
            line.fail(fmt::format("molecule type '{}' contains no atoms", line[0]));
        }
        if (count > 0) {
            parsed_.blocks.push_back(MoleculeBlock{found, count});
        }
    }

    const PreprocessedTopology& lines_;
    Diagnostics& diagnostics_;
    ParsedTopology parsed_;
    DirectiveOrder order_;
    std::optional<Directive> current_;
    std::unordered_map<std::string, int> moleculeIndex_;
    int molecule_ = -1;
    bool warnedPairsNb_ = false;
    int ignoredLines_ = 0;
    SourceLocation firstIgnored_;
    std::string firstIgnoredText_;
};

} // namespace

TopologyData readGromacsTopology(const std::filesystem::path& topFile, const TopologyReadOptions& options)
{
    if (options.constraints == ConstraintMode::HAngles || options.constraints == ConstraintMode::AllAngles) {
        throw InputError(SourceLocation{topFile.string(), 0, {}},
                         "constraints = h-angles / all-angles is not supported (use none, h-bonds or all-bonds)");
    }
    gmxtop::PreprocessorOptions preprocessorOptions;
    preprocessorOptions.includeDirs = options.includeDirs;
    preprocessorOptions.defines = options.defines;
    const gmxtop::PreprocessedTopology lines = gmxtop::preprocessTopology(topFile, preprocessorOptions);

    Diagnostics diagnostics;
    gmxtop::ParsedTopology parsed = TopologyParser(lines, diagnostics).parse();
    if (parsed.blocks.empty()) {
        throw InputError(SourceLocation{topFile.string(), 0, {}}, "the topology has no molecules: [ molecules ] is "
                                                                   "missing or empty");
    }
    return gmxtop::buildTopologyData(parsed, options.constraints, std::move(diagnostics));
}

std::vector<std::pair<std::string, std::string>> parseDefineString(std::string_view mdpDefine)
{
    std::vector<std::pair<std::string, std::string>> defines;
    std::size_t i = 0;
    while (i < mdpDefine.size()) {
        while (i < mdpDefine.size() && std::isspace(static_cast<unsigned char>(mdpDefine[i]))) { ++i; }
        const std::size_t start = i;
        while (i < mdpDefine.size() && !std::isspace(static_cast<unsigned char>(mdpDefine[i]))) { ++i; }
        const std::string_view word = mdpDefine.substr(start, i - start);
        if (word.empty()) {
            continue;
        }
        if (word.size() < 3 || word.substr(0, 2) != "-D" || word[2] == '=') {
            throw InputError(SourceLocation{"mdp define", 0, {}},
                             fmt::format("expected -DNAME or -DNAME=value, found '{}'", word));
        }
        const std::string_view body = word.substr(2);
        const std::size_t eq = body.find('=');
        if (eq == std::string_view::npos) {
            defines.emplace_back(std::string(body), std::string());
        } else {
            defines.emplace_back(std::string(body.substr(0, eq)), std::string(body.substr(eq + 1)));
        }
    }
    return defines;
}

} // namespace proteinmd

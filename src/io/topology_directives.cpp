#include "io/topology_directives.h"

#include <cctype>

#include <fmt/format.h>

namespace proteinmd::gmxtop {

namespace {

constexpr std::array<std::string_view, kNumDirectives> kNames{
    "defaults",
    "atomtypes",
    "bondtypes",
    "constrainttypes",
    "pairtypes",
    "angletypes",
    "dihedraltypes",
    "nonbond_params",
    "implicit_genborn_params",
    "implicit_surface_params",
    "cmaptypes",
    "moleculetype",
    "atoms",
    "virtual_sites1",
    "virtual_sites2",
    "virtual_sites3",
    "virtual_sites4",
    "virtual_sitesn",
    "bonds",
    "exclusions",
    "pairs",
    "pairs_nb",
    "angles",
    "dihedrals",
    "constraints",
    "settles",
    "polarization",
    "water_polarization",
    "thole_polarization",
    "position_restraints",
    "angle_restraints",
    "angle_restraints_z",
    "distance_restraints",
    "orientation_restraints",
    "dihedral_restraints",
    "cmap",
    "system",
    "molecules",
    "intermolecular_interactions",
};

// Lower case without '-' and '_': the form grompp compares directive names in.
std::string normalized(std::string_view name)
{
    std::string out;
    for (char c : name) {
        if (c != '-' && c != '_') {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return out;
}

} // namespace

std::optional<Directive> directiveFromName(std::string_view name)
{
    std::string key = normalized(name);
    if (key.rfind("dummies", 0) == 0) {
        key = "virtualsites" + key.substr(7);
    }
    for (std::size_t i = 0; i < kNumDirectives; ++i) {
        if (normalized(kNames[i]) == key) {
            return static_cast<Directive>(i);
        }
    }
    return std::nullopt;
}

std::string_view directiveName(Directive directive)
{
    return kNames[static_cast<std::size_t>(directive)];
}

std::optional<std::string> DirectiveOrder::check(Directive next) const
{
    const auto invalid = [next](std::string_view why) {
        return fmt::format("invalid order for directive [ {} ]: {}", directiveName(next), why);
    };
    if (isForceFieldDirective(next) && seen(Directive::MoleculeType)) {
        return invalid("force-field parameter directives must come before the first [ moleculetype ]");
    }
    if (next == Directive::Defaults) {
        if (seen(Directive::Defaults)) {
            return std::string("found a second [ defaults ] directive");
        }
        return std::nullopt;
    }
    if (next == Directive::AtomTypes) {
        return seen(Directive::Defaults) ? std::nullopt : std::optional(invalid("it needs [ defaults ] first"));
    }
    if (isForceFieldDirective(next) || next == Directive::MoleculeType) {
        return seen(Directive::AtomTypes) ? std::nullopt : std::optional(invalid("it needs [ atomtypes ] first"));
    }
    if (next == Directive::Atoms) {
        return seen(Directive::MoleculeType) ? std::nullopt
                                             : std::optional(invalid("it needs a [ moleculetype ] first"));
    }
    if (isMoleculeDirective(next)) {
        return seen(Directive::Atoms) ? std::nullopt
                                      : std::optional(invalid("it belongs to a molecule and needs [ atoms ] first"));
    }
    if (next == Directive::System) {
        return seen(Directive::MoleculeType) ? std::nullopt
                                             : std::optional(invalid("it needs a [ moleculetype ] first"));
    }
    if (next == Directive::Molecules) {
        return seen(Directive::System) ? std::nullopt : std::optional(invalid("it needs [ system ] first"));
    }
    return std::nullopt;
}

} // namespace proteinmd::gmxtop

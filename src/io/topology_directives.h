#pragma once
// The [ directive ] names of a GROMACS topology, and the order grompp requires them in.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace proteinmd::gmxtop {

enum class Directive {
    // Force-field parameters: must all come before the first [ moleculetype ].
    Defaults,
    AtomTypes,
    BondTypes,
    ConstraintTypes,
    PairTypes,
    AngleTypes,
    DihedralTypes,
    NonbondParams,
    ImplicitGenbornParams,
    ImplicitSurfaceParams,
    CmapTypes,
    // Molecule definitions.
    MoleculeType,
    Atoms,
    VirtualSites1,
    VirtualSites2,
    VirtualSites3,
    VirtualSites4,
    VirtualSitesN,
    Bonds,
    Exclusions,
    Pairs,
    PairsNb,
    Angles,
    Dihedrals,
    Constraints,
    Settles,
    Polarization,
    WaterPolarization,
    TholePolarization,
    PositionRestraints,
    AngleRestraints,
    AngleRestraintsZ,
    DistanceRestraints,
    OrientationRestraints,
    DihedralRestraints,
    Cmap,
    // The system.
    System,
    Molecules,
    IntermolecularInteractions,
    Count
};

inline constexpr std::size_t kNumDirectives = static_cast<std::size_t>(Directive::Count);

// Case-insensitive and ignoring '-' and '_' (as grompp); old "dummiesN" names map to virtual_sitesN.
std::optional<Directive> directiveFromName(std::string_view name);
std::string_view directiveName(Directive directive);

inline bool isForceFieldDirective(Directive d) { return d < Directive::MoleculeType; }
inline bool isMoleculeDirective(Directive d) { return d > Directive::MoleculeType && d < Directive::System; }

// Tracks which directives were seen and checks each new one against grompp's ordering rules.
class DirectiveOrder {
public:
    // Empty if `next` may come now; otherwise why not.
    std::optional<std::string> check(Directive next) const;
    void push(Directive next) { seen_[static_cast<std::size_t>(next)] = true; }
    bool seen(Directive d) const { return seen_[static_cast<std::size_t>(d)]; }

private:
    std::array<bool, kNumDirectives> seen_{};
};

} // namespace proteinmd::gmxtop

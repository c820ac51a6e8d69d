#pragma once
// Potential-energy terms as GROMACS reports them. The keys are those of `proteinmd energy --json`
// and of the references in shared/benchmarks.

#include <array>
#include <cstddef>
#include <string_view>

namespace proteinmd {

enum class EnergyTerm : int {
    Bond,                 // bonds types 1, 2
    Angle,                // angles types 1, 2
    UreyBradley,          // angles type 5 (angle + 1-3 part, GROMACS "U-B")
    ProperDihedral,       // dihedrals types 1, 9
    RbDihedral,           // dihedrals type 3
    ImproperDihedral,     // dihedrals types 2, 4
    Cmap,
    Lj14,
    Coulomb14,
    LjSr,
    CoulombSr,            // real-space pairs, plus Ewald/RF exclusion corrections and self terms
    CoulombRecip,         // PME/Ewald mesh part plus the net-charge background term
    DispersionCorrection,
    PositionRestraint,
    Count
};

inline constexpr std::size_t kNumEnergyTerms = static_cast<std::size_t>(EnergyTerm::Count);

constexpr std::string_view energyTermKey(EnergyTerm term)
{
    constexpr std::array<std::string_view, kNumEnergyTerms> keys{
        "bond",   "angle",  "urey_bradley", "proper_dihedral", "rb_dihedral",  "improper_dihedral",
        "cmap",   "lj_14",  "coulomb_14",   "lj_sr",           "coulomb_sr",   "coulomb_recip",
        "dispersion_correction", "position_restraint"};
    return keys[static_cast<std::size_t>(term)];
}

// Per-term energies (kJ/mol). `present` marks terms the system has, so output can omit the rest.
struct EnergyTerms {
    std::array<double, kNumEnergyTerms> values{};
    std::array<bool, kNumEnergyTerms> present{};

    double& operator[](EnergyTerm t) { return values[static_cast<std::size_t>(t)]; }
    double operator[](EnergyTerm t) const { return values[static_cast<std::size_t>(t)]; }
    void add(EnergyTerm t, double e)
    {
        values[static_cast<std::size_t>(t)] += e;
        present[static_cast<std::size_t>(t)] = true;
    }
    bool has(EnergyTerm t) const { return present[static_cast<std::size_t>(t)]; }
    double total() const
    {
        double sum = 0;
        for (double v : values) { sum += v; }
        return sum;
    }
};

} // namespace proteinmd

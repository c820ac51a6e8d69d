#pragma once
// What SHAKE and LINCS both need before their first iteration: inverse masses, and each distance
// constraint checked once (atoms inside the system, with mass, positive length), with messages that
// name the atoms.

#include <span>
#include <vector>

#include <fmt/format.h>

#include "proteinmd/constraints/constraint_error.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/system.h"

namespace proteinmd::detail {

inline std::vector<double> inverseMassesOf(std::span<const double> masses)
{
    std::vector<double> inverse(masses.size(), 0.0);
    for (std::size_t i = 0; i < masses.size(); ++i) {
        inverse[i] = masses[i] > 0 ? 1.0 / masses[i] : 0.0;
    }
    return inverse;
}

inline void checkDistanceConstraint(const DistanceConstraint& c, std::span<const double> masses,
                                    const AtomNamer& namer)
{
    for (int a : c.atoms) {
        if (a < 0 || a >= static_cast<int>(masses.size())) {
            throw SetupError(
                fmt::format("constraint refers to atom {} but the system has {} atoms", a + 1, masses.size()));
        }
        if (!(masses[static_cast<std::size_t>(a)] > 0)) {
            throw SetupError(fmt::format("constraint {} - {}: {} has no mass", namer(c.atoms[0]), namer(c.atoms[1]),
                                         namer(a)));
        }
    }
    if (!(c.length > 0)) {
        throw SetupError(fmt::format("constraint {} - {} has length {} nm; it must be positive", namer(c.atoms[0]),
                                     namer(c.atoms[1]), c.length));
    }
}

} // namespace proteinmd::detail

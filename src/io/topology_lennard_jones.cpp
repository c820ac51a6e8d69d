// ForceField's Lennard-Jones side: combination rules, [ nonbond_params ] and 1-4 pair parameters,
// converted to c6/c12 exactly as grompp does (negative sigma: c6 = 0).

#include <algorithm>
#include <cmath>

#include "io/topology_parameters.h"

namespace proteinmd::gmxtop {

std::pair<double, double> ForceField::c6c12(double v, double w) const
{
    if (defaults.combinationRule == CombinationRule::Geometric) {
        return {v, w};
    }
    // sigma/epsilon; a negative sigma means c6 = 0 with c12 from |sigma| (grompp's convention).
    if (v >= 0) {
        const double v2 = v * v;
        const double v6 = v2 * v2 * v2;
        return {4.0 * w * v6, 4.0 * w * v6 * v6};
    }
    const double v2 = v * v;
    const double v6 = v2 * v2 * v2;
    return {0.0, 4.0 * w * v6 * v6};
}

std::pair<double, double> ForceField::nonbondedVW(int i, int j) const
{
    const auto it = nonbondParams_.find(std::make_pair(std::max(i, j), std::min(i, j)));
    if (it != nonbondParams_.end()) {
        return it->second;
    }
    const AtomType& a = atomTypes[static_cast<std::size_t>(i)];
    const AtomType& b = atomTypes[static_cast<std::size_t>(j)];
    switch (defaults.combinationRule) {
    case CombinationRule::Geometric:
        return {std::sqrt(a.v * b.v), std::sqrt(a.w * b.w)};
    case CombinationRule::Arithmetic: {
        const double sigma = 0.5 * (std::fabs(a.v) + std::fabs(b.v));
        return {(a.v < 0 || b.v < 0) ? -sigma : sigma, std::sqrt(a.w * b.w)};
    }
    case CombinationRule::GeomSigEps: {
        const double sigma = std::sqrt(std::fabs(a.v * b.v));
        return {(a.v < 0 || b.v < 0) ? -sigma : sigma, std::sqrt(a.w * b.w)};
    }
    }
    return {0.0, 0.0};
}

std::pair<double, double> ForceField::ljParameters(int i, int j) const
{
    const auto [v, w] = nonbondedVW(i, j);
    return c6c12(v, w);
}

std::optional<std::pair<double, double>> ForceField::pairParameters(int i, int j) const
{
    if (!defaults.genPairs) {
        const int types[2] = {i, j};
        const ParamEntry* entry = findBonded(ParamTable::Pairs, types, 2);
        if (entry == nullptr) {
            return std::nullopt;
        }
        return c6c12(entry->params[0], entry->params[1]);
    }
    const auto it = pairTypes_.find(std::make_pair(std::max(i, j), std::min(i, j)));
    if (it != pairTypes_.end()) {
        return c6c12(it->second.first, it->second.second);
    }
    // Generated from the non-bonded parameters (after [ nonbond_params ]), scaled by fudgeLJ; with
    // sigma/epsilon only epsilon is scaled, which scales c6 and c12 alike.
    const auto [v, w] = nonbondedVW(i, j);
    const double fudge = defaults.fudgeLJ;
    if (defaults.combinationRule == CombinationRule::Geometric) {
        return c6c12(fudge * v, fudge * w);
    }
    return c6c12(v, fudge * w);
}

} // namespace proteinmd::gmxtop

#include "proteinmd/constraints/constraints.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace proteinmd {

namespace {

AtomNamer makeNamer(const Topology* topology)
{
    if (topology != nullptr) {
        return [topology](int atom) { return topology->describeAtom(atom); };
    }
    return [](int atom) { return fmt::format("atom {}", atom + 1); };
}

// The three distance constraints of a rigid water, for the checks below.
std::array<DistanceConstraint, 3> waterBonds(const SettleGroup& g)
{
    return {DistanceConstraint{{g.atoms[0], g.atoms[1]}, g.dOH}, DistanceConstraint{{g.atoms[0], g.atoms[2]}, g.dOH},
            DistanceConstraint{{g.atoms[1], g.atoms[2]}, g.dHH}};
}

template <typename Visit>
void forEachConstraint(const System& system, Visit&& visit)
{
    for (const DistanceConstraint& c : system.constraints) { visit(c); }
    for (const SettleGroup& g : system.settles) {
        for (const DistanceConstraint& c : waterBonds(g)) { visit(c); }
    }
}

} // namespace

Constraints::Constraints(const System& system, const Topology* topology, ConstraintOptions options)
    : system_(system), shake_(system.constraints, system.masses, options.tolerance, options.maxIterations,
                              makeNamer(topology)),
      settle_(system.settles, system.masses, makeNamer(topology))
{
}

int Constraints::numConstrainedDof() const { return shake_.numConstraints() + 3 * settle_.numWaters(); }

void Constraints::constrainPositions(std::span<const Vec3> reference, std::span<Vec3> positions, const Box& box,
                                     double dt, std::span<Vec3> velocities, Matrix3* virial) const
{
    settle_.constrainPositions(reference, positions, box, dt, velocities, virial);
    shake_.constrainPositions(reference, positions, box, dt, velocities, virial);
}

void Constraints::constrainVelocities(std::span<const Vec3> positions, std::span<Vec3> velocities, const Box& box,
                                      double kickTime, Matrix3* virial) const
{
    settle_.constrainVelocities(positions, velocities, box, kickTime, virial);
    shake_.constrainVelocities(positions, velocities, box, kickTime, virial);
}

double Constraints::maxRelativeDeviation(std::span<const Vec3> positions, const Box& box) const
{
    double worst = 0;
    forEachConstraint(system_, [&](const DistanceConstraint& c) {
        const double len = norm(box.minimumImage(positions[static_cast<std::size_t>(c.atoms[0])] -
                                                 positions[static_cast<std::size_t>(c.atoms[1])]));
        worst = std::max(worst, std::abs(len - c.length) / c.length);
    });
    return worst;
}

double Constraints::maxRelativeVelocityAlongBonds(std::span<const Vec3> positions, std::span<const Vec3> velocities,
                                                  const Box& box) const
{
    double worst = 0;
    forEachConstraint(system_, [&](const DistanceConstraint& c) {
        const std::size_t i = static_cast<std::size_t>(c.atoms[0]), j = static_cast<std::size_t>(c.atoms[1]);
        const Vec3 r = box.minimumImage(positions[i] - positions[j]);
        worst = std::max(worst, std::abs(dot(r, velocities[i] - velocities[j])) / norm(r));
    });
    return worst;
}

} // namespace proteinmd

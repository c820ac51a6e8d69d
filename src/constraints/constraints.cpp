#include "proteinmd/constraints/constraints.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "proteinmd/io/mdp.h"

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
    : system_(system),
      shake_(options.algorithm == ConstraintAlgorithm::Shake ? std::span<const DistanceConstraint>(system.constraints)
                                                             : std::span<const DistanceConstraint>(),
             system.masses, options.tolerance, options.maxIterations, makeNamer(topology)),
      lincs_(options.algorithm == ConstraintAlgorithm::Lincs ? std::span<const DistanceConstraint>(system.constraints)
                                                             : std::span<const DistanceConstraint>(),
             system.masses, options.lincsOrder, options.lincsIterations, makeNamer(topology)),
      settle_(system.settles, system.masses, makeNamer(topology))
{
}

ConstraintOptions constraintOptions(const MdpOptions& mdp)
{
    ConstraintOptions options;
    options.algorithm = mdp.constraintAlgorithm == "SHAKE" ? ConstraintAlgorithm::Shake : ConstraintAlgorithm::Lincs;
    options.lincsOrder = mdp.lincsOrder;
    options.lincsIterations = mdp.lincsIter;
    for (const auto& [key, value] : mdp.raw) {
        std::string normal;
        for (char c : key) {
            if (c != '-' && c != '_') {
                normal += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
        }
        if (normal == "shaketol") {
            try {
                options.tolerance = std::stod(value);
            } catch (const std::exception&) {
                throw SetupError(fmt::format("shake-tol = '{}' is not a number", value));
            }
        }
    }
    return options;
}

int Constraints::numConstrainedDof() const
{
    return shake_.numConstraints() + lincs_.numConstraints() + 3 * settle_.numWaters();
}

void Constraints::constrainPositions(std::span<const Vec3> reference, std::span<Vec3> positions, const Box& box,
                                     double dt, std::span<Vec3> velocities, Matrix3* virial) const
{
    settle_.constrainPositions(reference, positions, box, dt, velocities, virial);
    shake_.constrainPositions(reference, positions, box, dt, velocities, virial);
    lincs_.constrainPositions(reference, positions, box, dt, velocities, virial);
}

void Constraints::constrainVelocities(std::span<const Vec3> positions, std::span<Vec3> velocities, const Box& box,
                                      double kickTime, Matrix3* virial) const
{
    settle_.constrainVelocities(positions, velocities, box, kickTime, virial);
    shake_.constrainVelocities(positions, velocities, box, kickTime, virial);
    lincs_.constrainVelocities(positions, velocities, box, kickTime, virial);
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

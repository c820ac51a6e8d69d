#include "proteinmd/constraints/shake.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "constraints/constraint_checks.h"

namespace proteinmd {

Shake::Shake(std::span<const DistanceConstraint> constraints, std::span<const double> masses, double tolerance,
             int maxIterations, const AtomNamer& namer)
    : constraints_(constraints.begin(), constraints.end()), tolerance_(tolerance), maxIterations_(maxIterations),
      namer_(namer)
{
    if (!(tolerance > 0) || maxIterations < 1) {
        throw SetupError(fmt::format("SHAKE needs a positive tolerance and at least one iteration (got {}, {})",
                                     tolerance, maxIterations));
    }
    inverseMasses_ = detail::inverseMassesOf(masses);
    for (const DistanceConstraint& c : constraints_) {
        detail::checkDistanceConstraint(c, masses, namer_);
    }
}

void Shake::constrainPositions(std::span<const Vec3> reference, std::span<Vec3> positions, const Box& box, double dt,
                               std::span<Vec3> velocities, Matrix3* virial) const
{
    if (constraints_.empty()) {
        return;
    }
    const std::size_t n = constraints_.size();
    std::vector<Vec3> oldBonds(n);
    std::vector<double> multipliers(n, 0.0); // accumulated displacement factors g_k
    for (std::size_t k = 0; k < n; ++k) {
        const auto [i, j] = constraints_[k].atoms;
        oldBonds[k] = box.minimumImage(reference[static_cast<std::size_t>(i)] - reference[static_cast<std::size_t>(j)]);
    }

    bool converged = false;
    for (int iteration = 0; iteration < maxIterations_ && !converged; ++iteration) {
        converged = true;
        for (std::size_t k = 0; k < n; ++k) {
            const auto [i, j] = constraints_[k].atoms;
            const std::size_t ui = static_cast<std::size_t>(i), uj = static_cast<std::size_t>(j);
            const double d2 = constraints_[k].length * constraints_[k].length;
            const Vec3 r = box.minimumImage(positions[ui] - positions[uj]);
            const double diff = d2 - norm2(r);
            if (std::abs(diff) <= 2 * tolerance_ * d2) {
                continue;
            }
            converged = false;
            const double rr0 = dot(r, oldBonds[k]);
            if (!(rr0 > 1e-6 * d2)) {
                throw ConstraintError(fmt::format("SHAKE: constraint {} - {} (length {} nm) rotated by more than 90 "
                                                  "degrees in one step (current length {} nm)",
                                                  namer_(i), namer_(j), constraints_[k].length, norm(r)));
            }
            const double g = diff / (2 * rr0 * (inverseMasses_[ui] + inverseMasses_[uj]));
            positions[ui] += oldBonds[k] * (g * inverseMasses_[ui]);
            positions[uj] -= oldBonds[k] * (g * inverseMasses_[uj]);
            multipliers[k] += g;
        }
        if (!converged && iteration + 1 == maxIterations_) {
            // Name the worst constraint.
            std::size_t worst = 0;
            double worstDev = -1;
            for (std::size_t k = 0; k < n; ++k) {
                const auto [i, j] = constraints_[k].atoms;
                const double len = norm(box.minimumImage(positions[static_cast<std::size_t>(i)] -
                                                         positions[static_cast<std::size_t>(j)]));
                const double dev = std::abs(len - constraints_[k].length) / constraints_[k].length;
                if (dev > worstDev) {
                    worstDev = dev;
                    worst = k;
                }
            }
            throw ConstraintError(fmt::format("SHAKE did not converge in {} iterations; worst constraint {} - {} "
                                              "deviates by {:.3g} relative",
                                              maxIterations_, namer_(constraints_[worst].atoms[0]),
                                              namer_(constraints_[worst].atoms[1]), worstDev));
        }
    }

    if (!velocities.empty() && dt > 0) {
        // The displacement of each atom is the sum of its constraints' corrections.
        for (std::size_t k = 0; k < n; ++k) {
            const auto [i, j] = constraints_[k].atoms;
            const Vec3 step = oldBonds[k] * (multipliers[k] / dt);
            velocities[static_cast<std::size_t>(i)] += step * inverseMasses_[static_cast<std::size_t>(i)];
            velocities[static_cast<std::size_t>(j)] -= step * inverseMasses_[static_cast<std::size_t>(j)];
        }
    }
    if (virial != nullptr && dt > 0) {
        Matrix3 sum{};
        for (std::size_t k = 0; k < n; ++k) { sum += outer(oldBonds[k], oldBonds[k]) * multipliers[k]; }
        *virial += sum * (-0.5 / (dt * dt));
    }
}

void Shake::constrainVelocities(std::span<const Vec3> positions, std::span<Vec3> velocities, const Box& box,
                                double kickTime, Matrix3* virial) const
{
    if (constraints_.empty()) {
        return;
    }
    const std::size_t n = constraints_.size();
    std::vector<Vec3> bonds(n);
    std::vector<double> multipliers(n, 0.0);
    for (std::size_t k = 0; k < n; ++k) {
        const auto [i, j] = constraints_[k].atoms;
        bonds[k] = box.minimumImage(positions[static_cast<std::size_t>(i)] - positions[static_cast<std::size_t>(j)]);
    }
    bool converged = false;
    for (int iteration = 0; iteration < maxIterations_ && !converged; ++iteration) {
        converged = true;
        for (std::size_t k = 0; k < n; ++k) {
            const auto [i, j] = constraints_[k].atoms;
            const std::size_t ui = static_cast<std::size_t>(i), uj = static_cast<std::size_t>(j);
            const double r2 = norm2(bonds[k]);
            const double along = dot(bonds[k], velocities[ui] - velocities[uj]);
            // Relative tolerance on the bond-direction velocity, scaled by the bond length (nm/ps).
            if (std::abs(along) <= tolerance_ * r2) {
                continue;
            }
            converged = false;
            const double g = -along / (r2 * (inverseMasses_[ui] + inverseMasses_[uj]));
            velocities[ui] += bonds[k] * (g * inverseMasses_[ui]);
            velocities[uj] -= bonds[k] * (g * inverseMasses_[uj]);
            multipliers[k] += g;
        }
    }
    if (!converged) {
        throw ConstraintError(fmt::format("RATTLE velocity constraints did not converge in {} iterations",
                                          maxIterations_));
    }
    if (virial != nullptr && kickTime > 0) {
        Matrix3 sum{};
        for (std::size_t k = 0; k < n; ++k) { sum += outer(bonds[k], bonds[k]) * multipliers[k]; }
        *virial += sum * (-0.5 / kickTime);
    }
}

} // namespace proteinmd

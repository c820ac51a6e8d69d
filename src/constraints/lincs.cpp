#include "proteinmd/constraints/lincs.h"

#include <cmath>

#include <fmt/format.h>

#include "constraints/constraint_checks.h"

namespace proteinmd {

Lincs::Lincs(std::span<const DistanceConstraint> constraints, std::span<const double> masses, int order,
             int iterations, const AtomNamer& namer)
    : constraints_(constraints.begin(), constraints.end()), order_(order), iterations_(iterations), namer_(namer)
{
    if (order < 1 || iterations < 0) {
        throw SetupError(fmt::format("LINCS needs lincs-order >= 1 and lincs-iter >= 0 (got {}, {})", order,
                                     iterations));
    }
    inverseMasses_ = detail::inverseMassesOf(masses);
    std::vector<std::vector<int>> byAtom(masses.size());
    for (std::size_t k = 0; k < constraints_.size(); ++k) {
        const DistanceConstraint& c = constraints_[k];
        detail::checkDistanceConstraint(c, masses, namer_);
        for (int a : c.atoms) {
            byAtom[static_cast<std::size_t>(a)].push_back(static_cast<int>(k));
        }
        scale_.push_back(1.0 / std::sqrt(inverseMasses_[static_cast<std::size_t>(c.atoms[0])] +
                                          inverseMasses_[static_cast<std::size_t>(c.atoms[1])]));
    }
    couplings_.resize(constraints_.size());
    auto sign = [&](std::size_t k, int atom) { return constraints_[k].atoms[0] == atom ? 1.0 : -1.0; };
    for (std::size_t a = 0; a < byAtom.size(); ++a) {
        for (int k : byAtom[a]) {
            for (int l : byAtom[a]) {
                if (k == l) {
                    continue;
                }
                const auto uk = static_cast<std::size_t>(k), ul = static_cast<std::size_t>(l);
                const double factor = -scale_[uk] * scale_[ul] * inverseMasses_[a] * sign(uk, static_cast<int>(a)) *
                                      sign(ul, static_cast<int>(a));
                couplings_[uk].push_back(Coupling{l, factor});
            }
        }
    }
}

void Lincs::expand(std::span<const Vec3> directions, std::vector<double>& rhs, std::vector<double>& solution) const
{
    const std::size_t n = constraints_.size();
    solution = rhs;
    std::vector<double> next(n);
    for (int p = 0; p < order_; ++p) {
        for (std::size_t k = 0; k < n; ++k) {
            double sum = 0;
            for (const Coupling& c : couplings_[k]) {
                const auto l = static_cast<std::size_t>(c.other);
                sum += c.factor * dot(directions[k], directions[l]) * rhs[l];
            }
            next[k] = sum;
        }
        rhs.swap(next);
        for (std::size_t k = 0; k < n; ++k) { solution[k] += rhs[k]; }
    }
}

void Lincs::apply(std::span<const Vec3> directions, const std::vector<double>& solution, std::span<Vec3> target) const
{
    for (std::size_t k = 0; k < constraints_.size(); ++k) {
        const auto [i, j] = constraints_[k].atoms;
        const Vec3 step = directions[k] * (scale_[k] * solution[k]);
        target[static_cast<std::size_t>(i)] -= step * inverseMasses_[static_cast<std::size_t>(i)];
        target[static_cast<std::size_t>(j)] += step * inverseMasses_[static_cast<std::size_t>(j)];
    }
}

void Lincs::constrainPositions(std::span<const Vec3> reference, std::span<Vec3> positions, const Box& box, double dt,
                               std::span<Vec3> velocities, Matrix3* virial) const
{
    const std::size_t n = constraints_.size();
    if (n == 0) {
        return;
    }
    std::vector<Vec3> directions(n);
    std::vector<double> rhs(n), solution(n), total(n, 0.0);
    for (std::size_t k = 0; k < n; ++k) {
        const auto [i, j] = constraints_[k].atoms;
        const Vec3 r0 = box.minimumImage(reference[static_cast<std::size_t>(i)] - reference[static_cast<std::size_t>(j)]);
        directions[k] = r0 / norm(r0);
        const Vec3 r = box.minimumImage(positions[static_cast<std::size_t>(i)] - positions[static_cast<std::size_t>(j)]);
        rhs[k] = scale_[k] * (dot(directions[k], r) - constraints_[k].length);
    }
    std::vector<Vec3> start;
    if (!velocities.empty()) {
        start.assign(positions.begin(), positions.end());
    }
    expand(directions, rhs, solution);
    apply(directions, solution, positions);
    for (std::size_t k = 0; k < n; ++k) { total[k] += solution[k]; }

    // Correct for rotational lengthening: aim the projection at p = sqrt(2 d^2 - l^2), so that the
    // length becomes d again.
    for (int iteration = 0; iteration < iterations_; ++iteration) {
        for (std::size_t k = 0; k < n; ++k) {
            const auto [i, j] = constraints_[k].atoms;
            const double d = constraints_[k].length;
            const Vec3 r = box.minimumImage(positions[static_cast<std::size_t>(i)] - positions[static_cast<std::size_t>(j)]);
            const double p2 = 2 * d * d - norm2(r);
            if (!(p2 > 0)) {
                throw ConstraintError(fmt::format("LINCS: constraint {} - {} (length {} nm) rotated too far in one "
                                                  "step (length now {} nm)",
                                                  namer_(i), namer_(j), d, norm(r)));
            }
            rhs[k] = scale_[k] * (d - std::sqrt(p2));
        }
        expand(directions, rhs, solution);
        apply(directions, solution, positions);
        for (std::size_t k = 0; k < n; ++k) { total[k] += solution[k]; }
    }

    if (!velocities.empty() && dt > 0) {
        for (std::size_t a = 0; a < positions.size(); ++a) { velocities[a] += (positions[a] - start[a]) / dt; }
    }
    if (virial != nullptr && dt > 0) {
        // Atom i moved by -invm_i S_k total_k u_k: a pair force -S_k total_k u_k / dt^2 on i, and
        // -1/2 r_ij (x) f_i with r_ij taken as d_k u_k (GROMACS uses the constraint length).
        Matrix3 sum{};
        for (std::size_t k = 0; k < n; ++k) {
            sum += outer(directions[k], directions[k]) * (constraints_[k].length * scale_[k] * total[k]);
        }
        *virial += sum * (0.5 / (dt * dt));
    }
}

void Lincs::constrainVelocities(std::span<const Vec3> positions, std::span<Vec3> velocities, const Box& box,
                                double kickTime, Matrix3* virial) const
{
    const std::size_t n = constraints_.size();
    if (n == 0) {
        return;
    }
    std::vector<Vec3> directions(n);
    std::vector<double> rhs(n), solution(n);
    for (std::size_t k = 0; k < n; ++k) {
        const auto [i, j] = constraints_[k].atoms;
        const auto ui = static_cast<std::size_t>(i), uj = static_cast<std::size_t>(j);
        const Vec3 r = box.minimumImage(positions[ui] - positions[uj]);
        directions[k] = r / norm(r);
        rhs[k] = scale_[k] * dot(directions[k], velocities[ui] - velocities[uj]);
    }
    expand(directions, rhs, solution);
    apply(directions, solution, velocities);
    if (virial != nullptr && kickTime > 0) {
        Matrix3 sum{};
        for (std::size_t k = 0; k < n; ++k) {
            sum += outer(directions[k], directions[k]) * (constraints_[k].length * scale_[k] * solution[k]);
        }
        *virial += sum * (0.5 / kickTime);
    }
}

} // namespace proteinmd

#include "proteinmd/constraints/lincs.h"

#include <cmath>

#include <fmt/format.h>

#include "constraints/constraint_checks.h"
#include "core/inline_minimum_image.h"

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
    // Couplings in compressed rows: constraint k's neighbours are couplingOther_[couplingStart_[k] ..
    // couplingStart_[k + 1]).
    std::vector<std::vector<Coupling>> couplings(constraints_.size());
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
                couplings[uk].push_back(Coupling{l, factor});
            }
        }
    }
    couplingStart_.push_back(0);
    for (const std::vector<Coupling>& row : couplings) {
        for (const Coupling& c : row) {
            couplingOther_.push_back(c.other);
            couplingFactor_.push_back(c.factor);
        }
        couplingStart_.push_back(static_cast<int>(couplingOther_.size()));
    }
    const std::size_t n = constraints_.size();
    directions_.resize(n);
    rhs_.resize(n);
    solution_.resize(n);
    next_.resize(n);
    total_.resize(n);
    couplingMatrix_.resize(couplingOther_.size());
}

void Lincs::fillCouplingMatrix() const
{
    // A_kl = factor_kl (u_k . u_l), once per call: the expansion reuses it order x (1 + iterations) times.
    const std::size_t n = constraints_.size();
    for (std::size_t k = 0; k < n; ++k) {
        const auto begin = static_cast<std::size_t>(couplingStart_[k]);
        const auto end = static_cast<std::size_t>(couplingStart_[k + 1]);
        for (std::size_t c = begin; c < end; ++c) {
            const auto l = static_cast<std::size_t>(couplingOther_[c]);
            couplingMatrix_[c] = couplingFactor_[c] * dot(directions_[k], directions_[l]);
        }
    }
}

void Lincs::expand() const
{
    const std::size_t n = constraints_.size();
    solution_ = rhs_;
    for (int p = 0; p < order_; ++p) {
        for (std::size_t k = 0; k < n; ++k) {
            const auto begin = static_cast<std::size_t>(couplingStart_[k]);
            const auto end = static_cast<std::size_t>(couplingStart_[k + 1]);
            double sum = 0;
            for (std::size_t c = begin; c < end; ++c) {
                sum += couplingMatrix_[c] * rhs_[static_cast<std::size_t>(couplingOther_[c])];
            }
            next_[k] = sum;
        }
        rhs_.swap(next_);
        for (std::size_t k = 0; k < n; ++k) { solution_[k] += rhs_[k]; }
    }
}

void Lincs::apply(const std::vector<double>& solution, double factor, std::span<Vec3> target) const
{
    for (std::size_t k = 0; k < constraints_.size(); ++k) {
        const auto [i, j] = constraints_[k].atoms;
        const Vec3 step = directions_[k] * (scale_[k] * solution[k] * factor);
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
    const detail::InlineMinimumImage image(box);
    for (std::size_t k = 0; k < n; ++k) {
        const auto [i, j] = constraints_[k].atoms;
        const Vec3 r0 = image(reference[static_cast<std::size_t>(i)] - reference[static_cast<std::size_t>(j)]);
        directions_[k] = r0 / norm(r0);
        const Vec3 r = image(positions[static_cast<std::size_t>(i)] - positions[static_cast<std::size_t>(j)]);
        rhs_[k] = scale_[k] * (dot(directions_[k], r) - constraints_[k].length);
    }
    fillCouplingMatrix();
    expand();
    apply(solution_, 1.0, positions);
    total_ = solution_;

    // Correct for rotational lengthening: aim the projection at p = sqrt(2 d^2 - l^2), so that the
    // length becomes d again.
    for (int iteration = 0; iteration < iterations_; ++iteration) {
        for (std::size_t k = 0; k < n; ++k) {
            const auto [i, j] = constraints_[k].atoms;
            const double d = constraints_[k].length;
            const Vec3 r = image(positions[static_cast<std::size_t>(i)] - positions[static_cast<std::size_t>(j)]);
            const double p2 = 2 * d * d - norm2(r);
            if (!(p2 > 0)) {
                throw ConstraintError(fmt::format("LINCS: constraint {} - {} (length {} nm) rotated too far in one "
                                                  "step (length now {} nm)",
                                                  namer_(i), namer_(j), d, norm(r)));
            }
            rhs_[k] = scale_[k] * (d - std::sqrt(p2));
        }
        expand();
        apply(solution_, 1.0, positions);
        for (std::size_t k = 0; k < n; ++k) { total_[k] += solution_[k]; }
    }

    if (!velocities.empty() && dt > 0) {
        // Every correction moved the atoms along the fixed directions u_k, so the whole displacement
        // of atom i is -invm_i sum_k S_k total_k u_k: only constrained atoms get a velocity change.
        apply(total_, 1.0 / dt, velocities);
    }
    if (virial != nullptr && dt > 0) {
        // Atom i moved by -invm_i S_k total_k u_k: a pair force -S_k total_k u_k / dt^2 on i, and
        // -1/2 r_ij (x) f_i with r_ij taken as d_k u_k (GROMACS uses the constraint length).
        Matrix3 sum{};
        for (std::size_t k = 0; k < n; ++k) {
            sum += outer(directions_[k], directions_[k]) * (constraints_[k].length * scale_[k] * total_[k]);
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
    const detail::InlineMinimumImage image(box);
    for (std::size_t k = 0; k < n; ++k) {
        const auto [i, j] = constraints_[k].atoms;
        const auto ui = static_cast<std::size_t>(i), uj = static_cast<std::size_t>(j);
        const Vec3 r = image(positions[ui] - positions[uj]);
        directions_[k] = r / norm(r);
        rhs_[k] = scale_[k] * dot(directions_[k], velocities[ui] - velocities[uj]);
    }
    fillCouplingMatrix();
    expand();
    apply(solution_, 1.0, velocities);
    if (virial != nullptr && kickTime > 0) {
        Matrix3 sum{};
        for (std::size_t k = 0; k < n; ++k) {
            sum += outer(directions_[k], directions_[k]) * (constraints_[k].length * scale_[k] * solution_[k]);
        }
        *virial += sum * (0.5 / kickTime);
    }
}

} // namespace proteinmd

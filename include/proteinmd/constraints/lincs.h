#pragma once
// LINCS (Hess, Bekker, Berendsen & Fraaije, J. Comput. Chem. 18, 1463 (1997)) for two-atom distance
// constraints, as GROMACS applies it: the inverse of the constraint coupling matrix is approximated
// by a power series of order `order` (mdp lincs-order), followed by `iterations` corrections for the
// lengthening caused by rotation (mdp lincs-iter). Not exact: the residual deviation falls with
// order and iterations (about 1e-6 relative for h-bonds at GROMACS's defaults 4 and 1).

#include <span>
#include <vector>

#include "proteinmd/constraints/constraint_error.h"
#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"

namespace proteinmd {

class Lincs {
public:
    Lincs() = default;
    // Throws SetupError for a massless atom, a non-positive length, an atom out of range, or
    // order < 1 / iterations < 0.
    Lincs(std::span<const DistanceConstraint> constraints, std::span<const double> masses, int order, int iterations,
          const AtomNamer& namer);

    bool empty() const { return constraints_.empty(); }
    int numConstraints() const { return static_cast<int>(constraints_.size()); }

    void constrainPositions(std::span<const Vec3> reference, std::span<Vec3> positions, const Box& box, double dt,
                            std::span<Vec3> velocities, Matrix3* virial) const;
    void constrainVelocities(std::span<const Vec3> positions, std::span<Vec3> velocities, const Box& box,
                             double kickTime, Matrix3* virial) const;

private:
    struct Coupling {
        int other = 0;      // the constraint sharing an atom
        double factor = 0;  // -S_k S_l invm_a s_ka s_la (multiplies the cosine of the two directions)
    };
    // couplingMatrix_ = A_kl = factor * (u_k . u_l) for the current directions_.
    void fillCouplingMatrix() const;
    // Solves (I - A) x = rhs_ into solution_ by the truncated series x = sum_p A^p rhs (rhs_ is
    // overwritten).
    void expand() const;
    // Moves atoms by -f invm S_k sol_k u_k (first atom) / +f invm S_k sol_k u_k (second atom).
    void apply(const std::vector<double>& solution, double factor, std::span<Vec3> target) const;

    std::vector<DistanceConstraint> constraints_;
    std::vector<double> inverseMasses_; // per atom
    std::vector<double> scale_;         // S_k = 1 / sqrt(invm_i + invm_j)
    // Couplings as compressed rows: those of constraint k are [couplingStart_[k], couplingStart_[k+1]).
    std::vector<int> couplingStart_;
    std::vector<int> couplingOther_;
    std::vector<double> couplingFactor_;
    int order_ = 4;
    int iterations_ = 1;
    AtomNamer namer_;
    // Work arrays of one call, sized once in the constructor so that a step allocates nothing. A
    // Lincs is therefore used by one thread at a time.
    mutable std::vector<Vec3> directions_;
    mutable std::vector<double> rhs_, solution_, next_, total_;
    mutable std::vector<double> couplingMatrix_;
};

} // namespace proteinmd

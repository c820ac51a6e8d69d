#pragma once
// SHAKE (Ryckaert, Ciccotti & Berendsen 1977) for two-atom distance constraints, with RATTLE's
// velocity half (Andersen 1983). Each iteration corrects every constraint in turn along its
// reference bond vector until |r^2 - d^2| <= 2 tol d^2 for all of them.

#include <span>
#include <vector>

#include "proteinmd/constraints/constraint_error.h"
#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"

namespace proteinmd {

class Shake {
public:
    Shake() = default;
    // Throws SetupError for a massless atom, a non-positive length or an atom out of range.
    Shake(std::span<const DistanceConstraint> constraints, std::span<const double> masses, double tolerance,
          int maxIterations, const AtomNamer& namer);

    bool empty() const { return constraints_.empty(); }
    int numConstraints() const { return static_cast<int>(constraints_.size()); }
    const std::vector<DistanceConstraint>& constraints() const { return constraints_; }

    void constrainPositions(std::span<const Vec3> reference, std::span<Vec3> positions, const Box& box, double dt,
                            std::span<Vec3> velocities, Matrix3* virial) const;
    void constrainVelocities(std::span<const Vec3> positions, std::span<Vec3> velocities, const Box& box,
                             double kickTime, Matrix3* virial) const;

private:
    std::vector<DistanceConstraint> constraints_;
    std::vector<double> inverseMasses_; // per atom
    double tolerance_ = 1e-12;
    int maxIterations_ = 1000;
    AtomNamer namer_;
};

} // namespace proteinmd

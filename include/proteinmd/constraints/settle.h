#pragma once
// SETTLE (Miyamoto & Kollman, J. Comput. Chem. 13, 952 (1992)): the analytical solution of the three
// distance constraints of a rigid water, exact to rounding. The corrected positions keep the
// component normal to the reference (old) molecular plane and the centre of mass of the unconstrained
// positions; the in-plane rotation is fixed by requiring the constraint forces (along the old bonds)
// to exert no torque.

#include <span>
#include <vector>

#include "proteinmd/constraints/constraint_error.h"
#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"

namespace proteinmd {

class Settle {
public:
    Settle() = default;
    // Throws SetupError if the two hydrogens of a group have different masses or the geometry is
    // impossible (dHH >= 2 dOH), naming the atoms with `namer`.
    Settle(std::span<const SettleGroup> groups, std::span<const double> masses, const AtomNamer& namer);

    bool empty() const { return waters_.empty(); }
    int numWaters() const { return static_cast<int>(waters_.size()); }

    // See Constraints::constrainPositions.
    void constrainPositions(std::span<const Vec3> reference, std::span<Vec3> positions, const Box& box, double dt,
                            std::span<Vec3> velocities, Matrix3* virial) const;
    // See Constraints::constrainVelocities: a 3x3 linear solve per water.
    void constrainVelocities(std::span<const Vec3> positions, std::span<Vec3> velocities, const Box& box,
                             double kickTime, Matrix3* virial) const;

private:
    struct Water {
        std::array<int, 3> atoms{}; // O, H1, H2
        double dOH = 0, dHH = 0;
        double massO = 0, massH = 0;
        double ra = 0, rb = 0, rc = 0; // canonical triangle: COM to O, COM to H-H midline, half H-H
    };
    std::vector<Water> waters_;
    AtomNamer namer_;
};

} // namespace proteinmd

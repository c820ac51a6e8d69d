#pragma once
// SETTLE (Miyamoto & Kollman, J. Comput. Chem. 13, 952 (1992)): the analytical solution of the three
// distance constraints of a rigid water, exact to rounding. The corrected positions keep the
// component normal to the reference (old) molecular plane and the centre of mass of the unconstrained
// positions; the in-plane rotation is fixed by requiring the constraint forces (along the old bonds)
// to exert no torque.

#include <exception>
#include <span>
#include <vector>

#include "proteinmd/constraints/constraint_error.h"
#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"

namespace proteinmd::detail {
class InlineMinimumImage;
}

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
        double massO = 0, massH = 0, totalMass = 0;
        double ra = 0, rb = 0, rc = 0; // canonical triangle: COM to O, COM to H-H midline, half H-H
    };
    // Waters per work unit of the threaded position loop; fixed, so the summation order of the
    // virial does not depend on the thread count.
    static constexpr std::size_t kBlockWaters = 256;
    int numBlocks() const { return static_cast<int>((waters_.size() + kBlockWaters - 1) / kBlockWaters); }
    // SETTLE of the waters of one block; returns the block's sum of m_i r0_i (x) displacement_i.
    Matrix3 constrainBlock(int block, std::span<const Vec3> reference, std::span<Vec3> positions,
                           const detail::InlineMinimumImage& image, double invDt, std::span<Vec3> velocities,
                           bool wantVirial) const;
    // The ConstraintError for a water whose lane reported `problems` (detail::kSettle* flags).
    [[noreturn]] void throwSettleError(const Water& w, int problems, double sinPhi, double sinPsi) const;

    std::vector<Water> waters_;
    AtomNamer namer_;
    // Per-block results of the last call, kept to avoid an allocation per step. This makes a
    // Settle usable by one thread of the caller at a time (the solver threads itself).
    mutable std::vector<Matrix3> blockVirials_;
    mutable std::vector<std::exception_ptr> blockErrors_;
};

} // namespace proteinmd

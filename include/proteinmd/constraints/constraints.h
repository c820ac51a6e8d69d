#pragma once
// Holonomic constraints of a System: rigid waters (System::settles, solved analytically by SETTLE)
// and two-atom distance constraints (System::constraints, solved iteratively by SHAKE/RATTLE, or by
// LINCS's truncated matrix expansion as GROMACS does by default).
//
// Positions are constrained the way GROMACS's leap-frog and velocity-Verlet do it: the unconstrained
// positions x' (after a drift from the reference x) are moved along the *reference* bond vectors
// until every constraint holds. The correction divided by dt is the velocity correction, and the
// forces that would have produced it give the constraint virial Xi_c = -1/2 sum r_ij (x) f_ij.

#include <span>

#include "proteinmd/constraints/lincs.h"
#include "proteinmd/constraints/settle.h"
#include "proteinmd/constraints/shake.h"
#include "proteinmd/core/box.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/system.h"
#include "proteinmd/core/topology.h"

namespace proteinmd {

enum class ConstraintAlgorithm { Shake, Lincs };

struct ConstraintOptions {
    double tolerance = 1e-12; // SHAKE relative tolerance on each |r_ij|^2 (GROMACS shake-tol)
    int maxIterations = 1000;
    // Which solver handles System::constraints (waters always use SETTLE).
    ConstraintAlgorithm algorithm = ConstraintAlgorithm::Shake;
    int lincsOrder = 4;       // mdp lincs-order
    int lincsIterations = 1;  // mdp lincs-iter
};

struct MdpOptions;
// From an .mdp: constraint-algorithm, lincs-order, lincs-iter, and shake-tol when the file sets it
// (otherwise 1e-12, tighter than GROMACS's default 1e-4 because double precision allows it).
ConstraintOptions constraintOptions(const MdpOptions& mdp);

class Constraints {
public:
    // Validates the constraint parameters against the masses (SetupError otherwise). The system and
    // the topology (used, when given, to name atoms in errors) must outlive this object.
    explicit Constraints(const System& system, const Topology* topology = nullptr, ConstraintOptions options = {});

    // Number of constrained degrees of freedom: one per distance constraint, three per settle.
    int numConstrainedDof() const;
    bool empty() const { return shake_.empty() && lincs_.empty() && settle_.empty(); }

    // Moves `positions` so that every constraint holds, along the bond vectors of `reference`.
    // If `velocities` is not empty it receives the correction / dt; if `virial` is given, the
    // constraint virial for a displacement made over dt is added to it. Throws ConstraintError
    // naming the atoms when a constraint cannot be satisfied.
    void constrainPositions(std::span<const Vec3> reference, std::span<Vec3> positions, const Box& box, double dt,
                            std::span<Vec3> velocities = {}, Matrix3* virial = nullptr) const;

    // Removes the relative velocity along every constraint (RATTLE's second half, velocity Verlet).
    // If `virial` is given, adds the virial of the constraint forces that would make this velocity
    // change over `kickTime` (dt/2 for the closing half-kick of velocity Verlet).
    void constrainVelocities(std::span<const Vec3> positions, std::span<Vec3> velocities, const Box& box,
                             double kickTime = 0, Matrix3* virial = nullptr) const;

    // Largest relative deviation |r_ij - d| / d over all constraints (for tests and checks).
    double maxRelativeDeviation(std::span<const Vec3> positions, const Box& box) const;
    // Largest |v_ij . r_ij| / |r_ij| over all constraints (nm/ps).
    double maxRelativeVelocityAlongBonds(std::span<const Vec3> positions, std::span<const Vec3> velocities,
                                         const Box& box) const;

private:
    const System& system_;
    Shake shake_; // holds System::constraints when the algorithm is SHAKE, else empty
    Lincs lincs_; // holds them when it is LINCS
    Settle settle_;
};

} // namespace proteinmd

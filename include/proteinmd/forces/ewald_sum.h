#pragma once
// Plain Ewald reciprocal sum: the exact (grid-free) counterpart of PME's mesh part, used as an
// oracle. O(N * kmax^3): for tests and small systems only.

#include <span>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

// E = k/(2 pi V) sum_{m != 0} exp(-pi^2 m^2 / alpha^2) / m^2 |S(m)|^2, S(m) = sum_j q_j exp(2 pi i m.r_j),
// over the reciprocal vectors m = n_a a* + n_b b* + n_c c* with |n_d| <= kmax (a cube of integer
// indices, so for triclinic cells choose kmax with margin). Like PmeSolver::compute: no self or
// background term; ADDS forces and the virial (GROMACS Xi = -1/2 dE/d(deformation)); returns kJ/mol.
// prefactor = kCoulombConstant / epsilonR. Throws SetupError on mismatched sizes, a non-periodic
// box or kmax < 1.
double ewaldReciprocalSum(std::span<const Vec3> positions, std::span<const double> charges, const Box& box,
                          double alpha, int kmax, double prefactor, std::span<Vec3> forces, Matrix3& virial);

} // namespace proteinmd

#pragma once
// The Ewald splitting coefficient (beta, nm^-1), chosen as GROMACS or as OpenMM does. Real space and
// the PME mesh must use the same beta, so every backend asks ewaldCoefficient(options).

#include "proteinmd/forces/nonbonded_options.h"

namespace proteinmd {

// GROMACS calc_ewaldcoeff_q: the beta with erfc(beta * cutoff) = rtol, found by the same doubling and
// bisection, so the value is bit-for-bit GROMACS's (3.4704591937120828 for 0.9 nm, 1e-5).
double ewaldCoefficientFromRtol(double cutoff, double rtol);

// OpenMM's rule for an ewaldErrorTolerance delta: alpha = sqrt(-ln(2 delta)) / cutoff.
double ewaldCoefficientFromErrorTolerance(double cutoff, double tolerance);

// The beta a run uses: OpenMM's rule when options.ewaldErrorTolerance > 0, else GROMACS's from
// ewald-rtol and rcoulomb.
double ewaldCoefficient(const NonbondedOptions& options);

} // namespace proteinmd

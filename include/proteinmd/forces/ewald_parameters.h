#pragma once
// The Ewald splitting coefficient (beta, nm^-1), chosen as GROMACS or as OpenMM does. Real space and
// the PME mesh must use the same beta, so every backend asks ewaldCoefficient(options).

#include <array>
#include <optional>

#include "proteinmd/core/box.h"
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

// What the set-up decided for long-range electrostatics (and what the log reports).
struct EwaldSetup {
    double coefficient = 0;            // beta (nm^-1)
    std::array<int, 3> grid{0, 0, 0}; // PME grid
    int order = 0;
};

// The PME set-up every backend uses: nothing without PME; explicit fourier-nx/ny/nz when given; else
// OpenMM's grid and order 5 for an ewald-error-tolerance; else GROMACS's grid from fourierspacing.
// SetupError for plain Ewald summation, which is not implemented.
std::optional<EwaldSetup> chooseEwaldSetup(const NonbondedOptions& options, const Box& box);

} // namespace proteinmd

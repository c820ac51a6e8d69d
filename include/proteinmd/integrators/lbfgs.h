#pragma once
// Energy minimisation by limited-memory BFGS (integrator = l-bfgs; Nocedal, Math. Comp. 35, 773 (1980)).
//
// Each iteration builds the search direction from the last `corrections` (GROMACS nbfgscorr, default
// 10) position/gradient differences by the two-loop recursion, with the initial inverse Hessian
// scaled by s.y / y.y. The first direction (and any direction after a reset) is the force scaled so
// that the atom with the largest force moves by emstep. A step is capped so no atom moves more than
// `maxDisplacement`, then a backtracking line search (Armijo condition, quadratic interpolation)
// accepts the first trial that lowers the energy enough. When the line search fails the memory is
// cleared and a steepest-descent direction tried; a second failure means machine precision is
// reached. Stops when Fmax < emtol or after nsteps iterations. Like GROMACS's l-bfgs it does not
// support constraints or rigid waters (SetupError): minimise those with steep.

#include <cstdint>

#include "proteinmd/core/state.h"
#include "proteinmd/core/system.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/steepest_descent.h"

namespace proteinmd {

struct LbfgsOptions {
    double emtol = 10;            // kJ/mol/nm
    double emstep = 0.01;         // nm, largest atom displacement of a steepest-descent start
    std::int64_t maxSteps = -1;   // nsteps (iterations); -1 = no limit
    int corrections = 10;         // nbfgscorr
    double maxDisplacement = 0.1; // nm, cap on any atom's move in one iteration
};

// Minimises state.positions in place. result.steps counts iterations (accepted line searches),
// result.evaluations every force evaluation including the first and the line-search trials.
MinimizationResult minimizeLbfgs(const System& system, const ForceFunction& forces, State& state,
                                 const LbfgsOptions& options);

} // namespace proteinmd

#pragma once
// Energy minimisation by steepest descent with GROMACS's adaptive step (integrator = steep):
// positions move by x += (h / Fmax) F, so the atom with the largest force moves by h (nm); a step
// that lowers the energy is accepted and h grows by 1.2, otherwise it is rejected and h shrinks by
// 0.5 (what GROMACS's code does; its manual says 0.2). Stops when Fmax < emtol, after nsteps
// attempted steps, or when h falls below 1e-12 nm (machine precision reached).

#include <cstdint>
#include <string>

#include "proteinmd/constraints/constraints.h"
#include "proteinmd/core/state.h"
#include "proteinmd/core/system.h"
#include "proteinmd/integrators/integrator.h"

namespace proteinmd {

struct SteepestDescentOptions {
    double emtol = 10;           // kJ/mol/nm
    double emstep = 0.01;        // nm, initial maximum displacement
    std::int64_t maxSteps = -1;  // nsteps; -1 = no limit
    double growFactor = 1.2;
    double shrinkFactor = 0.5;
};

struct MinimizationResult {
    double potential = 0;        // kJ/mol at the returned positions
    double maxForce = 0;         // kJ/mol/nm, largest |F| over atoms with mass
    int maxForceAtom = -1;       // its index (0-based)
    std::int64_t steps = 0;      // steps attempted (accepted + rejected)
    std::int64_t accepted = 0;
    std::int64_t evaluations = 0; // force/energy evaluations, the first one included
    bool converged = false;      // Fmax < emtol
    std::string stopReason;      // "Fmax < emtol", "nsteps reached", "step size below machine precision"
};

// Minimises state.positions in place (constrained after every step when `constraints` is given;
// Fmax then still includes force components along constraints). Velocities are left untouched.
MinimizationResult minimizeSteepestDescent(const System& system, const ForceFunction& forces,
                                           const Constraints* constraints, State& state,
                                           const SteepestDescentOptions& options);

} // namespace proteinmd

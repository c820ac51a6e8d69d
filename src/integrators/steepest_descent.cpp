#include "proteinmd/integrators/steepest_descent.h"

#include <cmath>
#include <vector>

#include "proteinmd/core/error.h"

namespace proteinmd {

namespace {

struct Evaluated {
    std::vector<Vec3> positions;
    ForceOutput out;
    double potential = 0;
    double maxForce = 0;
    int maxForceAtom = -1;
};

void evaluate(const System& system, const ForceFunction& forces, const Box& box, Evaluated& e)
{
    forces(e.positions, box, e.out);
    e.potential = e.out.energies.total();
    e.maxForce = 0;
    e.maxForceAtom = -1;
    for (std::size_t i = 0; i < e.positions.size(); ++i) {
        if (!(system.masses[i] > 0)) {
            continue;
        }
        const double f = norm(e.out.forces[i]);
        if (f > e.maxForce || e.maxForceAtom < 0) {
            e.maxForce = f;
            e.maxForceAtom = static_cast<int>(i);
        }
    }
    if (!std::isfinite(e.potential) || !std::isfinite(e.maxForce)) {
        throw SetupError("steepest descent: the energy or a force is not finite (overlapping atoms?)");
    }
}

} // namespace

MinimizationResult minimizeSteepestDescent(const System& system, const ForceFunction& forces,
                                           const Constraints* constraints, State& state,
                                           const SteepestDescentOptions& options)
{
    if (!(options.emstep > 0) || !(options.emtol >= 0)) {
        throw SetupError("steepest descent needs emstep > 0 and emtol >= 0");
    }
    Evaluated best, trial;
    best.positions = state.positions;
    if (constraints != nullptr) {
        constraints->constrainPositions(state.positions, best.positions, state.box, 0.0);
    }
    evaluate(system, forces, state.box, best);

    MinimizationResult result;
    double step = options.emstep;
    for (;;) {
        if (best.maxForce < options.emtol) {
            result.converged = true;
            result.stopReason = "Fmax < emtol";
            break;
        }
        if (options.maxSteps >= 0 && result.steps >= options.maxSteps) {
            result.stopReason = "nsteps reached";
            break;
        }
        if (step < 1e-12) {
            result.stopReason = "step size below machine precision";
            break;
        }
        const double scale = step / best.maxForce;
        trial.positions = best.positions;
        for (std::size_t i = 0; i < trial.positions.size(); ++i) {
            if (system.masses[i] > 0) {
                trial.positions[i] += best.out.forces[i] * scale;
            }
        }
        if (constraints != nullptr) {
            constraints->constrainPositions(best.positions, trial.positions, state.box, 0.0);
        }
        evaluate(system, forces, state.box, trial);
        ++result.steps;
        if (trial.potential < best.potential) {
            std::swap(best, trial);
            ++result.accepted;
            step *= options.growFactor;
        } else {
            step *= options.shrinkFactor;
        }
    }
    state.positions = best.positions;
    result.evaluations = result.steps + 1;
    result.potential = best.potential;
    result.maxForce = best.maxForce;
    result.maxForceAtom = best.maxForceAtom;
    return result;
}

} // namespace proteinmd

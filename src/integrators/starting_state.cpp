// What mdrun does to the starting state before step 0.

#include <fmt/format.h>

#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/integrators/velocity_generation.h"
#include "proteinmd/io/mdp.h"

namespace proteinmd {

void prepareStartingState(const System& system, const MdpOptions& mdp, const Constraints* constraints, State& state)
{
    const std::size_t n = state.positions.size();
    if (mdp.genVel) {
        state.velocities.assign(n, Vec3{});
        generateVelocities(system.masses, mdp.genTemp, resolveSeed(mdp.genSeed), state.velocities);
    } else if (state.velocities.size() != n) {
        state.velocities.assign(n, Vec3{});
    }
    if (!mdp.continuation && constraints != nullptr && !constraints->empty()) {
        // Constrain the starting positions onto themselves.
        const std::vector<Vec3> start = state.positions;
        constraints->constrainPositions(start, state.positions, state.box, 0.0);
        if (mdp.integrator == "md-vv" || mdp.integrator == "md-vv-avek") {
            constraints->constrainVelocities(state.positions, state.velocities, state.box);
        } else {
            // Leap-frog velocities are v(-dt/2): constrain the position one step back,
            // x - dt v, against x, and take the velocities from that (as mdrun's do_constrain_first).
            for (Vec3& v : state.velocities) { v = -v; }
            std::vector<Vec3> back(n);
            for (std::size_t i = 0; i < n; ++i) { back[i] = state.positions[i] + state.velocities[i] * mdp.dt; }
            constraints->constrainPositions(state.positions, back, state.box, mdp.dt, state.velocities);
            for (Vec3& v : state.velocities) { v = -v; }
        }
    }
    if (mdp.commMode == "Linear") {
        removeCenterOfMassVelocity(system.masses, state.velocities);
    }
}

} // namespace proteinmd

// What mdrun does to the starting state before step 0, and the .mdp -> integrator options mapping.

#include <fmt/format.h>

#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/integrators/thermostat.h"
#include "proteinmd/integrators/velocity_generation.h"
#include "proteinmd/io/mdp.h"

namespace proteinmd {

IntegratorOptions integratorOptions(const MdpOptions& mdp)
{
    IntegratorOptions options;
    options.dt = mdp.dt;
    options.nstcomm = mdp.nstcomm;
    options.commMode = mdp.commMode;
    return options;
}

std::unique_ptr<Thermostat> makeThermostat(const MdpOptions& mdp)
{
    if (mdp.tcoupl == "no") {
        return nullptr;
    }
    if (mdp.tcoupl != "v-rescale") {
        throw SetupError(fmt::format("tcoupl = {} is not implemented (use v-rescale or no)", mdp.tcoupl));
    }
    if (mdp.tauT.size() != 1 || mdp.refT.size() != 1) {
        throw SetupError(fmt::format("v-rescale supports one tc group; the .mdp gives {} tau-t and {} ref-t values",
                                     mdp.tauT.size(), mdp.refT.size()));
    }
    return std::make_unique<VRescaleThermostat>(mdp.refT[0], mdp.tauT[0], resolveSeed(mdp.ldSeed));
}

std::unique_ptr<Integrator> makeIntegrator(const MdpOptions& mdp, const System& system, ForceFunction forces,
                                           const Constraints* constraints, Thermostat* thermostat)
{
    if (mdp.integrator == "md") {
        return makeLeapFrog(system, std::move(forces), constraints, integratorOptions(mdp), thermostat);
    }
    if (mdp.integrator == "md-vv") {
        return makeVelocityVerlet(system, std::move(forces), constraints, integratorOptions(mdp), thermostat);
    }
    throw SetupError(fmt::format("integrator = {} is not a dynamics integrator proteinmd implements (md, md-vv)",
                                 mdp.integrator));
}

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

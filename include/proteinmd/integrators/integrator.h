#pragma once
// Time integrators. Each one is a short, ordered sequence of elements (compute forces, kick, drift,
// constrain, thermostat, remove COM motion) over a State; see leap_frog.cpp and velocity_verlet.cpp.
// Forces come through a ForceFunction, so any backend (or a test's toy potential) can drive them.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "proteinmd/constraints/constraints.h"
#include "proteinmd/core/state.h"
#include "proteinmd/core/system.h"
#include "proteinmd/forces/force_output.h"
#include "proteinmd/perf/step_timers.h"

namespace proteinmd {

struct MdpOptions;
class Thermostat;

using ForceFunction = std::function<void(std::span<const Vec3> positions, const Box& box, ForceOutput& out)>;

// Energies of one step as GROMACS reports them for that step's time.
struct StepEnergies {
    std::int64_t step = 0;
    double time = 0;             // ps
    EnergyTerms terms;           // potential energy per term
    double potential = 0;        // kJ/mol
    double kinetic = 0;          // leap-frog: average of the two half-step kinetic energies
    double total = 0;            // potential + kinetic
    double conserved = 0;        // total minus the energy the thermostat has put in
    double temperature = 0;      // K, over the integrator's degrees of freedom
    Matrix3 forceVirial{};       // from the force evaluation of this step
    Matrix3 constraintVirial{};  // from the constraint forces of this step
};

struct IntegratorOptions {
    double dt = 0.001;            // ps
    int nstcomm = 100;            // remove COM velocity every nstcomm steps; 0 = never
    std::string commMode = "Linear";
    // When set, the integrator charges its constraint work (StepPart::Constraints) here; the caller
    // owns the timers (benchmarks subtract it and the force parts from the step time to get the update).
    StepTimers* timers = nullptr;
};

class Integrator {
public:
    virtual ~Integrator() = default;
    // Advances `state` by one step and returns the energies at the time the step started.
    virtual StepEnergies step(State& state) = 0;
    virtual int degreesOfFreedom() const = 0;

    // Internal state a checkpoint must hold for a bit-exact continuation (beyond State and the
    // thermostat's own). The leap-frog and velocity-Verlet integrators keep none: everything they
    // carry between steps is in State.
    using StateMap = std::map<std::string, std::vector<double>>;
    virtual void saveState(StateMap& /*state*/) const {}
    virtual void restoreState(const StateMap& /*state*/) {}
};

// Integrators share the System, Constraints and thermostat by reference/pointer; they must outlive it.
// `constraints` may be null for an unconstrained system; `thermostat` may be null (NVE).

// GROMACS's leap-frog (`md`): v(t+dt/2) = v(t-dt/2) + dt F(t)/m; x(t+dt) = x(t) + dt v(t+dt/2);
// constrain x(t+dt), velocities from the constrained displacement. State velocities are v(t-dt/2).
std::unique_ptr<Integrator> makeLeapFrog(const System& system, ForceFunction forces, const Constraints* constraints,
                                         IntegratorOptions options, Thermostat* thermostat = nullptr);

// Velocity Verlet (`md-vv`) with RATTLE: half kick, drift, constrain positions, forces, half kick,
// constrain velocities. State velocities are full-step v(t).
std::unique_ptr<Integrator> makeVelocityVerlet(const System& system, ForceFunction forces,
                                               const Constraints* constraints, IntegratorOptions options,
                                               Thermostat* thermostat = nullptr);

// Options from an .mdp (dt, nstcomm, comm-mode).
IntegratorOptions integratorOptions(const MdpOptions& mdp);

// The thermostat an .mdp asks for: null for tcoupl = no, VRescaleThermostat for v-rescale with one
// tc group (seed from ld-seed; applied every step, GROMACS's nsttcouple is not used). SetupError for
// other couplings or several tc groups.
std::unique_ptr<Thermostat> makeThermostat(const MdpOptions& mdp);

// The integrator an .mdp asks for: "md" -> leap-frog, "md-vv" -> velocity Verlet; SetupError otherwise
// (minimisers live in steepest_descent.h).
std::unique_ptr<Integrator> makeIntegrator(const MdpOptions& mdp, const System& system, ForceFunction forces,
                                           const Constraints* constraints, Thermostat* thermostat = nullptr);

// Prepares starting velocities as mdrun does before step 0: with gen-vel they are generated
// (velocity_generation.h); without continuation, positions are constrained and the velocities made
// consistent with them (for leap-frog: constrained as v(-dt/2) by constraining x - dt v).
// Also removes the COM velocity when comm-mode is Linear.
void prepareStartingState(const System& system, const MdpOptions& mdp, const Constraints* constraints, State& state);

} // namespace proteinmd

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
struct Topology;
struct Diagnostics;
class Thermostat;
class Barostat;

using ForceFunction = std::function<void(std::span<const Vec3> positions, const Box& box, ForceOutput& out)>;

// Energies of one step as GROMACS reports them for that step's time.
struct StepEnergies {
    std::int64_t step = 0;
    double time = 0;             // ps
    EnergyTerms terms;           // potential energy per term
    bool hasPotential = true;    // false on steps that skipped the energies (terms, potential, total, conserved are 0)
    double potential = 0;        // kJ/mol
    // false where the integrator skipped the kinetic sums (leap-frog and md-vv, on steps without
    // energies and without a barostat): kinetic, kineticTensor and temperature are 0 there, and so is the
    // kinetic part of total, conserved and the pressure
    bool hasKinetic = true;
    double kinetic = 0;          // leap-frog: average of the two half-step kinetic energies
    double total = 0;            // potential + kinetic
    double conserved = 0;        // total minus the energy the thermostat has put in
    double temperature = 0;      // K, over the integrator's degrees of freedom
    Matrix3 forceVirial{};       // from the force evaluation of this step
    Matrix3 constraintVirial{};  // from the constraint forces of this step
    // Kinetic-energy tensor 1/2 sum m v (x) v of this step (leap-frog and sd: average of the half steps,
    // as GROMACS) and the pressure P = 2/V (Ekin - Xi_force - Xi_constraint) in bar (zero without a box).
    Matrix3 kineticTensor{};
    Matrix3 pressureTensor{};
    double pressure = 0;         // bar, trace / 3
    double volume = 0;           // nm^3 of the box the forces were computed in (0 without a box)
};

struct IntegratorOptions {
    double dt = 0.001;            // ps
    int nstcomm = 100;            // remove COM velocity every nstcomm steps; 0 = never
    std::string commMode = "Linear";
    // When set, the integrator charges its constraint work (StepPart::Constraints) here; the caller
    // owns the timers (benchmarks subtract it and the force parts from the step time to get the update).
    StepTimers* timers = nullptr;
    // Steps whose energies are used (output, log, the last step): on the others the force call asks
    // for forces only (ForceOutput::energiesWanted), StepEnergies::hasPotential is false, and the
    // leap-frog and md-vv skip their kinetic sums unless a barostat needs them (hasKinetic). Empty =
    // every step, which is what tests and single steps want.
    std::function<bool(std::int64_t step)> energyOnStep = {};

    bool wantsEnergy(std::int64_t step) const { return !energyOnStep || energyOnStep(step); }
};

// Stochastic dynamics (sd): per tc group the bath temperature (K) and the inverse friction tau-t
// (ps), each atom's group (empty: one group), and the seed of the noise (ld-seed).
struct StochasticDynamicsOptions {
    std::vector<double> referenceTemperatures;
    std::vector<double> frictionTimes;
    std::vector<int> groupOfAtom;
    std::uint64_t seed = 0;
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
// `barostat` (may be null) is called at the end of every step (barostat.h).
std::unique_ptr<Integrator> makeLeapFrog(const System& system, ForceFunction forces, const Constraints* constraints,
                                         IntegratorOptions options, Thermostat* thermostat = nullptr,
                                         Barostat* barostat = nullptr);

// Velocity Verlet (`md-vv`) with RATTLE: half kick, drift, constrain positions, forces, half kick,
// constrain velocities. State velocities are full-step v(t).
// After a barostat step that moved the atoms, forces are recomputed before the next step.
std::unique_ptr<Integrator> makeVelocityVerlet(const System& system, ForceFunction forces,
                                               const Constraints* constraints, IntegratorOptions options,
                                               Thermostat* thermostat = nullptr, Barostat* barostat = nullptr);

// GROMACS's stochastic dynamics (`sd`), a leap-frog Langevin integrator with friction 1/tau-t per tc
// group. One step: v' = v + dt F/m; x' = x + dt v'; constrain x' (velocities, constraint virial);
// then v'' = a v' + sqrt(kT/m (1 - a^2)) xi with a = exp(-dt/tau-t) and x'' = x' + dt (v'' - v')/2;
// constrain x'' again (velocities corrected for a dt/2 displacement, no virial). xi are normal deviates from Philox keyed by (seed, step,
// atom), so trajectories do not depend on the thread count. State velocities are v(t - dt/2); the
// kinetic energy is the average of the half steps, as leap-frog. The conserved energy subtracts the
// kinetic energy the friction and noise put in. A group with tau-t < 0 gets no friction (plain leap-frog).
std::unique_ptr<Integrator> makeStochasticDynamics(const System& system, ForceFunction forces,
                                                   const Constraints* constraints, IntegratorOptions options,
                                                   StochasticDynamicsOptions sdOptions, Barostat* barostat = nullptr);

// Options from an .mdp (dt, nstcomm, comm-mode).
IntegratorOptions integratorOptions(const MdpOptions& mdp);
// sd options from an .mdp: ref-t, tau-t, ld-seed; groupOfAtom is left empty (one group) and must be
// filled (coupling_groups.h) when there are several tc groups.
StochasticDynamicsOptions stochasticDynamicsOptions(const MdpOptions& mdp);

// The thermostat an .mdp asks for, for one tc group (taken to hold every atom): null for tcoupl = no
// or integrator = sd, else a TemperatureCoupling as the overload below builds it (v-rescale, berendsen,
// nose-hoover; nsttcouple and nh-chain-length from the .mdp). SetupError for other couplings or several
// tc groups (they need the topology: use the overload below or makeDynamics).
std::unique_ptr<Thermostat> makeThermostat(const MdpOptions& mdp);

// The thermostat for several tc groups too: TemperatureCoupling (temperature_coupling.h) for
// v-rescale, berendsen (Diagnostics warning: not canonical) and nose-hoover, with the groups of
// coupling_groups.h and their degrees of freedom; nsttcouple from the .mdp (-1: GROMACS 2022's default,
// nstcalcenergy capped so that tau-t spans >= 5 coupling steps (20 for Nose-Hoover), 1 for md-vv);
// nh-chain-length from the .mdp (default 10; 1 for leap-frog, as GROMACS). Null for tcoupl = no and for
// sd (whose friction is the thermostat; GROMACS ignores tcoupl there too, with a note).
std::unique_ptr<Thermostat> makeThermostat(const MdpOptions& mdp, const System& system, const Topology& topology,
                                           Diagnostics& diagnostics);

// The integrator an .mdp asks for: "md" -> leap-frog, "md-vv" -> velocity Verlet, "sd" -> stochastic
// dynamics (one tc group; see makeDynamics for several); SetupError otherwise (minimisers live in
// steepest_descent.h and lbfgs.h).
std::unique_ptr<Integrator> makeIntegrator(const MdpOptions& mdp, const System& system, ForceFunction forces,
                                           const Constraints* constraints, Thermostat* thermostat = nullptr,
                                           Barostat* barostat = nullptr);
// The same with explicit integrator options (dt, nstcomm, energy steps, timers).
std::unique_ptr<Integrator> makeIntegrator(const MdpOptions& mdp, const IntegratorOptions& options,
                                           const System& system, ForceFunction forces,
                                           const Constraints* constraints, Thermostat* thermostat = nullptr,
                                           Barostat* barostat = nullptr);

// Everything `proteinmd run` needs for dynamics from an .mdp, wired together: thermostat (may be
// null), barostat (may be null; barostat.h's makeBarostat) and the integrator using both (sd with
// its tc groups). The integrator refers to the other two: keep the struct alive while stepping.
struct Dynamics {
    std::unique_ptr<Thermostat> thermostat;
    std::unique_ptr<Barostat> barostat;
    std::unique_ptr<Integrator> integrator;
    Dynamics();
    Dynamics(Dynamics&&) noexcept;
    Dynamics& operator=(Dynamics&&) noexcept;
    ~Dynamics();
};
// `energyOnStep` goes to IntegratorOptions::energyOnStep (empty: energies every step).
Dynamics makeDynamics(const MdpOptions& mdp, const System& system, const Topology& topology, const State& state,
                      ForceFunction forces, const Constraints* constraints, Diagnostics& diagnostics,
                      std::function<bool(std::int64_t step)> energyOnStep = {});

// Prepares starting velocities as mdrun does before step 0: with gen-vel they are generated
// (velocity_generation.h); without continuation, positions are constrained and the velocities made
// consistent with them (for leap-frog: constrained as v(-dt/2) by constraining x - dt v).
// Also removes the COM velocity when comm-mode is Linear.
void prepareStartingState(const System& system, const MdpOptions& mdp, const Constraints* constraints, State& state);

} // namespace proteinmd

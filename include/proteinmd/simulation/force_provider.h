#pragma once
// The seam between the run loop and whatever computes forces. A run asks a ForceProvider for
// energies, forces and the virial; which backend answers ("cpu", the fast CpuForceField, by default;
// "reference", the double-precision oracle) is chosen in one place, makeForceProvider(). Integrators
// see it through a ForceFunction (integrator.h), so nothing else in the loop depends on the backend.
// A backend with state that shapes its results (the CPU pair list) saves it into checkpoints, so a
// resumed run is bit-identical to the uninterrupted one.

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"
#include "proteinmd/forces/force_output.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/perf/step_timers.h"

namespace proteinmd {

struct MdpOptions;

class ForceProvider {
public:
    virtual ~ForceProvider() = default;
    // Energies per term, forces and virial at these positions; time spent is charged to `timers`
    // per part (bonded, non-bonded, PME, ...) when given.
    virtual void compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out, StepTimers* timers) = 0;
    // One line naming the backend, for the log ("reference (double precision, single thread)").
    virtual std::string name() const = 0;
    // What the set-up decided (electrostatics, PME grid and Ewald coefficient, cut-offs), for the log.
    virtual std::string describeSetup() const = 0;
    // OpenMP threads the backend computes with; the run loop's per-step passes use as many.
    virtual int numThreads() const { return 1; }

    // State for checkpoints (the same map as Integrator's and Thermostat's); none by default.
    using StateMap = std::map<std::string, std::vector<double>>;
    virtual void saveState(StateMap& /*state*/) const {}
    virtual void restoreState(const StateMap& /*state*/) {}
};

// The backend for these run parameters: "cpu" (CpuForceField with cpuRunForceFieldOptions(mdp,
// numThreads, startTemperature); numThreads 0 = every core) or "reference" (single thread);
// SetupError for an unknown name. Validates the cut-offs against the box. startTemperature: the
// kinetic temperature of the input velocities (K, <= 0 if unknown), which constant-energy runs
// without gen-vel size their pair-list buffers for, as grompp does.
std::unique_ptr<ForceProvider> makeForceProvider(const System& system, const MdpOptions& mdp, const Box& box,
                                                 const std::string& backend = "reference", int numThreads = 0,
                                                 double startTemperature = -1);

// The ForceFunction integrators and minimisers take, charging `timers` (may be null). The provider
// and the timers must outlive it.
ForceFunction forceFunction(ForceProvider& provider, StepTimers* timers);

} // namespace proteinmd

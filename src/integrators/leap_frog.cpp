// GROMACS's leap-frog integrator (`integrator = md`). State velocities are v(t - dt/2).
//
// One step from t to t + dt, in order:
//   compute forces F(t)                      -> potential energy of step t
//   thermostat: v(t-dt/2) *= lambda          (v-rescale from the half-step kinetic energy)
//   kick:  v(t+dt/2) = v(t-dt/2) + dt F / m
//   drift: x(t+dt)   = x(t) + dt v(t+dt/2)
//   constrain x(t+dt) along the bonds of x(t); v += correction / dt; constraint virial
//   kinetic energy of step t = average of the half-step energies before (unscaled) and after (GROMACS's KE)
//   every nstcomm steps: remove the COM velocity (after the kinetic energy is taken, as mdrun does)
//   pressure of step t from the averaged kinetic tensor and the virials; barostat (may rescale x, box)

#include <span>
#include <vector>

#include "md_elements.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/integrators/thermostat.h"

namespace proteinmd {

namespace {

class LeapFrog : public Integrator {
public:
    LeapFrog(const System& system, ForceFunction forces, const Constraints* constraints, IntegratorOptions options,
             Thermostat* thermostat, Barostat* barostat)
        : system_(system), forces_(std::move(forces)), constraints_(constraints), options_(std::move(options)),
          thermostat_(thermostat), barostat_(barostat), inverseMasses_(elements::inverseMasses(system.masses)),
          dof_(proteinmd::degreesOfFreedom(system, options_.commMode))
    {
    }

    StepEnergies step(State& state) override
    {
        StepEnergies e;
        e.step = state.step;
        e.time = state.time;
        const double dt = options_.dt;

        out_.energiesWanted = options_.wantsEnergy(state.step);
        out_.virialWanted = out_.energiesWanted || barostat_ != nullptr;
        forces_(state.positions, state.box, out_);
        // The kinetic sums (a pass over all velocities each, before and after) only where they are
        // read: energy steps, and every step with a barostat (it takes the kinetic tensor on its
        // coupling steps). The thermostat sums its own; a non-finite velocity shows up in the
        // positions the stability check looks at. Elsewhere the step's kinetic energy stays 0, as
        // its potential energy does on steps without energies.
        const bool kineticWanted = out_.energiesWanted || barostat_ != nullptr;
        // As GROMACS, the reported kinetic energy averages the half-step energy *before* scaling.
        const KineticSums before = kineticWanted ? kineticSums(system_.masses, state.velocities) : KineticSums{};
        const double kineticBefore = before.kinetic;
        const Matrix3 tensorBefore = before.tensor;
        if (thermostat_ != nullptr) {
            thermostat_->apply(state.velocities, system_.masses, dof_, state.step, dt);
        }
        previous_.resize(state.positions.size());
        elements::kickDriftKeeping(state.positions, state.velocities, previous_, out_.forces, inverseMasses_, dt, dt);
        if (constraints_ != nullptr) {
            const auto start = StepTimers::Clock::now();
            constraints_->constrainPositions(previous_, state.positions, state.box, dt, state.velocities,
                                             out_.virialWanted ? &e.constraintVirial : nullptr);
            if (options_.timers != nullptr) {
                options_.timers->charge(StepPart::Constraints, start);
            }
        }
        const KineticSums after = kineticWanted ? kineticSums(system_.masses, state.velocities) : KineticSums{};
        e.hasKinetic = kineticWanted;
        const double kineticAfter = after.kinetic;
        e.kineticTensor = (tensorBefore + after.tensor) * 0.5;
        if (options_.commMode != "None" && options_.nstcomm > 0 && state.step % options_.nstcomm == 0) {
            removeCenterOfMassVelocity(system_.masses, state.velocities);
        }

        elements::takePotential(e, out_);
        e.kinetic = 0.5 * (kineticBefore + kineticAfter);
        e.total = e.potential + e.kinetic;
        e.temperature = temperature(e.kinetic, dof_);
        e.forceVirial = out_.virial;
        elements::fillPressure(e, state.box);
        if (barostat_ != nullptr) {
            barostat_->apply(state, e);
        }
        e.conserved = e.total - (thermostat_ != nullptr ? thermostat_->energyAdded() : 0.0) -
                      (barostat_ != nullptr ? barostat_->energyAdded() : 0.0);
        state.step += 1;
        state.time += dt;
        return e;
    }

    int degreesOfFreedom() const override { return dof_; }

private:
    const System& system_;
    ForceFunction forces_;
    const Constraints* constraints_;
    IntegratorOptions options_;
    Thermostat* thermostat_;
    Barostat* barostat_;
    std::vector<double> inverseMasses_;
    int dof_;
    ForceOutput out_;
    std::vector<Vec3> previous_;
};

} // namespace

std::unique_ptr<Integrator> makeLeapFrog(const System& system, ForceFunction forces, const Constraints* constraints,
                                         IntegratorOptions options, Thermostat* thermostat, Barostat* barostat)
{
    return std::make_unique<LeapFrog>(system, std::move(forces), constraints, std::move(options), thermostat,
                                      barostat);
}

} // namespace proteinmd

// Velocity Verlet with RATTLE (`integrator = md-vv`). State velocities are full-step v(t).
//
// One step from t to t + dt, in order (F(t) is kept from the previous step):
//   energies of step t: potential from F(t)'s evaluation, kinetic from v(t), constraint virial from
//   the velocity constraint that closed the previous step
//   half kick:  v += dt/2 F(t) / m
//   drift:      x(t+dt) = x(t) + dt v
//   constrain x(t+dt) along the bonds of x(t); v += correction / dt
//   compute forces F(t+dt)
//   half kick:  v += dt/2 F(t+dt) / m
//   constrain velocities (RATTLE)
//   thermostat: v(t+dt) *= lambda            (v-rescale from the full-step kinetic energy)
//   every nstcomm steps: remove the COM velocity
//   barostat with the pressure of step t (kinetic tensor of v(t)); if it moved the atoms, F is recomputed

#include <vector>

#include "md_elements.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/integrators/thermostat.h"

namespace proteinmd {

namespace {

class VelocityVerlet : public Integrator {
public:
    VelocityVerlet(const System& system, ForceFunction forces, const Constraints* constraints,
                   IntegratorOptions options, Thermostat* thermostat, Barostat* barostat)
        : system_(system), forces_(std::move(forces)), constraints_(constraints), options_(std::move(options)),
          thermostat_(thermostat), barostat_(barostat), inverseMasses_(elements::inverseMasses(system.masses)),
          dof_(proteinmd::degreesOfFreedom(system, options_.commMode))
    {
    }

    StepEnergies step(State& state) override
    {
        const double dt = options_.dt;
        if (!haveForces_) {
            out_.energiesWanted = options_.wantsEnergy(state.step);
            out_.virialWanted = out_.energiesWanted || barostat_ != nullptr;
            forces_(state.positions, state.box, out_);
            haveForces_ = true;
        }
        StepEnergies e;
        e.step = state.step;
        e.time = state.time;
        elements::takePotential(e, out_);
        // The kinetic sums (a pass over all velocities) only where they are read: energy steps, and
        // every step with a barostat; the thermostat sums its own (as the leap-frog).
        const bool kineticWanted = options_.wantsEnergy(state.step) || barostat_ != nullptr;
        const KineticSums sums = kineticWanted ? kineticSums(system_.masses, state.velocities) : KineticSums{};
        e.hasKinetic = kineticWanted;
        e.kinetic = sums.kinetic;
        e.total = e.potential + e.kinetic;
        e.conserved = e.total - (thermostat_ != nullptr ? thermostat_->energyAdded() : 0.0) -
                      (barostat_ != nullptr ? barostat_->energyAdded() : 0.0);
        e.temperature = temperature(e.kinetic, dof_);
        e.forceVirial = out_.virial;
        e.constraintVirial = closingConstraintVirial_;
        e.kineticTensor = sums.tensor;
        elements::fillPressure(e, state.box);

        if (constraints_ != nullptr) {
            previous_.resize(state.positions.size());
            elements::kickDriftKeeping(state.positions, state.velocities, previous_, out_.forces, inverseMasses_,
                                       0.5 * dt, dt);
            constraints_->constrainPositions(previous_, state.positions, state.box, dt, state.velocities);
        } else {
            elements::kickDrift(state.positions, state.velocities, out_.forces, inverseMasses_, 0.5 * dt, dt);
        }
        // These forces belong to the next step's positions, whose energies that step reports.
        out_.energiesWanted = options_.wantsEnergy(state.step + 1);
        out_.virialWanted = out_.energiesWanted || barostat_ != nullptr;
        forces_(state.positions, state.box, out_);
        elements::kick(state.velocities, out_.forces, inverseMasses_, 0.5 * dt);
        if (constraints_ != nullptr) {
            closingConstraintVirial_ = Matrix3{};
            constraints_->constrainVelocities(state.positions, state.velocities, state.box, 0.5 * dt,
                                              &closingConstraintVirial_);
        }
        if (thermostat_ != nullptr) {
            thermostat_->apply(state.velocities, system_.masses, dof_, state.step, dt);
        }
        if (options_.commMode != "None" && options_.nstcomm > 0 && state.step % options_.nstcomm == 0) {
            removeCenterOfMassVelocity(system_.masses, state.velocities);
        }
        if (barostat_ != nullptr && barostat_->apply(state, e)) {
            haveForces_ = false;
        }
        state.step += 1;
        state.time += dt;
        return e;
    }

    // Forces are recomputed from the positions after a restart (deterministically, so identically);
    // the velocity-constraint virial of the last half kick is not, so it travels in the checkpoint.
    void saveState(StateMap& state) const override
    {
        std::vector<double>& v = state["md-vv.closing_constraint_virial"];
        v.clear();
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 3; ++c) {
                v.push_back(closingConstraintVirial_[r][c]);
            }
        }
    }
    void restoreState(const StateMap& state) override
    {
        if (auto it = state.find("md-vv.closing_constraint_virial"); it != state.end() && it->second.size() == 9) {
            for (int r = 0; r < 3; ++r) {
                for (int c = 0; c < 3; ++c) {
                    closingConstraintVirial_[r][c] = it->second[static_cast<std::size_t>(3 * r + c)];
                }
            }
        }
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
    bool haveForces_ = false;
    // Virial of the constraint forces at time t, from the RATTLE of the half-kick that made v(t)
    // (GROMACS's choice for md-vv); zero before the first step.
    Matrix3 closingConstraintVirial_{};
    std::vector<Vec3> previous_;
};

} // namespace

std::unique_ptr<Integrator> makeVelocityVerlet(const System& system, ForceFunction forces,
                                               const Constraints* constraints, IntegratorOptions options,
                                               Thermostat* thermostat, Barostat* barostat)
{
    return std::make_unique<VelocityVerlet>(system, std::move(forces), constraints, std::move(options), thermostat,
                                            barostat);
}

} // namespace proteinmd

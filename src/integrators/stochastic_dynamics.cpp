// GROMACS's stochastic dynamics integrator (`integrator = sd`): leap-frog with Langevin friction and
// noise applied as a separate, exactly solved Ornstein-Uhlenbeck update after the constrained
// leap-frog step (GROMACS 2022's "SDUpdate::ForcesOnly" then "FrictionAndNoiseOnly"). State velocities
// are v(t - dt/2).
//
// One step from t to t + dt:
//   compute forces F(t)
//   kick, drift, constrain x' (velocity correction and constraint virial)      (plain leap-frog)
//   v'' = a v' + sqrt(kT/m (1 - a^2)) xi,  a = exp(-dt / tau-t) per tc group
//   x'' = x' + dt (v'' - v') / 2   (the friction and noise act from the middle of the step)
//   constrain x'' against x(t) (velocities corrected as for a dt/2 displacement, no virial: as GROMACS)
//   kinetic energy = average of the half steps; COM motion removed every nstcomm steps; barostat

#include <fmt/format.h>

#include <cmath>

#include "md_elements.h"

#include "proteinmd/core/units.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/integrators/philox.h"

namespace proteinmd {

namespace {

class StochasticDynamics : public Integrator {
  public:
    StochasticDynamics(const System& system, ForceFunction forces, const Constraints* constraints,
                       IntegratorOptions options, StochasticDynamicsOptions sd, Barostat* barostat)
        : system_(system), forces_(std::move(forces)), constraints_(constraints), options_(std::move(options)),
          sd_(std::move(sd)), barostat_(barostat), inverseMasses_(elements::inverseMasses(system.masses)),
          dof_(proteinmd::degreesOfFreedom(system, options_.commMode))
    {
        const std::size_t groups = sd_.referenceTemperatures.size();
        if (groups == 0 || sd_.frictionTimes.size() != groups) {
            throw SetupError(fmt::format("sd needs one ref-t and one tau-t per tc group (got {} and {})", groups,
                                         sd_.frictionTimes.size()));
        }
        if (!sd_.groupOfAtom.empty() && sd_.groupOfAtom.size() != system.masses.size()) {
            throw SetupError("sd: the tc-group list does not match the number of atoms");
        }
        if (groups > 1 && sd_.groupOfAtom.empty()) {
            throw SetupError("sd with several tc groups needs each atom's group");
        }
        const double dt = options_.dt;
        for (std::size_t g = 0; g < groups; ++g) {
            const double tau = sd_.frictionTimes[g];
            if (tau == 0 || !(sd_.referenceTemperatures[g] >= 0)) {
                throw SetupError(fmt::format("sd: tc group {} has tau-t {} ps and ref-t {} K; expected tau-t != 0 "
                                             "(< 0: no friction) and ref-t >= 0",
                                             g + 1, tau, sd_.referenceTemperatures[g]));
            }
            damping_.push_back(tau > 0 ? std::exp(-dt / tau) : 1.0);
            kT_.push_back(units::kBoltzmann * sd_.referenceTemperatures[g]);
        }
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
        const KineticSums before = kineticSums(system_.masses, state.velocities); // one pass for both
        const double kineticBefore = before.kinetic;
        const Matrix3 tensorBefore = before.tensor;
        previous_.resize(state.positions.size());
        elements::kickDriftKeeping(state.positions, state.velocities, previous_, out_.forces, inverseMasses_, dt, dt);
        if (constraints_ != nullptr) {
            constraints_->constrainPositions(previous_, state.positions, state.box, dt, state.velocities,
                                             out_.virialWanted ? &e.constraintVirial : nullptr);
        }
        const double kineticLeapFrog = kineticEnergy(system_.masses, state.velocities);
        frictionAndNoise(state);
        const double kineticAfter = kineticEnergy(system_.masses, state.velocities);
        energyAdded_ += kineticAfter - kineticLeapFrog;
        if (options_.commMode != "None" && options_.nstcomm > 0 && state.step % options_.nstcomm == 0) {
            removeCenterOfMassVelocity(system_.masses, state.velocities);
        }

        elements::takePotential(e, out_);
        e.kinetic = 0.5 * (kineticBefore + kineticAfter);
        e.kineticTensor = (tensorBefore + kineticEnergyTensor(system_.masses, state.velocities)) * 0.5;
        e.total = e.potential + e.kinetic;
        e.temperature = temperature(e.kinetic, dof_);
        e.forceVirial = out_.virial;
        elements::fillPressure(e, state.box);
        if (barostat_ != nullptr) {
            barostat_->apply(state, e);
        }
        e.conserved = e.total - energyAdded_ - (barostat_ != nullptr ? barostat_->energyAdded() : 0.0);
        state.step += 1;
        state.time += dt;
        return e;
    }

    int degreesOfFreedom() const override { return dof_; }

    void saveState(StateMap& state) const override { state["sd.energy_added"] = {energyAdded_}; }
    void restoreState(const StateMap& state) override
    {
        if (auto it = state.find("sd.energy_added"); it != state.end() && it->second.size() == 1) {
            energyAdded_ = it->second[0];
        }
    }

  private:
    void frictionAndNoise(State& state)
    {
        const double dt = options_.dt;
        const std::size_t n = state.velocities.size();
        for (std::size_t i = 0; i < n; ++i) {
            if (!(system_.masses[i] > 0)) {
                continue;
            }
            const std::size_t g = sd_.groupOfAtom.empty() ? 0 : static_cast<std::size_t>(sd_.groupOfAtom[i]);
            const double a = damping_[g];
            if (a == 1.0) {
                continue;
            }
            const std::array<double, 4> xi =
                normalQuad(sd_.seed, RandomPurpose::StochasticDynamics, static_cast<std::uint64_t>(state.step),
                           static_cast<std::uint32_t>(i));
            const double sigma = std::sqrt(kT_[g] * inverseMasses_[i] * (1 - a * a));
            const Vec3 old = state.velocities[i];
            state.velocities[i] = old * a + Vec3{xi[0], xi[1], xi[2]} * sigma;
            state.positions[i] += (state.velocities[i] - old) * (0.5 * dt);
        }
        // As GROMACS: constrained against x(t) (previous_), and the velocities corrected for a displacement
        // made over dt/2 (the friction and noise moved the positions by dt/2 (v'' - v')); correcting by
        // displacement/dt would leave half of the noise along the constraints.
        if (constraints_ != nullptr) {
            constraints_->constrainPositions(previous_, state.positions, state.box, 0.5 * dt, state.velocities);
        }
    }

    const System& system_;
    ForceFunction forces_;
    const Constraints* constraints_;
    IntegratorOptions options_;
    StochasticDynamicsOptions sd_;
    Barostat* barostat_;
    std::vector<double> inverseMasses_;
    int dof_;
    std::vector<double> damping_, kT_;
    double energyAdded_ = 0; // kinetic energy put in by friction and noise
    ForceOutput out_;
    std::vector<Vec3> previous_;
};

} // namespace

std::unique_ptr<Integrator> makeStochasticDynamics(const System& system, ForceFunction forces,
                                                   const Constraints* constraints, IntegratorOptions options,
                                                   StochasticDynamicsOptions sdOptions, Barostat* barostat)
{
    return std::make_unique<StochasticDynamics>(system, std::move(forces), constraints, std::move(options),
                                                std::move(sdOptions), barostat);
}

} // namespace proteinmd

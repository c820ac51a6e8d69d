#pragma once
// Thermostats act on the velocities once per step, as one element of an integrator. They keep the
// energy they have added, so integrators can report GROMACS's conserved energy (total - added).

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "proteinmd/core/vec3.h"

namespace proteinmd {

class Thermostat {
public:
    virtual ~Thermostat() = default;
    // The factor lambda to multiply all velocities by, given their kinetic energy (kJ/mol) and
    // degrees of freedom, at step `step` with a coupling interval of dt. Records (lambda^2 - 1) K as
    // energy added.
    virtual double scaleFactor(double kinetic, int degreesOfFreedom, std::int64_t step, double dt) = 0;
    // The thermostat as an integrator element: acts on the velocities at step `step`. The default
    // scales all velocities by scaleFactor(their kinetic energy, degreesOfFreedom, step, dt);
    // TemperatureCoupling overrides it for several tc groups and for nsttcouple.
    virtual void apply(std::span<Vec3> velocities, std::span<const double> masses, int degreesOfFreedom,
                       std::int64_t step, double dt);
    // Total energy put into the system so far (kJ/mol).
    double energyAdded() const { return energyAdded_; }

    // Everything a checkpoint needs to continue bit-exactly, as named arrays. Random numbers are
    // keyed by (seed, step), so they need no state; a thermostat with internal variables (e.g. a
    // Nose-Hoover chain) must add them here.
    using StateMap = std::map<std::string, std::vector<double>>;
    virtual void saveState(StateMap& state) const { state["thermostat.energy_added"] = {energyAdded_}; }
    virtual void restoreState(const StateMap& state)
    {
        if (auto it = state.find("thermostat.energy_added"); it != state.end() && it->second.size() == 1) {
            energyAdded_ = it->second[0];
        }
    }

protected:
    double energyAdded_ = 0;
};

// Bussi, Donadio & Parrinello, J. Chem. Phys. 126, 014101 (2007): stochastic velocity rescaling.
// The new kinetic energy is drawn exactly (one normal deviate plus a sum of ndf-1 squared normals,
// sampled as 2 Gamma((ndf-1)/2)), with random numbers from Philox keyed by (seed, step).
class VRescaleThermostat : public Thermostat {
public:
    VRescaleThermostat(double referenceTemperature, double tau, std::uint64_t seed);
    double scaleFactor(double kinetic, int degreesOfFreedom, std::int64_t step, double dt) override;

private:
    double referenceTemperature_; // K
    double tau_;                  // ps; 0 = instantaneous rescaling to the target
    std::uint64_t seed_;
};

} // namespace proteinmd

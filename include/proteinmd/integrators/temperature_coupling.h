#pragma once
// Temperature coupling as GROMACS's tcoupl offers it, per tc group, every nsttcouple steps:
//  - v-rescale (Bussi, Donadio & Parrinello 2007), canonical;
//  - Berendsen (weak coupling; lambda^2 = 1 + (dt/tau)(T0/T - 1), clamped to [0.8, 1.25] as
//    GROMACS does): does NOT give the canonical ensemble (makeThermostat warns);
//  - Nose-Hoover chains (Martyna, Tuckerman & Klein 1996): the chain is propagated for the coupling
//    interval with the symmetric Trotter splitting (chain half-update, velocity scaling, chain
//    half-update), so the thermostat acts as one scaling of the velocities and fits both
//    integrators' thermostat element. Masses Q1 = ndf kB T0 tau^2 / (4 pi^2), Qk = kB T0 tau^2 / (4 pi^2)
//    (GROMACS's choice: tau-t is the period of the oscillation of the kinetic energy).
//    The chain variables are checkpointed; the conserved energy includes the chain's energy
//    sum Qk vk^2/2 + ndf kB T0 xi1 + sum_k>1 kB T0 xik.
// A group with tau-t < 0 is not coupled (GROMACS's convention).

#include <cstdint>
#include <vector>

#include "proteinmd/integrators/thermostat.h"

namespace proteinmd {

enum class CouplingAlgorithm { VRescale, Berendsen, NoseHoover };

struct TemperatureCouplingOptions {
    CouplingAlgorithm algorithm = CouplingAlgorithm::VRescale;
    std::vector<double> referenceTemperatures; // K, one per group
    std::vector<double> timeConstants;         // ps, one per group
    std::vector<int> groupOfAtom;              // empty: one group holding every atom
    std::vector<double> groupDegreesOfFreedom; // empty with one group: the integrator's count is used
    int interval = 1;                          // nsttcouple: couple at steps that are multiples of it
    int chainLength = 1;                       // Nose-Hoover chain length (nh-chain-length)
    std::uint64_t seed = 0;                    // v-rescale random numbers, keyed by (seed, step, group)
};

class TemperatureCoupling : public Thermostat {
  public:
    // Throws SetupError for inconsistent options (counts, tau-t = 0 for Berendsen/Nose-Hoover, ...).
    explicit TemperatureCoupling(TemperatureCouplingOptions options);

    // One group (the whole system): the factor for step `step`; 1 between coupling steps.
    double scaleFactor(double kinetic, int degreesOfFreedom, std::int64_t step, double dt) override;
    // Per group: each group's velocities are scaled by its own factor.
    void apply(std::span<Vec3> velocities, std::span<const double> masses, int degreesOfFreedom, std::int64_t step,
               double dt) override;

    void saveState(StateMap& state) const override;
    void restoreState(const StateMap& state) override;

    const TemperatureCouplingOptions& options() const { return options_; }
    int numGroups() const { return static_cast<int>(options_.referenceTemperatures.size()); }
    // Nose-Hoover chain positions and velocities of group g (chainLength each; empty otherwise).
    std::vector<double> chainPositions(int group) const;
    std::vector<double> chainVelocities(int group) const;

  private:
    double groupFactor(std::size_t group, double kinetic, double dof, std::int64_t step, double dt);
    double noseHooverFactor(std::size_t group, double kinetic, double dof, double dt);
    double chainEnergy() const;

    TemperatureCouplingOptions options_;
    std::vector<double> xi_, vxi_; // Nose-Hoover chains, chainLength per group
    std::vector<double> chainDof_; // dof each chain was last coupled with (for its energy)
    double scalingEnergy_ = 0;     // energy put in by v-rescale and Berendsen scalings
};

} // namespace proteinmd
